/**
 * Interleaved timing of several forward paths on the same inputs: warm-up, then rounds in which every
 * path runs once (the order alternates each round, so drift in machine load hits all paths alike),
 * until a time budget or a run count is reached. Each path's peak working memory is measured once with
 * tf.profile, outside the timed runs.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfCancelled } from '../util/cancel';
import { forwardMemory } from './forward-memory';
import { percentile, summarize, type Timing } from './stats';

export interface PathTiming extends Timing {
  /** tfjs working memory of one forward pass (tf.profile peakBytes), bytes. */
  peakBytes: number;
  /**
   * Median process CPU time per batch, ms. On the CPU backends (wasm, cpu: one thread doing the work)
   * it is the compute a batch costs, unaffected by other processes taking the core away; on GPU
   * backends it only measures the host side.
   */
  cpuMsPerBatch: number;
}

export interface InterleaveOptions {
  batchSize: number;
  seconds: number;
  minRuns: number;
  maxRuns: number;
  warmup?: number;
  signal?: AbortSignal;
  /** Called after each timed run with the path name and its [t0, t1] (performance.now() ms). */
  onRun?(path: string, t0: number, t1: number): void;
}

/** Each path returns an output tensor; timing includes reading it back (dataSync), as a user would. */
export type ForwardPath = () => tf.Tensor;

async function measurePeak(f: ForwardPath): Promise<number> {
  return (await forwardMemory(f)).peakBytes;
}

export async function timeInterleaved<K extends string>(paths: Record<K, ForwardPath>, opts: InterleaveOptions): Promise<Record<K, PathTiming>> {
  const names = Object.keys(paths) as K[];
  const run = (name: K) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const y = paths[name]();
    y.dataSync();
    const t1 = performance.now();
    const c = process.cpuUsage(c0);
    y.dispose();
    return [t0, t1, (c.user + c.system) / 1000] as const;
  };
  for (let w = 0; w < (opts.warmup ?? 2); w++) for (const n of names) run(n);
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  const cpu = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  const start = performance.now();
  for (let round = 0; round < opts.maxRuns; round++) {
    throwIfCancelled(opts.signal);
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const n of order) {
      const [t0, t1, cpuMs] = run(n);
      times[n].push(t1 - t0);
      cpu[n].push(cpuMs);
      opts.onRun?.(n, t0, t1);
    }
    if (round + 1 >= opts.minRuns && performance.now() - start > opts.seconds * 1000) break;
    if (round % 4 === 3) await new Promise((r) => setImmediate(r)); // let progress and cancel through
  }
  const out = {} as Record<K, PathTiming>;
  for (const n of names) out[n] = { ...summarize(times[n], opts.batchSize), cpuMsPerBatch: percentile(cpu[n], 50), peakBytes: await measurePeak(paths[n]) };
  return out;
}

/** Static against dynamic at one batch size: the timings and the speedups that follow from them. */
export interface PathComparison {
  static: PathTiming;
  dynamic: PathTiming;
  /** dynamic / static images per second. */
  speedup: number;
  /** From the FLOPs of what ran (SPEC 3). */
  idealSpeedup: number;
  /** speedup / idealSpeedup. */
  efficiency: number;
  /** The same two from median CPU time per batch (CPU backends: robust to other load on the machine). */
  speedupCpu: number;
  efficiencyCpu: number;
}

export function comparePaths(timing: { static: PathTiming; dynamic: PathTiming }, idealSpeedup: number): PathComparison {
  const speedup = timing.dynamic.imagesPerSec / timing.static.imagesPerSec;
  const speedupCpu = timing.static.cpuMsPerBatch / timing.dynamic.cpuMsPerBatch;
  return {
    static: timing.static, dynamic: timing.dynamic, speedup, idealSpeedup, efficiency: speedup / idealSpeedup,
    speedupCpu, efficiencyCpu: speedupCpu / idealSpeedup,
  };
}
