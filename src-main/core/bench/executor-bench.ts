/**
 * The executor benchmark (`skipvit bench --random`): a random model, per-sample random keep masks with a
 * given keep fraction, static and dynamic timed interleaved in one process on the same inputs. It
 * measures how close the gather/scatter executor gets to the speedup its skipped FLOPs allow (SPEC 3).
 */
import * as tf from '@tensorflow/tfjs';
import { backendInfo, type BackendInfo } from '../backend';
import { presetConfig, type PresetName, type ViTConfig } from '../model/config';
import { forwardDynamic } from '../model/executor';
import { idealSpeedup } from '../model/flops';
import { ViT } from '../model/vit';
import { Rng } from '../util/rng';
import { batchFits, estimateInferenceBytes } from './memory-guard';
import { comparePaths, timeInterleaved, type PathComparison } from './interleave';

export interface ExecutorBenchOptions {
  preset: PresetName;
  /** Input shape for the random model; default 28 px, 1 channel, 10 classes (Fashion-MNIST). */
  input?: { imageSize: number; channels: number; numClasses: number };
  keep: number;
  batches: number[];
  seed?: number;
  /** Time budget per batch size for the timed runs (both paths together), default 3 s. */
  secondsPerBatch?: number;
  /** Run count limits per path, default 3..200. */
  minRuns?: number;
  maxRuns?: number;
  signal?: AbortSignal;
  onProgress?(fraction: number, message: string): void;
}

/** One batch size: the comparison, or why it was skipped. */
export type ExecutorBenchBatch = { batchSize: number; meanExecutedLayers?: number; skipped?: string } & Partial<PathComparison>;

export interface ExecutorBenchResult {
  kind: 'executor';
  /** One stream in this thread (latency per batch is a per-stream figure). */
  mode: 'single-stream';
  backend: BackendInfo | null;
  config: ViTConfig;
  preset: PresetName;
  keep: number;
  seed: number;
  batches: ExecutorBenchBatch[];
}

export async function runExecutorBench(opts: ExecutorBenchOptions): Promise<ExecutorBenchResult> {
  if (!(opts.keep >= 0 && opts.keep <= 1)) throw new Error(`--keep must be in [0, 1], got ${opts.keep}`);
  const seed = opts.seed ?? 0;
  const input = opts.input ?? { imageSize: 28, channels: 1, numClasses: 10 };
  const config = presetConfig(opts.preset, input);
  const model = ViT.create(config, seed);
  const backend = backendInfo();
  const L = config.depth;
  const rng = new Rng(seed);
  const out: ExecutorBenchBatch[] = [];
  try {
    for (const [i, B] of opts.batches.entries()) {
      opts.onProgress?.(i / opts.batches.length, `batch ${B}`);
      const fit = batchFits(backend?.name ?? 'cpu', estimateInferenceBytes(config, B));
      if (!fit.fits) {
        out.push({ batchSize: B, skipped: fit.reason });
        continue;
      }
      const x = tf.randomNormal([B, config.imageSize, config.imageSize, config.channels], 0, 1, 'float32', seed + B) as tf.Tensor4D;
      const keep = new Uint8Array(B * L).map(() => (rng.next() < opts.keep ? 1 : 0));
      const executedLayers = keep.reduce((a, k) => a + k, 0) / B;
      try {
        const timing = await timeInterleaved(
          {
            static: () => model.forwardStatic(x),
            dynamic: () => forwardDynamic(model, x, { keep }).logits,
          },
          { batchSize: B, seconds: opts.secondsPerBatch ?? 3, minRuns: opts.minRuns ?? 3, maxRuns: opts.maxRuns ?? 200, signal: opts.signal },
        );
        const ideal = idealSpeedup(config, executedLayers, 0); // forced masks: no gate is evaluated
        out.push({ batchSize: B, ...comparePaths(timing, ideal), meanExecutedLayers: executedLayers });
      } finally {
        x.dispose();
      }
    }
  } finally {
    model.dispose();
  }
  opts.onProgress?.(1, 'done');
  return { kind: 'executor', mode: 'single-stream', backend, config, preset: opts.preset, keep: opts.keep, seed, batches: out };
}
