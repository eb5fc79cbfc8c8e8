/**
 * RL agent training with joint fine-tuning of the backbone (SPEC 2).
 *
 * Per batch: the dynamic-train forward samples an action per layer; the reward r = score - alpha * sum_l a_l c_l
 * (score: p(label) or 1[correct], rl.ts RewardMode) arrives after the last layer; returns G_t = r * gamma^(L-1-t);
 * the gates learn by REINFORCE against the learned value baseline, the value heads by MSE to G (to the
 * per-sample standardised G with the reference advantage, rl.ts `advantages`), and the
 * backbone by cross-entropy on the output of the layers actually run. Two optimisers, as in the
 * reference: the agent's (gates + value heads) and the backbone's, each with its own learning rate.
 *
 * Alpha is the user's knob: the reward for skipping a layer is alpha * c_l, weighed against the confidence
 * (or the chance of a right answer) that skipping it costs. Larger alpha -> fewer layers, lower accuracy.
 *
 * Opt-in variations (all off by default; the results page measures each, issue 17): distillation from the static
 * teacher (distill.ts), a curriculum (curriculum.ts), consolidation epochs (gates frozen and greedy, backbone
 * fine-tuned on the paths they choose), FLOP-proportional reward costs; undiscounted returns are gamma = 1.
 */
import { backendInfo } from '../backend';
import { checkValidationSplit, type Dataset } from '../data';
import { loadModel, type ModelMeta } from '../model/io';
import type { AgentStepPlan } from './agent-step';
import { evaluate } from './evaluate';
import { runLoop } from './loop';
import { datasetMeta, type TrainResult } from './static';
import type { AdvantageMode, RewardMode, TrainHooks } from './types';
import { ViT } from '../model/vit';
import { initParams } from '../model/params';
import { layerCosts } from '../model/costs';

export interface AgentTrainOptions {
  data: Dataset;
  /** The model to start from: a static model (fresh agent) or a dynamic one (agent kept). */
  from: string;
  /** Replace the classifier head with a fresh one for this many classes (transfer learning). */
  newHead?: boolean;
  alpha?: number; // default 1.0
  gamma?: number; // default 0.9
  epochs: number;
  batchSize?: number; // default 64
  agentLr?: number; // default 1e-3
  backboneLr?: number; // default 1e-4 (fine-tuning)
  /** Entropy bonus coefficient, decayed linearly to 0 over the run; default 0.01. */
  entropy?: number;
  /** Weight of the value loss; default 0.5. */
  valueWeight?: number;
  advantage?: AdvantageMode; // default 'baseline'
  reward?: RewardMode; // default 'confidence' (rl.ts)
  /** Keep the backbone frozen (agent only). Default false: joint fine-tuning. */
  freezeBackbone?: boolean;
  /**
   * Distillation during joint fine-tuning (off by default): adds weight * KL(teacher || student) on the logits
   * at the temperature, the teacher being a model run with every layer (default: the `from` model as loaded).
   */
  distill?: { weight: number; temperature?: number; teacher?: string };
  /** Curriculum (off by default): over this many first epochs the agent decides 1 .. L of the last layers (curriculum.ts). */
  curriculumEpochs?: number;
  /**
   * Consolidation (off by default): this many epochs after the agent's, with the gates frozen and greedy (run iff
   * pi(run) > 1/2, as at inference) and the backbone fine-tuned on the paths they choose.
   */
  consolidationEpochs?: number;
  /**
   * The per-layer costs c_l the reward charges: 'model' (the model's costs, reference costs weighing later layers
   * more; default) or 'flops' (1/L each: every block has the same FLOPs, so the charge is the FLOP fraction run).
   */
  rewardCosts?: 'model' | 'flops';
  labelSmoothing?: number; // default 0.1
  clipNorm?: number; // default 1.0
  augment?: boolean; // default true
  seed?: number;
  out: string;
  provenance?: Record<string, unknown>;
}

/** A copy of `source` with a fresh head for `numClasses` classes (every other weight kept). */
function withNewHead(source: ViT, numClasses: number, seed: number): ViT {
  const config = { ...source.config, numClasses };
  const params = initParams(config, seed);
  const model = new ViT(config, params, source.costs);
  const src = source.variables();
  for (const [name, v] of model.variables()) if (!name.startsWith('head.')) v.assign(src.get(name)!);
  return model;
}

