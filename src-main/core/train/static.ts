/**
 * Supervised training of the static ViT: AdamW (decay on matrices only), warm-up + cosine schedule,
 * label smoothing, gradient clipping, augmentation, validation each epoch, best-model keeping.
 */
import * as tf from '@tensorflow/tfjs';
import { backendInfo } from '../backend';
import { type Dataset } from '../data';
import { isPresetName, presetConfig, type PresetName, type ViTConfig } from '../model/config';
import { defaultMeta, loadModel, type ModelMeta } from '../model/io';
import { isAgentVariable, isDecayed } from '../model/params';
import { keepIndex, type KeepMask } from '../model/keep-mask';
import { ViT } from '../model/vit';
import type { Rng } from '../util/rng';
import { AdamW, clipByGlobalNorm } from './adamw';
import { evaluate } from './evaluate';
import { namedGrads, runLoop, type LoopResult } from './loop';
import { learningRate } from './schedule';
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

/** Cross-entropy with label smoothing. logits [B, K], labels [B] -> scalar */
/**
 * LayerDrop's KeepMask for a batch: each sample skips each layer with probability p. The uniforms are drawn
 * layer by layer (the order runs with a seed have always drawn them in), then laid out sample-major.
 */
export function layerDropMask(rng: Rng, B: number, L: number, p: number): KeepMask {
  const u = rng.uniforms(L * B);
  const keep = new Float32Array(B * L);
  for (let l = 0; l < L; l++) for (let b = 0; b < B; b++) keep[keepIndex(b, l, L)] = u[l * B + b] < p ? 0 : 1;
  return keep;
}

export function smoothedCrossEntropy(logits: tf.Tensor2D, labels: Int32Array, smoothing: number): tf.Scalar {
  const K = logits.shape[1];
  const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), K);
  return tf.losses.softmaxCrossEntropy(onehot, logits, undefined, smoothing) as tf.Scalar;
}

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
  const backboneVars = new Map([...model.variables()].filter(([n]) => !isAgentVariable(n)));
  const optimizer = new AdamW(backboneVars, isDecayed, { weightDecay: opts.weightDecay ?? 0.05 });
  const smoothing = opts.labelSmoothing ?? 0.1;
  const clip = opts.clipNorm ?? 1.0;
  const layerDrop = opts.layerDrop ?? 0;
  if (!(layerDrop >= 0 && layerDrop < 1)) throw new Error(`layerDrop must be in [0, 1), got ${layerDrop}`);
  const meta: ModelMeta = {
    ...defaultMeta(model, 'static'),
    dataset: datasetMeta(opts.data),
    validationSplit: opts.data.valSplit,
    preset: opts.preset,
    training: {
      kind: 'static', epochs: opts.epochs, batchSize: bs, ...schedule, weightDecay: opts.weightDecay ?? 0.05,
      labelSmoothing: smoothing, clipNorm: clip, layerDrop, augment: opts.augment ?? true, seed, backend: backendInfo()?.name ?? null,
      ...opts.provenance,
    },
  };
  try {
    const result = await runLoop({
      model, meta, data: opts.data, epochs: opts.epochs, batchSize: bs, seed, augment: opts.augment ?? true,
      optimizers: { backbone: optimizer }, out: opts.out, hooks,
      step: ({ x, y, step, rng }) => {
        const lr = learningRate(schedule, step);
        // Drawn only when LayerDrop is on, so runs without it keep their random stream.
        const keep = layerDrop > 0 ? layerDropMask(rng, y.length, model.depth, layerDrop) : undefined;
        return tf.tidy(() => {
          let logitsOut: tf.Tensor2D | null = null;
          const { value, grads } = namedGrads(() => {
            const logits = model.forwardStaticTrain(x, keep);
            logitsOut = tf.keep(logits);
            return smoothedCrossEntropy(logits, y, smoothing);
          }, backboneVars);
          const clipped = clipByGlobalNorm(grads, clip);
          optimizer.apply(clipped.grads, lr);
          const kept = logitsOut as unknown as tf.Tensor2D;
          const pred = kept.argMax(1).dataSync();
          kept.dispose();
          let correct = 0;
          for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) correct++;
          return { loss: value.dataSync()[0], accuracy: correct / y.length, lr, gradNorm: clipped.norm };
        });
      },
      validate: async () => {
        const r = await evaluate(model, opts.data.val, info, { mode: 'static', signal: hooks.signal });
        return { score: r.accuracy, metrics: { valAccuracy: r.accuracy } };
      },
    });
    return { ...result, out: opts.out, model, meta };
  } finally {
    optimizer.dispose();
  }
}
