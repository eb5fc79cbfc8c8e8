/**
 * RL agent training with joint fine-tuning of the backbone (SPEC 2).
 *
 * Per batch: the dynamic-train forward samples an action per layer; the reward r = score - alpha * sum_l a_l c_l
 * (score: p(label) or 1[correct], rl.ts RewardMode) arrives after the last layer; returns G_t = r * gamma^(L-1-t);
 * the gates learn by REINFORCE against the learned value baseline, the value heads by MSE to G, and the
 * backbone by cross-entropy on the output of the layers actually run. Two optimisers, as in the
 * reference: the agent's (gates + value heads) and the backbone's, each with its own learning rate.
 *
 * Alpha is the user's knob: the reward for skipping a layer is alpha * c_l, weighed against the confidence
 * (or the chance of a right answer) that skipping it costs. Larger alpha -> fewer layers, lower accuracy.
 */
import { backendInfo } from '../backend';
import type { Dataset } from '../data';
import { loadModel, type ModelMeta } from '../model/io';
import type { AgentStepPlan } from './agent-step';
import { evaluate } from './evaluate';
import { runLoop } from './loop';
import { datasetMeta, type TrainResult } from './static';
import type { AdvantageMode, RewardMode, TrainHooks } from './types';
import { ViT } from '../model/vit';
import { initParams } from '../model/params';

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
  if (opts.newHead) {
    model = withNewHead(loaded.model, K, seed);
    loaded.model.dispose();
  } else if (model.config.numClasses !== K) {
    throw new Error(`${opts.from}: the model has ${model.config.numClasses} classes, ${info.name} has ${K} (use a new head for transfer)`);
  }
  if (model.config.imageSize !== info.height || model.config.channels !== info.channels) {
    throw new Error(`${opts.from}: the model takes ${model.config.imageSize}px x ${model.config.channels} channels, ${info.name} has ${info.height}px x ${info.channels}`);
  }
  const alpha = opts.alpha ?? 1.0;
  const gamma = opts.gamma ?? 0.9;
  const bs = opts.batchSize ?? 64;
  const perEpoch = Math.floor(opts.data.train.count / bs);
  const totalSteps = perEpoch * opts.epochs;
  const entropy0 = opts.entropy ?? 0.01;
  const valueWeight = opts.valueWeight ?? 0.5;
  const mode = opts.advantage ?? 'baseline';
  const rewardMode = opts.reward ?? 'confidence';
  const smoothing = opts.labelSmoothing ?? 0.1;
  const clip = opts.clipNorm ?? 1.0;
  const agentSchedule = { peakLr: opts.agentLr ?? 1e-3, minLr: (opts.agentLr ?? 1e-3) / 10, warmupSteps: Math.ceil(totalSteps / 50), totalSteps };
  const backboneSchedule = { peakLr: opts.backboneLr ?? 1e-4, minLr: 1e-6, warmupSteps: Math.ceil(totalSteps / 20), totalSteps };
  const trainBackbone = !opts.freezeBackbone;
  const meta: ModelMeta = {
    ...(loaded.meta as ModelMeta),
    kind: 'dynamic',
    config: model.config,
    costs: model.costs,
    dataset: datasetMeta(opts.data),
    agent: {
      alpha, gamma, epochs: opts.epochs, batchSize: bs, agentLr: agentSchedule.peakLr, backboneLr: backboneSchedule.peakLr,
      entropy: entropy0, valueWeight, advantage: mode, reward: rewardMode, jointFineTune: trainBackbone, newHead: Boolean(opts.newHead),
      from: opts.from, seed, backend: backendInfo()?.name ?? null, ...opts.provenance,
    },
  };
  const plan: AgentStepPlan = {
    kind: 'agent', alpha, gamma, entropy: entropy0, valueWeight, advantage: mode, reward: rewardMode, labelSmoothing: smoothing,
    clipNorm: clip, trainBackbone, agentSchedule, backboneSchedule, totalSteps,
  };
  const totalCost = model.costs.reduce((a, c) => a + c, 0);
  const result = await runLoop({
    model, meta, data: opts.data, epochs: opts.epochs, batchSize: bs, seed, augment: opts.augment ?? true, plan, out: opts.out, hooks,
    validate: async () => {
      const r = await evaluate(model, opts.data.val, info, { mode: 'dynamic', signal: hooks.signal });
      const reward = r.accuracy - alpha * r.meanExecutedCost * totalCost;
      // Best = highest validation reward: the agent's own objective, not accuracy alone.
      return { score: reward, metrics: { valAccuracy: r.accuracy, valExecutedCost: r.meanExecutedCost, valExecutedLayers: r.meanExecutedLayers, valReward: reward } };
    },
  });
  return { ...result, out: opts.out, model, meta };
}
