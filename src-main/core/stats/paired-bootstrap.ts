/**
 * Paired bootstrap confidence interval of an accuracy difference: resample the images (with replacement, the
 * same draw for both classifiers, so their correlation is kept) and read the percentile interval of
 * mean(second correct) - mean(first correct) over the resamples (Efron and Tibshirani 1993, ch. 13).
 */
import { Rng } from '../util/rng';

export interface BootstrapOptions {
  /** Default 10,000. */
  resamples?: number;
  /** Two-sided coverage, default 0.95. */
  level?: number;
  /** Default 0: the interval is reproducible. */
  seed?: number;
}

export interface BootstrapInterval {
  /** second accuracy - first accuracy on the images as given. */
  difference: number;
  low: number;
  high: number;
  level: number;
  resamples: number;
  seed: number;
}

/** `first[i]`, `second[i]`: 1 (or true) where that classifier got image i right. */
export function pairedBootstrap(first: ArrayLike<number | boolean>, second: ArrayLike<number | boolean>, opts: BootstrapOptions = {}): BootstrapInterval {
  const n = first.length;
  if (n !== second.length) throw new Error(`bootstrap: the two classifiers were scored on ${n} and ${second.length} images; a paired interval needs the same images`);
  if (n === 0) throw new Error('bootstrap: no images');
  const resamples = opts.resamples ?? 10_000;
  const level = opts.level ?? 0.95;
  const seed = opts.seed ?? 0;
  if (!(Number.isInteger(resamples) && resamples >= 100)) throw new Error(`bootstrap: resamples must be an integer >= 100, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new Error(`bootstrap: level must be in (0, 1), got ${level}`);
  // Per image: -1, 0 or +1 (second right and first wrong counts +1).
  const d = new Int8Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    d[i] = Number(Boolean(second[i])) - Number(Boolean(first[i]));
    total += d[i];
  }
  const rng = new Rng(seed);
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[rng.int(n)];
    stats[r] = s / n;
  }
  stats.sort();
  const q = (p: number) => stats[Math.min(resamples - 1, Math.max(0, Math.round(p * (resamples - 1))))];
  return { difference: total / n, low: q((1 - level) / 2), high: q(1 - (1 - level) / 2), level, resamples, seed };
}
