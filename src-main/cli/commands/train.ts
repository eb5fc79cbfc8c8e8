/** `skipvit train`: the static ViT (supervised). */
import path from 'node:path';
import { initBackend, type BackendName } from '../../core/backend';
import { loadDataset } from '../../core/data';
import { isPresetName } from '../../core/model/config';
import { evaluateSaved, trainStatic } from '../../core/train';
import { requireString, UsageError } from '../args';
import { defineCommand } from '../command';
import { WORKERS_FLAG, workersOf } from '../workers';
import { interruptSignal, trainProgress } from '../train-progress';
import { runInWorkspace, workspaceOf } from '../workspace-run';

export const command = defineCommand(
  'skipvit train --dataset D --preset P --epochs N --out DIR [--batch-size 64] [--lr 1e-3] [--resume] [--workspace W: run as a workspace job]',
  {
    dataset: { type: 'string', help: 'dataset name (fashion-mnist, mnist, cifar10, cifar100, tiny-imagenet, folder:<path>)', default: 'fashion-mnist' },
    preset: { type: 'string', help: 'model size: micro, tiny, small, base', default: 'micro' },
    epochs: { type: 'number', help: 'epochs', default: 8 },
    out: { type: 'string', help: 'model folder to write (best validation weights)' },
    'batch-size': { type: 'number', help: 'batch size', default: 64 },
    lr: { type: 'number', help: 'peak learning rate (AdamW, warm-up then cosine)', default: 1e-3 },
    'weight-decay': { type: 'number', help: 'decoupled weight decay on weight matrices', default: 0.05 },
    'label-smoothing': { type: 'number', help: 'label smoothing', default: 0.1 },
    'layer-drop': { type: 'number', help: 'LayerDrop: chance a layer is skipped per image in training (a backbone that tolerates skipping)', default: 0 },
    'no-augment': { type: 'boolean', help: 'turn off random-crop / flip augmentation' },
    seed: { type: 'number', help: 'seed', default: 0 },
    limit: { type: 'number', help: 'use only the first N training images (quick runs)' },
    classes: { type: 'list', help: 'keep only these class indices, relabelled 0..k-1' },
    resume: { type: 'boolean', help: 'continue from the latest checkpoint in <out>/checkpoints' },
    'checkpoint-every': { type: 'number', help: 'steps between checkpoints', default: 200 },
    workers: WORKERS_FLAG,
  },
  async ({ flags }, io) => {
    const preset = String(flags.preset);
    if (!isPresetName(preset)) throw new UsageError(`--preset "${preset}" is not a preset (micro, tiny, small, base)`);
    const workspace = workspaceOf(flags);
    if (workspace) {
      const params = {
        dataset: String(flags.dataset), preset, epochs: Number(flags.epochs), batchSize: Number(flags['batch-size']), learningRate: Number(flags.lr),
        seed: Number(flags.seed), maxTrainSamples: flags.limit ? Number(flags.limit) : undefined, checkpointEvery: Number(flags['checkpoint-every']),
        ...(flags.workers !== undefined ? { workers: Number(flags.workers) } : {}),
      };
      const result = await runInWorkspace(workspace, 'train', params, flags.out ? path.resolve(String(flags.out)) : undefined, io);
      io.result(result, () => `trained ${result.model} (run ${result.run}): test accuracy ${((result.accuracy as number) * 100).toFixed(2)}%`);
      return 0;
    }
    const out = path.resolve(requireString(flags, 'out'));
    const backend = await initBackend(flags.backend as BackendName | 'auto');
    const data = await loadDataset(String(flags.dataset), {
      ...(flags.limit ? { limit: { train: Number(flags.limit) } } : {}),
      ...(flags.classes ? { classes: (flags.classes as string[]).map(Number) } : {}),
    });
    const t0 = Date.now();
    const r = await trainStatic(
      {
        data, preset, epochs: Number(flags.epochs), out, batchSize: Number(flags['batch-size']), lr: Number(flags.lr),
        weightDecay: Number(flags['weight-decay']), labelSmoothing: Number(flags['label-smoothing']), layerDrop: Number(flags['layer-drop']), augment: !flags['no-augment'],
        seed: Number(flags.seed), provenance: { command: `skipvit train ${process.argv.slice(3).join(' ')}` },
      },
      { onProgress: trainProgress(io, 'train'), signal: interruptSignal(io), resume: Boolean(flags.resume), checkpointEvery: Number(flags['checkpoint-every']), workers: workersOf(flags, backend.name) },
    );
    r.model.dispose();
    const test = await evaluateSaved(out, data.test, data.info, { mode: 'static' });
    const result = { model: out, accuracy: test.accuracy, epochs: r.epochs, steps: r.steps, wallSeconds: (Date.now() - t0) / 1000, bestEpoch: r.best?.epoch ?? null, validation: r.history, backend: backend.name, dataset: data.info.name };
    io.result(result, () => `trained ${out}: test accuracy ${(test.accuracy * 100).toFixed(2)}% (best epoch ${r.best?.epoch}), ${result.wallSeconds.toFixed(0)} s on ${backend.name}`);
    return 0;
  },
);
