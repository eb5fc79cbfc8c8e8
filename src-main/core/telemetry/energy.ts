/**
 * Energy over a time window from a recorded series: the trapezoid rule over power samples, with the
 * window's edges interpolated linearly between the samples around them, or the difference of a
 * cumulative energy counter (RAPL) interpolated the same way. Times are ms, power W, energy J.
 * A window the samples do not cover yields null and a reason, never an extrapolation.
 */
import type { EnergyReading } from './types';

export interface PowerPoint {
  t: number;
  w: number;
}

export interface EnergyPoint {
  t: number;
  /** Cumulative energy, J. */
  j: number;
}

/** Index of the last point with t <= at (points sorted by t, at within their range). */
function lastAtOrBefore(points: readonly { t: number }[], at: number): number {
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (points[mid].t <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function interpolate<P extends { t: number }>(points: readonly P[], at: number, value: (p: P) => number): number {
  const i = lastAtOrBefore(points, at);
  const a = points[i];
  const b = points[i + 1];
  if (!b || a.t === at || b.t === a.t) return value(a);
  return value(a) + ((value(b) - value(a)) * (at - a.t)) / (b.t - a.t);
}

function coverageProblem(points: readonly { t: number }[], t0: number, t1: number): string | null {
  if (!(t1 > t0)) return `empty window (${t0} .. ${t1} ms)`;
  if (points.length === 0) return 'no samples';
  const first = points[0].t;
  const last = points[points.length - 1].t;
  if (t0 < first || t1 > last) {
    return `samples cover ${first.toFixed(1)} .. ${last.toFixed(1)} ms, not the window ${t0.toFixed(1)} .. ${t1.toFixed(1)} ms`;
  }
  return null;
}

/** The window's own points: interpolated edges plus every sample strictly inside. */
function clip(samples: readonly PowerPoint[], t0: number, t1: number): PowerPoint[] {
  const inside = samples.filter((p) => p.t > t0 && p.t < t1);
  return [{ t: t0, w: interpolate(samples, t0, (p) => p.w) }, ...inside, { t: t1, w: interpolate(samples, t1, (p) => p.w) }];
}

function maxGap(times: number[]): number {
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i] - times[i - 1]);
  return gap;
}

/** Joules over [t0, t1] (ms) from power samples (W). Throws RangeError when the samples do not cover the window. */
export function integrateEnergy(samples: readonly PowerPoint[], t0: number, t1: number): number {
  const problem = coverageProblem(samples, t0, t1);
  if (problem) throw new RangeError(problem);
  const pts = clip(samples, t0, t1);
  let joules = 0;
  for (let i = 1; i < pts.length; i++) joules += ((pts[i].w + pts[i - 1].w) / 2) * ((pts[i].t - pts[i - 1].t) / 1000);
  return joules;
}

export function unmeasured(reason: string): EnergyReading {
  return { joules: null, avgPowerW: null, peakPowerW: null, maxGapMs: null, reason };
}

/** Energy, average and peak power over a window of a power series. */
export function powerWindow(samples: readonly PowerPoint[], t0: number, t1: number): EnergyReading {
  const problem = coverageProblem(samples, t0, t1);
  if (problem) return unmeasured(problem);
  const pts = clip(samples, t0, t1);
  const joules = integrateEnergy(samples, t0, t1);
  return {
    joules,
    avgPowerW: joules / ((t1 - t0) / 1000),
    peakPowerW: Math.max(...pts.map((p) => p.w)),
    maxGapMs: maxGap(pts.map((p) => p.t)),
    reason: null,
  };
}

/** Energy from a cumulative counter over a window; peak is the highest mean power of a sample interval that overlaps it. */
export function counterWindow(points: readonly EnergyPoint[], t0: number, t1: number): EnergyReading {
  const problem = coverageProblem(points, t0, t1);
  if (problem) return unmeasured(problem);
  const joules = interpolate(points, t1, (p) => p.j) - interpolate(points, t0, (p) => p.j);
  let peak = 0;
  const times = [t0];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (b.t <= t0 || a.t >= t1 || b.t === a.t) continue;
    peak = Math.max(peak, (b.j - a.j) / ((b.t - a.t) / 1000));
    if (b.t < t1) times.push(b.t);
  }
  times.push(t1);
  return { joules, avgPowerW: joules / ((t1 - t0) / 1000), peakPowerW: peak, maxGapMs: maxGap(times), reason: null };
}
