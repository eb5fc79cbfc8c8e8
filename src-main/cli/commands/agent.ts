/** `skipvit agent`: RL agent + joint fine-tuning, from a static (or dynamic) model, as the `agent` job. */
import { REWARD_COSTS } from '../../app/contract/job-params';
import { ADVANTAGE_MODES, REWARD_MODES } from '../../core/train/modes';
import { oneOf, requireString } from '../args';
import { pct, trainTime } from '../format';
import { defineJobCommand } from '../job-command';
import { WORKERS_FLAG } from '../workers';

export const command = defineJobCommand({
  kind: 'agent',
  usage: 'skipvit agent --model DIR|ID --alpha A --epochs N --out DIR [--dataset D] [--new-head] [--workspace W: run as a workspace job]',
  producesModel: true,
  flags: {
    workers: WORKERS_FLAG,
    model: { type: 'string', help: 'the model to start from (static: a fresh agent; dynamic: the agent is kept); a folder, or with --workspace a model id' },
    dataset: { type: 'string', help: 'dataset (default: the model\'s)' },
    alpha: { type: 'number', help: 'cost weight in the reward r = p(label) - alpha * executed cost: larger skips more', default: 1 },
    gamma: { type: 'number', help: 'discount of the return over layers', default: 0.9 },
    epochs: { type: 'number', help: 'epochs', default: 3 },
    out: { type: 'string', help: 'model folder to write; with --workspace, a copy of the run\'s model' },
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
    resume: { type: 'boolean', help: 'continue from the latest checkpoint (in <out>/checkpoints; with --workspace, the run with these flags)' },
    'checkpoint-every': { type: 'number', help: 'steps between checkpoints', default: 200 },
  },
  params: (flags, refs) => ({
    // The choices first: a wrong one is refused before any folder is looked at.
    advantage: oneOf(flags, 'advantage', ADVANTAGE_MODES),
    reward: oneOf(flags, 'reward', REWARD_MODES),
    rewardCosts: oneOf(flags, 'reward-costs', REWARD_COSTS),
    model: refs.model(requireString(flags, 'model'), 'model'),
    dataset: flags.dataset as string | undefined,
    alpha: Number(flags.alpha),
    gamma: Number(flags.gamma),
    epochs: Number(flags.epochs),
    batchSize: Number(flags['batch-size']),
    learningRate: Number(flags['agent-lr']),
    backboneLr: Number(flags['backbone-lr']),
    entropy: Number(flags.entropy),
    freezeBackbone: Boolean(flags['freeze-backbone']),
    distill: flags.distill === undefined ? undefined : Number(flags.distill),
    distillTemperature: Number(flags['distill-temperature']),
    curriculumEpochs: Number(flags['curriculum-epochs']),
    consolidationEpochs: Number(flags['consolidation-epochs']),
    newHead: flags['new-head'] ? true : undefined,
    classes: flags.classes === undefined ? undefined : (flags.classes as string[]).map(Number),
    maxTrainSamples: flags.limit === undefined ? undefined : Number(flags.limit),
    seed: Number(flags.seed),
    checkpointEvery: Number(flags['checkpoint-every']),
    backend: flags.backend as 'auto', adapter: flags.adapter as 'hardware',
    workers: flags.workers === undefined ? undefined : Number(flags.workers),
  }),
  summary: (r) =>
    `trained ${r.model}${r.run ? ` (run ${r.run})` : ''}: test accuracy ${pct(r.accuracy)}, executed cost ${pct(r.meanExecutedCost, 1)} ` +
    `(${(r.meanExecutedLayers as number).toFixed(2)} layers), ${trainTime(r)}`,
});
