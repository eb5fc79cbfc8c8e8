import type { ImageSet } from './types';

/** Per-channel mean and standard deviation of all pixels, on the 0..1 scale. */
export function channelStats(set: ImageSet): { mean: number[]; std: number[] } {
  const C = set.channels;
  const sum = new Float64Array(C);
  const sq = new Float64Array(C);
  for (let i = 0; i < set.images.length; i++) {
    const v = set.images[i] / 255;
    sum[i % C] += v;
    sq[i % C] += v * v;
  }
  const n = set.images.length / C;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, c) => Math.sqrt(Math.max(s / n - mean[c] * mean[c], 1e-12)));
  return { mean, std };
}
