/** `skipvit train`: the static ViT (supervised), as the `train` job. */
import { isPresetName } from '../../core/model/config';
import { UsageError } from '../args';
import { pct, trainTime } from '../format';
import { defineJobCommand } from '../job-command';
import { WORKERS_FLAG } from '../workers';

export const command = defineJobCommand({
  kind: 'train',
  usage: 'skipvit train --dataset D --preset P --epochs N --out DIR [--batch-size 64] [--lr 1e-3] [--resume] [--workspace W: run as a workspace job]',
  producesModel: true,
  flags: {
    workers: WORKERS_FLAG,
    dataset: { type: 'string', help: 'dataset name (fashion-mnist, mnist, cifar10, cifar100, tiny-imagenet)', default: 'fashion-mnist' },
    preset: { type: 'string', help: 'model size: micro, tiny, small, base', default: 'micro' },
    epochs: { type: 'number', help: 'epochs', default: 8 },
    out: { type: 'string', help: 'model folder to write (best validation weights); with --workspace, a copy of the run\'s model' },
    'batch-size': { type: 'number', help: 'batch size', default: 64 },
    lr: { type: 'number', help: 'peak learning rate (AdamW, warm-up then cosine)', default: 1e-3 },
    'weight-decay': { type: 'number', help: 'decoupled weight decay on weight matrices', default: 0.05 },
    'label-smoothing': { type: 'number', help: 'label smoothing', default: 0.1 },
    'layer-drop': { type: 'number', help: 'LayerDrop: chance a layer is skipped per image in training (a backbone that tolerates skipping)', default: 0 },
    'no-augment': { type: 'boolean', help: 'turn off random-crop / flip augmentation' },
    seed: { type: 'number', help: 'seed', default: 0 },
    limit: { type: 'number', help: 'use only the first N training images (quick runs)' },
    classes: { type: 'list', help: 'keep only these class indices, relabelled 0..k-1' },
    resume: { type: 'boolean', help: 'continue from the latest checkpoint (in <out>/checkpoints; with --workspace, the run with these flags)' },
    'checkpoint-every': { type: 'number', help: 'steps between checkpoints', default: 200 },
  },
  params(flags) {
    const preset = String(flags.preset);
    if (!isPresetName(preset)) throw new UsageError(`--preset "${preset}" is not a preset (micro, tiny, small, base)`);
    return {
      dataset: String(flags.dataset),
      preset,
      epochs: Number(flags.epochs),
      batchSize: Number(flags['batch-size']),
      learningRate: Number(flags.lr),
      weightDecay: Number(flags['weight-decay']),
      labelSmoothing: Number(flags['label-smoothing']),
      layerDrop: Number(flags['layer-drop']),
      augment: !flags['no-augment'],
      seed: Number(flags.seed),
      maxTrainSamples: flags.limit === undefined ? undefined : Number(flags.limit),
      classes: flags.classes === undefined ? undefined : (flags.classes as string[]).map(Number),
      checkpointEvery: Number(flags['checkpoint-every']),
      backend: flags.backend as 'auto', adapter: flags.adapter as 'hardware',
      workers: flags.workers === undefined ? undefined : Number(flags.workers),
    };
  },
  summary: (r) =>
    `trained ${r.model}${r.run ? ` (run ${r.run})` : ''}: test accuracy ${pct(r.accuracy)} (best epoch ${r.bestEpoch}), ${trainTime(r)} on ${r.backend}`,
});
