/**
 * The benchmark's throughput mode (`skipvit bench --model DIR --workers N`): N streams at once, one per
 * worker thread, each with its own copy of the model, running the same real batch over and over; the
 * figure is all the images they finished divided by the wall time. Latency per batch is a per-stream
 * figure and stays with the single-stream mode (model-bench.ts); this mode answers "how many images per
 * second does this machine do", which a single stream on the wasm engine (one core) cannot.
 */
import { backendInfo, type BackendInfo } from '../backend';
import { loadDataset, normalizeBatch } from '../data';
import { loadForInference } from '../model/inference';
import { datasetFor } from '../model/io';
import { InferPool } from '../parallel/infer-pool';
import type { ForwardOptions } from '../parallel/infer-protocol';

export interface ThroughputBenchOptions {
  /** Model folder; a dynamic model runs both paths (static: every layer), a static one the static path. */
  model: string;
  dataset?: string;
  split?: 'test' | 'val';
  batches: number[];
  /** Timed seconds per batch size (all paths together). */
  secondsPerBatch?: number;
  workers: number;
  signal?: AbortSignal;
  onProgress?(fraction: number, message: string): void;
}

export interface ThroughputFigure {
  images: number;
  seconds: number;
  imagesPerSec: number;
}

export interface ThroughputBenchResult {
  kind: 'throughput';
  /** How the numbers were taken: 'throughput' = `workers` streams at once (single-stream results say 'single-stream'). */
  mode: 'throughput';
  workers: number;
  backend: BackendInfo | null;
  model: { path: string; kind: string };
  dataset: { name: string; split: string };
  batches: { batchSize: number; static: ThroughputFigure; dynamic: ThroughputFigure | null }[];
  protocol: string;
}

export async function runThroughputBench(opts: ThroughputBenchOptions): Promise<ThroughputBenchResult> {
  const { model, meta, inference } = await loadForInference(opts.model);
  const seconds = opts.secondsPerBatch ?? 3;
  const progress = opts.onProgress ?? (() => {});
  try {
    const datasetName = datasetFor(opts.model, meta, opts.dataset, '--dataset');
    const data = await loadDataset(datasetName);
    const split = data[opts.split ?? 'test'];
    if (split.height !== model.config.imageSize || split.channels !== model.config.channels) {
      throw new Error(`${datasetName}: images are ${split.height}px x ${split.channels} channels; the model takes ${model.config.imageSize}px x ${model.config.channels}`);
    }
    const paths: ForwardOptions['mode'][] = meta.kind === 'dynamic' ? ['static', 'dynamic'] : ['static'];
    const pool = await InferPool.start(model, opts.workers);
    const batches: ThroughputBenchResult['batches'] = [];
    try {
      for (const [i, batchSize] of opts.batches.entries()) {
        if (opts.signal?.aborted) throw new Error('cancelled');
        progress(i / opts.batches.length, `batch ${batchSize}`);
        const idx = Int32Array.from({ length: batchSize }, (_, k) => k % split.count);
        const x = normalizeBatch(split, data.info, idx);
        const totals = new Map(paths.map((p) => [p, { images: 0, seconds: 0 }]));
        for (const p of paths) await pool.throughput(x, batchSize, { mode: p, inference }, 0.2); // warm-up
        // Two rounds per path, alternating, so a drift in the machine's load falls on both paths.
        for (let round = 0; round < 2; round++) {
          for (const p of round === 0 ? paths : [...paths].reverse()) {
            const r = await pool.throughput(x, batchSize, { mode: p, inference }, seconds / (2 * paths.length));
            const t = totals.get(p)!;
            t.images += r.images;
            t.seconds += r.seconds;
          }
        }
        const figure = (p: ForwardOptions['mode']): ThroughputFigure => {
          const t = totals.get(p)!;
          return { ...t, imagesPerSec: t.images / t.seconds };
        };
        batches.push({ batchSize, static: figure('static'), dynamic: paths.includes('dynamic') ? figure('dynamic') : null });
      }
    } finally {
      await pool.close();
    }
    progress(1, 'done');
    return {
      kind: 'throughput', mode: 'throughput', workers: opts.workers, backend: backendInfo(),
      model: { path: opts.model, kind: meta.kind }, dataset: { name: datasetName, split: opts.split ?? 'test' }, batches,
      protocol: `per batch size: ${opts.workers} worker threads (one model copy each) run the same ${opts.split ?? 'test'}-split batch over and over; a 0.2 s warm-up per path, then two alternating timed rounds per path of ${(seconds / (2 * paths.length)).toFixed(2)} s; throughput = images finished by all workers / wall seconds (each run's logits read back to the host)`,
    };
  } finally {
    model.dispose();
  }
}
