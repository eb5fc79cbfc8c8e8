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
import * as tf from '@tensorflow/tfjs';
import { backendInfo } from '../backend';
import { checkValidationSplit, type Dataset } from '../data';
import { loadModel, type ModelMeta } from '../model/io';
import { isAgentVariable, isDecayed } from '../model/params';
import { AdamW, clipByGlobalNorm } from './adamw';
import { evaluate } from './evaluate';
import { namedGrads, runLoop } from './loop';
import { curriculumForceRun } from './curriculum';
import { distillationLoss } from './distill';
import { advantages, agentLosses, discountedReturns, rewardScores, rewards } from './rl';
import { learningRate } from './schedule';
import { datasetMeta, smoothedCrossEntropy, type TrainResult } from './static';
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
  const all = model.variables();
  const agentVars = new Map([...all].filter(([n]) => isAgentVariable(n)));
  const backboneVars = new Map([...all].filter(([n]) => !isAgentVariable(n)));
  const agentOpt = new AdamW(agentVars, () => false, { weightDecay: 0 });
  const backboneOpt = new AdamW(backboneVars, isDecayed, { weightDecay: 0.05 });
  const agentSchedule = { peakLr: opts.agentLr ?? 1e-3, minLr: (opts.agentLr ?? 1e-3) / 10, warmupSteps: Math.ceil(totalSteps / 50), totalSteps };
  const backboneSchedule = { peakLr: opts.backboneLr ?? 1e-4, minLr: 1e-6, warmupSteps: Math.ceil(allSteps / 20), totalSteps: allSteps };
  const rewardCostMode = opts.rewardCosts ?? 'model';
  const rewardCosts = rewardCostMode === 'flops' ? layerCosts({ depth: L, costs: 'uniform' }) : model.costs;
  const distill = opts.distill ? { weight: opts.distill.weight, temperature: opts.distill.temperature ?? 2, teacher: opts.distill.teacher ?? opts.from } : null;
  const teacher = distill ? (await loadModel(distill.teacher)).model : null;
  if (teacher && (teacher.config.numClasses !== K || teacher.config.imageSize !== model.config.imageSize)) {
    teacher.dispose();
    throw new Error(`${distill!.teacher}: the teacher must take the student's images and classes`);
  }
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
  const optimizers: Record<string, AdamW> = trainBackbone ? { agent: agentOpt, backbone: backboneOpt } : { agent: agentOpt };
  try {
    const result = await runLoop({
      model, meta, data: opts.data, epochs: opts.epochs + consolidationEpochs, batchSize: bs, seed, augment: opts.augment ?? true,
      optimizers, out: opts.out, hooks,
      step: ({ x, y, step, rng }) => {
        const B = y.length;
        const consolidating = step >= totalSteps;
        // Drawn in consolidation too, so the random stream does not depend on where the agent's epochs end.
        const drawn = rng.uniforms(B * L);
        // Greedy paths in consolidation: u = 1/2 runs a layer exactly when pi(run) > 1/2, as the executor does.
        const uniforms = consolidating ? drawn.fill(0.5) : drawn;
        const forceRun = curriculumForceRun(L, step, curriculumSteps);
        const entropyCoef = entropy0 * Math.max(0, 1 - step / Math.max(1, totalSteps));
        return tf.tidy(() => {
          const vars = consolidating ? backboneVars : trainBackbone ? all : agentVars;
          const teacherLogits = teacher ? teacher.forwardStatic(x) : null;
          const parts: Record<string, number> = { loss: 0 };
          let actions: Float32Array = new Float32Array(0);
          let correct: Int32Array = new Int32Array(0);
          let r: Float32Array = new Float32Array(0);
          const { grads } = namedGrads(() => {
            const out = model.forwardDynamicTrain(x, uniforms, forceRun);
            // Rewards need the sampled actions and the prediction: read them on the host mid-graph
            // (reading does not cut the tape), then build the losses from the host-side advantages.
            const logits = out.logits.dataSync();
            actions = out.actions.dataSync() as Float32Array;
            correct = Int32Array.from(rewardScores(logits, y, K, 'correct'));
            r = rewards(rewardMode === 'correct' ? correct : rewardScores(logits, y, K, rewardMode), actions, rewardCosts, alpha);
            let loss = tf.scalar(0);
            if (!consolidating) {
              const G = discountedReturns(r, L, gamma);
              const { advantage, valueTarget } = advantages(G, out.values.dataSync(), L, mode);
              // A layer the curriculum forced to run was not the agent's choice: no policy gradient for it.
              if (forceRun) for (let b = 0; b < B; b++) for (let l = 0; l < L; l++) if (forceRun[l]) advantage[b * L + l] = 0;
              const { policy, value, entropy } = agentLosses(out.logProbs, out.values, out.runProbs, advantage, valueTarget);
              loss = policy.add(value.mul(valueWeight)).sub(entropy.mul(entropyCoef));
              parts.policyLoss = policy.dataSync()[0];
              parts.valueLoss = value.dataSync()[0];
              parts.entropy = entropy.dataSync()[0];
            }
            if (trainBackbone) {
              const ce = smoothedCrossEntropy(out.logits, y, smoothing);
              parts.ceLoss = ce.dataSync()[0];
              loss = loss.add(ce);
              if (distill && teacherLogits) {
                const kl = distillationLoss(out.logits, teacherLogits, distill.temperature);
                parts.distillLoss = kl.dataSync()[0];
                loss = loss.add(kl.mul(distill.weight));
              }
            }
            parts.loss = loss.dataSync()[0]; // what is optimised, entropy bonus included
            return loss as tf.Scalar;
          }, vars);
          const agentGrads = new Map([...grads].filter(([n]) => isAgentVariable(n)));
          const backboneGrads = new Map([...grads].filter(([n]) => !isAgentVariable(n)));
          if (!consolidating) agentOpt.apply(clipByGlobalNorm(agentGrads, clip).grads, learningRate(agentSchedule, step));
          if (trainBackbone) backboneOpt.apply(clipByGlobalNorm(backboneGrads, clip).grads, learningRate(backboneSchedule, step));
          let executed = 0;
          for (let b = 0; b < B; b++) for (let l = 0; l < L; l++) executed += actions[b * L + l] * model.costs[l];
          const totalCost = model.costs.reduce((a, c) => a + c, 0);
          const meanReward = r.reduce((a, c) => a + c, 0) / B;
          return {
            ...parts,
            loss: parts.loss,
            accuracy: correct.reduce((a, c) => a + c, 0) / B,
            executedCost: executed / (B * totalCost),
            reward: meanReward,
          };
        });
      },
      validate: async () => {
        const r = await evaluate(model, opts.data.val, info, { mode: 'dynamic', signal: hooks.signal });
        const reward = r.accuracy - alpha * r.meanExecutedCost * model.costs.reduce((a, c) => a + c, 0);
        // Best = highest validation reward: the agent's own objective, not accuracy alone.
        return { score: reward, metrics: { valAccuracy: r.accuracy, valExecutedCost: r.meanExecutedCost, valExecutedLayers: r.meanExecutedLayers, valReward: reward } };
      },
    });
    return { ...result, out: opts.out, model, meta };
  } finally {
    agentOpt.dispose();
    backboneOpt.dispose();
    teacher?.dispose();
  }
}
