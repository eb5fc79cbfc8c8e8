import * as tf from '@tensorflow/tfjs';
import { validateConfig, type ViTConfig } from '../../src-main/core/model';
import { Rng } from '../../src-main/core/util/rng';

/** A small config that exercises every part (several heads, MLP ratio, 3 channels) and runs fast. */
export function smallConfig(overrides: Partial<ViTConfig> = {}): ViTConfig {
  return validateConfig({
    imageSize: 8, channels: 3, patchSize: 4, dim: 16, depth: 4, heads: 2, mlpRatio: 2, numClasses: 5, gateHidden: 8, costs: 'reference',
    ...overrides,
  });
}

export function randomImages(n: number, c: ViTConfig, seed = 1): tf.Tensor4D {
  return tf.randomNormal([n, c.imageSize, c.imageSize, c.channels], 0, 1, 'float32', seed) as tf.Tensor4D;
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
}

/**
 * A random per-sample keep mask [B*L] (KeepMask, sample-major) in which sample 0 runs every layer and sample 1
 * none, so both extremes are always exercised; the others run each layer with probability 1/2.
 */
export function randomKeepMask(B: number, L: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const keep = new Uint8Array(B * L).map(() => (rng.next() < 0.5 ? 1 : 0));
  keep.fill(1, 0, L);
  keep.fill(0, L, 2 * L);
  return keep;
}
