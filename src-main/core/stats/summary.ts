/** Mean and sample standard deviation of repeated runs (seeds): what a results row states as mean +/- sd. */

export interface MeanSd {
  mean: number;
  /** Sample standard deviation (n - 1); null with fewer than two values. */
  sd: number | null;
  n: number;
}

export function meanSd(values: number[]): MeanSd {
  const n = values.length;
  if (n === 0) throw new Error('meanSd: no values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sd: null, n };
  const v = values.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, sd: Math.sqrt(v), n };
}
