/** Tiny in-memory datasets and hand-built models for training tests. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Dataset, ImageSet } from '../../src-main/core/data';
import { defaultMeta, saveModel, validateConfig, ViT, type ViTConfig } from '../../src-main/core/model';
import { Rng } from '../../src-main/core/util/rng';

export const TINY: ViTConfig = validateConfig({
  imageSize: 8, channels: 1, patchSize: 4, dim: 16, depth: 4, heads: 2, mlpRatio: 2, numClasses: 2, gateHidden: 8, costs: 'reference',
});

function imageSet(n: number, seed: number, label: (i: number) => number): ImageSet {
  const rng = new Rng(seed);
  const images = new Uint8Array(n * 64).map(() => rng.int(256));
  return { images, labels: Int32Array.from({ length: n }, (_, i) => label(i)), count: n, height: 8, width: 8, channels: 1 };
}

/** Random 8x8 images; labels from `label` (default: class 0 everywhere). */
export function syntheticDataset(n = 256, label: (i: number) => number = () => 0): Dataset {
  return {
    info: { name: 'synthetic', source: 'test', classNames: ['a', 'b'], height: 8, width: 8, channels: 1, mean: [0.5], std: [0.25], flip: false, cropPadding: 0 },
    train: imageSet(n, 1, label),
    val: imageSet(64, 2, label),
    test: imageSet(64, 3, label),
  };
}

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Blocks that are the identity (projections and MLP outputs zero): skipping one changes nothing. */
export function identityBlocksModel(): ViT {
  const m = ViT.create(TINY, 1);
  for (const b of m.params.blocks) for (const lin of [b.proj, b.fc2]) {
    lin.w.assign(tf.zerosLike(lin.w));
    lin.b.assign(tf.zerosLike(lin.b));
  }
  return m;
}

/**
 * Every layer needed: block l adds a large one-hot vector e_l (through the MLP's output bias) to every
 * token, and the head predicts class 0 only when the final class token points along all of them, i.e.
 * only when every layer ran (Cauchy-Schwarz: the normalised full sum is closest to itself).
 */
export function allLayersNeededModel(): ViT {
  const m = ViT.create(TINY, 2);
  const D = TINY.dim;
  const L = TINY.depth;
  m.params.patch.w.assign(tf.zerosLike(m.params.patch.w)); // tokens no longer depend on the image
  m.params.pos.assign(tf.zerosLike(m.params.pos));
  m.params.blocks.forEach((b, l) => {
    b.proj.w.assign(tf.zerosLike(b.proj.w));
    b.proj.b.assign(tf.zerosLike(b.proj.b));
    b.fc2.w.assign(tf.zerosLike(b.fc2.w));
    b.fc2.b.assign(tf.oneHot(l, D).mul(10).reshape([D]) as tf.Tensor1D);
  });
  // LayerNorm(sum of all e_l): ones on the first L coordinates, then centred and scaled.
  const full = tf.tidy(() => {
    const v = tf.concat([tf.ones([L]), tf.zeros([D - L])]);
    const { mean, variance } = tf.moments(v);
    return v.sub(mean).div(variance.add(1e-6).sqrt());
  });
  const fullDot = tf.tidy(() => full.square().sum().dataSync()[0]); // = D
  // Class 0 logit = <h, full>; class 1 logit = a threshold just under the full dot product.
  m.params.head.w.assign(tf.stack([full, tf.zeros([D])], 1) as tf.Tensor2D);
  m.params.head.b.assign(tf.tensor1d([0, fullDot - 1.5]));
  return m;
}

export async function saveTemp(m: ViT, kind: 'static' | 'dynamic' = 'static'): Promise<string> {
  const dir = await tempDir('skipvit-model-');
  await saveModel(dir, m, defaultMeta(m, kind));
  return dir;
}
