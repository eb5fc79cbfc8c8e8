/** Summary statistics of timed runs. */

/** Linear-interpolated percentile (numpy's default), p in [0, 100]. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = ((s.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export interface Timing {
  runs: number;
  imagesPerSec: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
}

/** Throughput = images / total timed seconds (not 1 / median), latency percentiles per batch. */
export function summarize(msPerBatch: number[], batchSize: number): Timing {
  const total = msPerBatch.reduce((a, b) => a + b, 0);
  return {
    runs: msPerBatch.length,
    imagesPerSec: (batchSize * msPerBatch.length * 1000) / total,
    p50Ms: percentile(msPerBatch, 50),
    p95Ms: percentile(msPerBatch, 95),
    meanMs: total / msPerBatch.length,
  };
}
