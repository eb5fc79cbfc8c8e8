/** `skipvit agent`: RL agent + joint fine-tuning, from a static (or dynamic) model. */
import path from 'node:path';
import { initBackend, type BackendName } from '../../core/backend';
import { loadDatasetForModel } from '../../core/data';
import { datasetFor, readModelMeta } from '../../core/model';
import { ADVANTAGE_MODES, evaluateSaved, REWARD_MODES, trainAgent } from '../../core/train';
import { oneOf, requireString } from '../args';
import { defineCommand } from '../command';
import { WORKERS_FLAG, workersOf } from '../workers';
import { interruptSignal, trainProgress } from '../train-progress';

export const command = defineCommand(
  'skipvit agent --model DIR --alpha A --epochs N --out DIR [--dataset D] [--new-head]',
  {
    model: { type: 'string', help: 'the model to start from (static: a fresh agent; dynamic: the agent is kept)' },
    dataset: { type: 'string', help: 'dataset (default: the model\'s)' },
    alpha: { type: 'number', help: 'cost weight in the reward r = p(label) - alpha * executed cost: larger skips more', default: 1 },
    gamma: { type: 'number', help: 'discount of the return over layers', default: 0.9 },
    epochs: { type: 'number', help: 'epochs', default: 3 },
    out: { type: 'string', help: 'model folder to write' },
    'batch-size': { type: 'number', help: 'batch size', default: 64 },
    'agent-lr': { type: 'number', help: 'learning rate of gates and value heads', default: 1e-3 },
    'backbone-lr': { type: 'number', help: 'learning rate of the backbone\'s joint fine-tuning', default: 1e-4 },
    entropy: { type: 'number', help: 'entropy bonus, decayed to 0 over the run', default: 0.01 },
    advantage: { type: 'string', help: 'baseline (ours: G - V) or reference (the thesis: per-sample standardised returns less the value estimate)', default: 'baseline' },
    reward: { type: 'string', help: 'what the reward pays for the prediction: confidence (ours: p(label)) or correct (the thesis: 1 or 0)', default: 'confidence' },
    'freeze-backbone': { type: 'boolean', help: 'train the agent only' },
    distill: { type: 'number', help: 'weight of a distillation KL term from the starting model run with every layer (off unless given)' },
    'distill-temperature': { type: 'number', help: 'temperature of the distillation term', default: 2 },
    'curriculum-epochs': { type: 'number', help: 'over these first epochs the agent decides 1 .. all of the last layers; the others run', default: 0 },
    'consolidation-epochs': { type: 'number', help: 'epochs after the agent\'s with the gates frozen and greedy, fine-tuning the backbone on their paths', default: 0 },
    'reward-costs': { type: 'string', help: 'the per-layer costs the reward charges: model (the model\'s costs) or flops (1/L each)', default: 'model' },
    'new-head': { type: 'boolean', help: 'transfer learning: a fresh classifier head for the dataset\'s classes' },
    classes: { type: 'list', help: 'keep only these class indices, relabelled 0..k-1' },
    limit: { type: 'number', help: 'use only the first N training images' },
    seed: { type: 'number', help: 'seed', default: 0 },
    resume: { type: 'boolean', help: 'continue from the latest checkpoint in <out>/checkpoints' },
    workers: WORKERS_FLAG,
  },
  async ({ flags }, io) => {
    const from = path.resolve(requireString(flags, 'model'));
    const out = path.resolve(requireString(flags, 'out'));
    const advantage = oneOf(flags, 'advantage', ADVANTAGE_MODES);
    const reward = oneOf(flags, 'reward', REWARD_MODES);
    const rewardCosts = oneOf(flags, 'reward-costs', ['model', 'flops']);
    const backend = await initBackend(flags.backend as BackendName | 'auto');
    const { meta } = await readModelMeta(from);
    const name = datasetFor(from, meta, flags.dataset as string | undefined, '--dataset');
    const data = await loadDatasetForModel(from, meta.validationSplit, name, {
      ...(flags.limit ? { limit: { train: Number(flags.limit) } } : {}),
      ...(flags.classes ? { classes: (flags.classes as string[]).map(Number) } : {}),
    });
    const t0 = Date.now();
    const r = await trainAgent(
      {
        data, from, out, alpha: Number(flags.alpha), gamma: Number(flags.gamma), epochs: Number(flags.epochs), batchSize: Number(flags['batch-size']),
        agentLr: Number(flags['agent-lr']), backboneLr: Number(flags['backbone-lr']), entropy: Number(flags.entropy), advantage, reward,
        freezeBackbone: Boolean(flags['freeze-backbone']), newHead: Boolean(flags['new-head']), seed: Number(flags.seed),
        ...(flags.distill !== undefined ? { distill: { weight: Number(flags.distill), temperature: Number(flags['distill-temperature']) } } : {}),
        curriculumEpochs: Number(flags['curriculum-epochs']), consolidationEpochs: Number(flags['consolidation-epochs']), rewardCosts,
        provenance: { command: `skipvit agent ${process.argv.slice(3).join(' ')}` },
      },
      { onProgress: trainProgress(io, 'agent'), signal: interruptSignal(io), resume: Boolean(flags.resume), workers: workersOf(flags, backend.name) },
    );
    r.model.dispose();
    const test = await evaluateSaved(out, data.test, data.info, { mode: 'dynamic' });
    const result = {
      model: out, accuracy: test.accuracy, meanExecutedCost: test.meanExecutedCost, meanExecutedLayers: test.meanExecutedLayers,
      epochs: r.epochs, steps: r.steps, wallSeconds: (Date.now() - t0) / 1000, bestEpoch: r.best?.epoch ?? null, validation: r.history, backend: backend.name,
    };
    io.result(result, () => `trained ${out}: test accuracy ${(test.accuracy * 100).toFixed(2)}%, executed cost ${(test.meanExecutedCost * 100).toFixed(1)}% (${test.meanExecutedLayers.toFixed(2)} layers), ${result.wallSeconds.toFixed(0)} s`);
    return 0;
  },
);