export async function trainAgent(opts: AgentTrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  const loaded = await loadModel(opts.from);
  const seed = opts.seed ?? 0;
  const info = opts.data.info;
  const K = info.classNames.length;
  let model = loaded.model;
  // The twin chooses its best epoch on validation images: they must be ones the backbone never trained on.
  if (!opts.newHead) checkValidationSplit(opts.from, loaded.meta.validationSplit, opts.data);
  if (opts.newHead) {
    model = withNewHead(loaded.model, K, seed);
    loaded.model.dispose();
  } else if (model.config.numClasses !== K) {
    throw new Error(`${opts.from}: the model has ${model.config.numClasses} classes, ${info.name} has ${K} (use a new head for transfer)`);
  }
  if (model.config.imageSize !== info.height || model.config.channels !== info.channels) {
    throw new Error(`${opts.from}: the model takes ${model.config.imageSize}px x ${model.config.channels} channels, ${info.name} has ${info.height}px x ${info.channels}`);
  }
  const L = model.depth;
  const alpha = opts.alpha ?? 1.0;
  const gamma = opts.gamma ?? 0.9;
  const bs = opts.batchSize ?? 64;
  const perEpoch = Math.floor(opts.data.train.count / bs);
  const consolidationEpochs = opts.consolidationEpochs ?? 0;
  const curriculumEpochs = opts.curriculumEpochs ?? 0;
  for (const [name, v] of [['consolidationEpochs', consolidationEpochs], ['curriculumEpochs', curriculumEpochs], ['epochs', opts.epochs]] as const) {
    if (!(Number.isInteger(v) && v >= 0)) throw new Error(`agent: ${name} must be an integer >= 0, got ${v}`);
  }
  if (curriculumEpochs > opts.epochs) throw new Error(`agent: the curriculum (${curriculumEpochs} epochs) is longer than the agent's training (${opts.epochs})`);
  if (consolidationEpochs > 0 && opts.freezeBackbone) throw new Error('agent: consolidation fine-tunes the backbone; it cannot be combined with a frozen backbone');
  if (opts.distill && opts.freezeBackbone) throw new Error('agent: distillation trains the backbone; it cannot be combined with a frozen backbone');
  if (opts.distill && !(opts.distill.weight > 0)) throw new Error(`agent: the distillation weight must be > 0, got ${opts.distill.weight}`);
  /** Steps of the agent's own training; consolidation steps follow them. */
  const totalSteps = perEpoch * opts.epochs;
  const allSteps = perEpoch * (opts.epochs + consolidationEpochs);
  const curriculumSteps = perEpoch * curriculumEpochs;
  const entropy0 = opts.entropy ?? 0.01;
  const valueWeight = opts.valueWeight ?? 0.5;
  const mode = opts.advantage ?? 'baseline';
  const rewardMode = opts.reward ?? 'confidence';
  const smoothing = opts.labelSmoothing ?? 0.1;
  const clip = opts.clipNorm ?? 1.0;
  const agentSchedule = { peakLr: opts.agentLr ?? 1e-3, minLr: (opts.agentLr ?? 1e-3) / 10, warmupSteps: Math.ceil(totalSteps / 50), totalSteps };
  const backboneSchedule = { peakLr: opts.backboneLr ?? 1e-4, minLr: 1e-6, warmupSteps: Math.ceil(allSteps / 20), totalSteps: allSteps };
  const rewardCostMode = opts.rewardCosts ?? 'model';
  const rewardCosts = rewardCostMode === 'flops' ? layerCosts({ depth: L, costs: 'uniform' }) : model.costs;
  const distill = opts.distill ? { weight: opts.distill.weight, temperature: opts.distill.temperature ?? 2, teacher: opts.distill.teacher ?? opts.from } : null;
  const trainBackbone = !opts.freezeBackbone;
  // What described the model it starts from as an export (the point's gate bias, its kept layers, the export
  // record) does not describe the new one: its gates are trained anew and run unbiased. agent.from keeps the lineage.
  const { gateBias: _bias, sourceLayers: _layers, sourceDepth: _depth, export: _export, ...inherited } = loaded.meta as ModelMeta;
  const meta: ModelMeta = {
    ...inherited,
    kind: 'dynamic',
    config: model.config,
    costs: model.costs,
    dataset: datasetMeta(opts.data),
    validationSplit: opts.data.valSplit,
    agent: {
      alpha, gamma, epochs: opts.epochs, batchSize: bs, agentLr: agentSchedule.peakLr, backboneLr: backboneSchedule.peakLr,
      entropy: entropy0, valueWeight, advantage: mode, reward: rewardMode, jointFineTune: trainBackbone, newHead: Boolean(opts.newHead),
      rewardCosts: rewardCostMode, curriculumEpochs, consolidationEpochs, distill,
      from: opts.from, seed, backend: backendInfo()?.name ?? null, ...opts.provenance,
    },
  };
  const plan: AgentStepPlan = {
    kind: 'agent', alpha, gamma, entropy: entropy0, valueWeight, advantage: mode, reward: rewardMode, rewardCosts,
    labelSmoothing: smoothing, clipNorm: clip, trainBackbone, agentSchedule, backboneSchedule, agentSteps: totalSteps,
    curriculumSteps, distill,
  };
  const result = await runLoop({
    model, meta, data: opts.data, epochs: opts.epochs + consolidationEpochs, batchSize: bs, seed, augment: opts.augment ?? true,
    plan, out: opts.out, hooks,
    validate: async () => {
      const r = await evaluate(model, opts.data.val, info, { mode: 'dynamic', signal: hooks.signal });
      const reward = r.accuracy - alpha * r.meanExecutedCost * model.costs.reduce((a, c) => a + c, 0);
      // Best = highest validation reward: the agent's own objective, not accuracy alone.
      return { score: reward, metrics: { valAccuracy: r.accuracy, valExecutedCost: r.meanExecutedCost, valExecutedLayers: r.meanExecutedLayers, valReward: reward } };
    },
  });
  return { ...result, out: opts.out, model, meta };
}
