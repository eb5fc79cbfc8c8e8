import * as tf from '@tensorflow/tfjs';
import { validateConfig, type ViTConfig } from '../../src-main/core/model';

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
