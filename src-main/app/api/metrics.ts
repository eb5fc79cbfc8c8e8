/**
 * Metric series from metrics.jsonl records: one series per numeric key, x = the record's `step`
 * (else its line index), sorted by x; when a resumed run repeated steps, the later record wins.
 */
import type { MetricSeries } from '../contract/api';
import { lttb } from './downsample';

/** Keys that are coordinates or bookkeeping, not series. */
const NOT_SERIES = new Set(['step', 'epoch', 't', 'time']);

export function numericKeys(records: Record<string, unknown>[]): string[] {
  const keys = new Set<string>();
  for (const r of records) {
    for (const [k, v] of Object.entries(r)) if (!NOT_SERIES.has(k) && typeof v === 'number' && Number.isFinite(v)) keys.add(k);
  }
  return [...keys].sort();
}

export function buildSeries(records: Record<string, unknown>[], keys: string[], maxPoints?: number): MetricSeries[] {
  return keys.map((key) => {
    const byX = new Map<number, number>();
    records.forEach((r, i) => {
      const y = r[key];
      if (typeof y !== 'number' || !Number.isFinite(y)) return;
      byX.set(typeof r.step === 'number' && Number.isFinite(r.step) ? r.step : i, y);
    });
    const xs = [...byX.keys()].sort((a, b) => a - b);
    const ys = xs.map((x) => byX.get(x)!);
    if (maxPoints === undefined || xs.length <= maxPoints) return { key, x: xs, y: ys, downsampled: false };
    return { key, ...lttb(xs, ys, maxPoints), downsampled: true };
  });
}
