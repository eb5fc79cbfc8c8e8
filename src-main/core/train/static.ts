/**
 * Supervised training of the static ViT: AdamW (decay on matrices only), warm-up + cosine schedule,
 * label smoothing, gradient clipping, augmentation, validation each epoch, best-model keeping.
 */
import { backendInfo } from '../backend';
import { type Dataset } from '../data';
import { isPresetName, presetConfig, type PresetName, type ViTConfig } from '../model/config';
import { defaultMeta, loadModel, type ModelMeta } from '../model/io';
import { ViT } from '../model/vit';
import { evaluate } from './evaluate';
import { runLoop, type LoopResult } from './loop';
import type { TrainHooks } from './types';

export interface StaticTrainOptions {
  data: Dataset;
  preset: PresetName;
  /** Start from these weights instead of a fresh init (same config). */
  initFrom?: string;
  configOverrides?: Partial<ViTConfig>;
  epochs: number;
  batchSize?: number; // default 64
  lr?: number; // peak learning rate, default 1e-3
  minLr?: number; // default 1e-5
  warmupEpochs?: number; // default 1 (or a tenth of the run, whichever is smaller)
  weightDecay?: number; // default 0.05
  labelSmoothing?: number; // default 0.1
  clipNorm?: number; // default 1.0
  augment?: boolean; // default true
  /**
   * LayerDrop: the chance that a layer is skipped (the identity) for a sample in a training step; default 0.
   * A backbone trained this way still works when layers are missing, which is what the dynamic twin's agent
   * exploits (Fan et al. 2019). `npm run train:demo -- --part ablation` measures it (docs/results/fashion-mnist.md).
   */
  layerDrop?: number;
  seed?: number; // default 0
  /** Model folder written with the best-validation weights. */
  out: string;
  /** Extra provenance stored in the model's metadata. */
  provenance?: Record<string, unknown>;
}

export interface TrainResult extends LoopResult {
  out: string;
  model: ViT;
  meta: ModelMeta;
}

export { layerDropMask } from './static-step';
export { smoothedCrossEntropy } from './losses';

export function datasetMeta(data: Dataset): NonNullable<ModelMeta['dataset']> {
  const { name, classNames, height, width, channels, mean, std } = data.info;
  return { name, classNames, height, width, channels, mean, std };
}

export async function trainStatic(opts: StaticTrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  if (!isPresetName(opts.preset)) throw new Error(`unknown preset "${opts.preset}"`);
  const info = opts.data.info;
  if (info.height !== info.width) throw new Error(`${info.name}: images are ${info.height}x${info.width}; the ViT needs square images`);
  const config = presetConfig(opts.preset, { imageSize: info.height, channels: info.channels, numClasses: info.classNames.length }, opts.configOverrides);
  const seed = opts.seed ?? 0;
  const model = opts.initFrom ? (await loadModel(opts.initFrom)).model : ViT.create(config, seed);
  const bs = opts.batchSize ?? 64;
  const steps = Math.floor(opts.data.train.count / bs) * opts.epochs;
  const perEpoch = Math.floor(opts.data.train.count / bs);
  const schedule = {
    peakLr: opts.lr ?? 1e-3,
    minLr: opts.minLr ?? 1e-5,
    warmupSteps: Math.min(Math.round((opts.warmupEpochs ?? 1) * perEpoch), Math.ceil(steps / 10)),
    totalSteps: steps,
  };
  const smoothing = opts.labelSmoothing ?? 0.1;
  const clip = opts.clipNorm ?? 1.0;
  const layerDrop = opts.layerDrop ?? 0;
  if (!(layerDrop >= 0 && layerDrop < 1)) throw new Error(`layerDrop must be in [0, 1), got ${layerDrop}`);
  const weightDecay = opts.weightDecay ?? 0.05;
  const meta: ModelMeta = {
    ...defaultMeta(model, 'static'),
    dataset: datasetMeta(opts.data),
    validationSplit: opts.data.valSplit,
    preset: opts.preset,
    training: {
      kind: 'static', epochs: opts.epochs, batchSize: bs, ...schedule, weightDecay,
      labelSmoothing: smoothing, clipNorm: clip, layerDrop, augment: opts.augment ?? true, seed, backend: backendInfo()?.name ?? null,
      ...opts.provenance,
    },
  };
  const result = await runLoop({
    model, meta, data: opts.data, epochs: opts.epochs, batchSize: bs, seed, augment: opts.augment ?? true,
    plan: { kind: 'static', schedule, weightDecay, labelSmoothing: smoothing, clipNorm: clip, layerDrop },
    out: opts.out, hooks,
    validate: async () => {
      const r = await evaluate(model, opts.data.val, info, { mode: 'static', signal: hooks.signal });
      return { score: r.accuracy, metrics: { valAccuracy: r.accuracy } };
    },
  });
  return { ...result, out: opts.out, model, meta };
}
