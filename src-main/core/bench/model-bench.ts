/**
 * The static-versus-dynamic benchmark on real data (`skipvit bench --model`), SPEC 6: for each batch
 * size, both paths run interleaved in this process on the same real images, while the telemetry sampler
 * records power and memory; every figure says how it was taken, and an unmeasurable one is null with a
 * reason, never an estimate.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { backendInfo, type BackendInfo } from '../backend';
import { loadDatasetForModel, normalizeBatch, type Dataset } from '../data';
import { inferenceOf, runDynamic, type Inference } from '../model/inference';
import { flopCounts, idealSpeedup, paramCounts } from '../model/flops';
import { datasetFor, loadModel, type ModelMeta } from '../model/io';
import type { ViT } from '../model/vit';
import { hardwareInventory, type HardwareInventory } from '../telemetry/inventory';
import { TelemetrySampler, type TelemetrySummary } from '../telemetry/sampler';
import type { PowerStatus, TelemetrySample } from '../telemetry/types';
import { comparePaths, timeInterleaved, type PathComparison } from './interleave';
import { batchFits, estimateInferenceBytes } from './memory-guard';
import { table } from './table';
import { keepIndex } from '../model/keep-mask';

export interface ModelBenchOptions {
  /** A dynamic model folder; its static path (every layer) is the baseline unless staticModel is given. */
  model: string;
  staticModel?: string;
  /** Dataset name; default: the one in the model's metadata. */
  dataset?: string;
  split?: 'test' | 'val';
  batches: number[];
  /** Timed seconds per batch size (both paths together). */
  secondsPerBatch?: number;
  /** Images to cycle through at each batch size (the first n of the split). */
  images?: number;
  seed?: number;
  intervalMs?: number;
  /** Inject a sampler (tests use fake nvidia-smi / powercap). */
  telemetry?: ConstructorParameters<typeof TelemetrySampler>[0];
  signal?: AbortSignal;
  onProgress?(fraction: number, message: string): void;
}

type PerPath<T> = { static: T; dynamic: T };

/** One batch size: the comparison with its accuracy, memory and energy, or why it was skipped. */
export interface ModelBenchBatch extends Partial<PathComparison> {
  batchSize: number;
  /** dynamic / static peakBytes. */
  memoryRatio?: number;
  accuracy?: PerPath<number>;
  /** Mean executed layer cost of the dynamic path, as a fraction of the total (1.0 = all layers). */
  meanExecutedCost?: number;
  meanExecutedLayers?: number;
  /** Joules per image over the timed windows (GPU + CPU sources that exist); null with power.reason when none. */
  energyPerImageJ: PerPath<number | null> | null;
  avgPowerW: PerPath<number | null> | null;
  /** Process resident memory after this batch size ran. */
  rssBytes?: number;
  images?: number;
  skipped?: string;
}

export interface ModelBenchResult {
  kind: 'model';
  /** One stream in this thread: per-batch latency is meaningful (throughput-bench.ts is the other mode). */
  mode: 'single-stream';
  backend: BackendInfo | null;
  hardware: HardwareInventory;
  model: { path: string; staticPath: string | null; kind: string; config: ViT['config']; params: number; flopsPerImage: number; dataset: string };
  dataset: { name: string; split: string; images: number; source: string };
  power: PowerStatus;
  accuracy: PerPath<number>;
  meanExecutedCost: number;
  batches: ModelBenchBatch[];
  telemetry: { summary: TelemetrySummary; samples: TelemetrySample[] };
  protocol: string;
}

interface PathRun {
  logits(x: tf.Tensor4D): { logits: tf.Tensor2D; executed?: Uint8Array };
}

/** Accuracy and executed cost of a path over the prepared batches (also the warm-up). */
function scorePath(p: PathRun, xs: tf.Tensor4D[], ys: Int32Array[], model: ViT, inference: Inference) {
  let correct = 0;
  let n = 0;
  let cost = 0;
  let layers = 0;
  const total = inference.totalCost;
  const L = model.depth;
  xs.forEach((x, i) => {
    const { logits, executed } = p.logits(x);
    const predT = logits.argMax(1);
    const pred = predT.dataSync();
    tf.dispose([logits, predT]);
    for (let b = 0; b < ys[i].length; b++) {
      if (pred[b] === ys[i][b]) correct++;
      let c = 0;
      for (let l = 0; l < L; l++) {
        const ran = executed ? executed[keepIndex(b, l, L)] : 1;
        c += ran * model.costs[l];
        layers += ran;
      }
      cost += c / total;
      n++;
    }
  });
  return { accuracy: correct / n, cost: cost / n, layers: layers / n };
}

function energy(summary: TelemetrySummary, label: string): { perImage: number | null; power: number | null } {
  const w = summary.windows[label];
  if (!w) return { perImage: null, power: null };
  const parts = [w.gpu, w.cpu].filter((r) => r.joules !== null);
  if (parts.length === 0) return { perImage: null, power: null };
  const joules = parts.reduce((a, r) => a + (r.joules ?? 0), 0);
  const power = parts.reduce((a, r) => a + (r.avgPowerW ?? 0), 0);
  return { perImage: w.images > 0 ? joules / w.images : null, power };
}

function downsample<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const step = xs.length / max;
  return Array.from({ length: max }, (_, i) => xs[Math.floor(i * step)]);
}

export async function runModelBench(opts: ModelBenchOptions): Promise<ModelBenchResult> {
  const { model, meta } = await loadModel(opts.model);
  const staticLoaded = opts.staticModel ? await loadModel(opts.staticModel) : null;
  const baseline = staticLoaded?.model ?? model;
  const datasetName = datasetFor(opts.model, meta, opts.dataset, '--dataset');
  const data: Dataset = await loadDatasetForModel(opts.model, meta.validationSplit, datasetName);
  const split = data[opts.split ?? 'test'];
  if (split.height !== model.config.imageSize || split.channels !== model.config.channels) {
    throw new Error(`${datasetName}: images are ${split.height}px x ${split.channels} channels; the model takes ${model.config.imageSize}px x ${model.config.channels}`);
  }
  const nImages = Math.min(split.count, opts.images ?? 1024);
  const backend = backendInfo();
  const hardware = await hardwareInventory(opts.telemetry?.nvidiaSmi ? { nvidiaSmi: opts.telemetry.nvidiaSmi } : {});
  const sampler = new TelemetrySampler({ intervalMs: opts.intervalMs ?? 250, ...opts.telemetry });
  await sampler.start();
  const staticPath: PathRun = { logits: (x) => ({ logits: baseline.forwardStatic(x) }) };
  const inference = inferenceOf(model, meta);
  const dynamicPath: PathRun = { logits: (x) => runDynamic(model, x, inference) };
  const batches: ModelBenchBatch[] = [];
  const gates = model.depth;
  const all = { images: 0, staticCorrect: 0, dynamicCorrect: 0, cost: 0 }; // over every batch size's images
  let summary: TelemetrySummary;
  try {
    for (const [i, B] of opts.batches.entries()) {
      opts.onProgress?.(i / opts.batches.length, `batch ${B}`);
      const fit = batchFits(backend?.name ?? 'cpu', estimateInferenceBytes(model.config, B));
      if (!fit.fits) {
        batches.push({ batchSize: B, skipped: fit.reason, energyPerImageJ: null, avgPowerW: null });
        continue;
      }
      // The same real images for both paths: ceil(n / B) batches cycling over the first n images.
      const count = Math.max(1, Math.floor(nImages / B));
      const xs: tf.Tensor4D[] = [];
      const ys: Int32Array[] = [];
      for (let k = 0; k < count; k++) {
        const idx = Int32Array.from({ length: B }, (_, j) => (k * B + j) % split.count);
        xs.push(tf.tensor4d(normalizeBatch(split, data.info, idx), [B, split.height, split.width, split.channels]));
        ys.push(Int32Array.from(idx, (j) => split.labels[j]));
      }
      try {
        const s = scorePath(staticPath, xs, ys, baseline, baseline === model ? inference : inferenceOf(baseline));
        const d = scorePath(dynamicPath, xs, ys, model, inference);
        let round = 0;
        const timing = await timeInterleaved(
          {
            static: () => staticPath.logits(xs[round % count]).logits,
            dynamic: () => dynamicPath.logits(xs[round++ % count]).logits,
          },
          {
            batchSize: B, seconds: opts.secondsPerBatch ?? 3, minRuns: 3, maxRuns: 500, signal: opts.signal,
            onRun: (name, t0, t1) => sampler.mark(`${name}@${B}`, t0, t1, B),
          },
        );
        const images = count * B;
        all.images += images;
        all.staticCorrect += s.accuracy * images;
        all.dynamicCorrect += d.accuracy * images;
        all.cost += d.cost * images;
        batches.push({
          batchSize: B, images, ...comparePaths(timing, idealSpeedup(model.config, d.layers, gates)),
          memoryRatio: timing.dynamic.peakBytes / timing.static.peakBytes,
          accuracy: { static: s.accuracy, dynamic: d.accuracy }, meanExecutedCost: d.cost, meanExecutedLayers: d.layers,
          energyPerImageJ: null, avgPowerW: null, rssBytes: process.memoryUsage().rss,
        });
      } finally {
        tf.dispose(xs);
      }
    }
  } finally {
    summary = await sampler.stop();
  }
  for (const b of batches) {
    if (b.skipped) continue;
    const s = energy(summary, `static@${b.batchSize}`);
    const d = energy(summary, `dynamic@${b.batchSize}`);
    b.energyPerImageJ = summary.power.available ? { static: s.perImage, dynamic: d.perImage } : null;
    b.avgPowerW = summary.power.available ? { static: s.power, dynamic: d.power } : null;
  }
  const result: ModelBenchResult = {
    kind: 'model',
    mode: 'single-stream',
    backend,
    hardware,
    model: {
      path: path.resolve(opts.model), staticPath: opts.staticModel ? path.resolve(opts.staticModel) : null, kind: (meta as ModelMeta).kind,
      config: model.config, params: paramCounts(model.config).backbone, flopsPerImage: flopCounts(model.config).static, dataset: datasetName,
    },
    dataset: { name: datasetName, split: opts.split ?? 'test', images: nImages, source: data.info.source },
    power: summary.power,
    accuracy: { static: all.images ? all.staticCorrect / all.images : NaN, dynamic: all.images ? all.dynamicCorrect / all.images : NaN },
    meanExecutedCost: all.images ? all.cost / all.images : NaN,
    batches,
    telemetry: { summary, samples: downsample(sampler.samples(), 2000) },
    protocol: `per batch size: each prepared batch run once per path (warm-up, accuracy, executed layers), 2 more warm-up runs, then rounds of one static and one dynamic run (order alternating) on the same images until ${opts.secondsPerBatch ?? 3} s; throughput = images / timed seconds; latency percentiles per batch; peakBytes from tf.profile of one batch`,
  };
  model.dispose();
  staticLoaded?.model.dispose();
  opts.onProgress?.(1, 'done');
  return result;
}

const f = (n: number | null | undefined, d = 1) => (n === null || n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(d));

export function renderModelBench(r: ModelBenchResult): string {
  const head = [
    `backend ${r.backend?.name ?? '?'}${r.backend?.notUsed.length ? ` (not used: ${r.backend.notUsed.map((n) => `${n.backend}: ${n.reason}`).join('; ')})` : ''}`,
    `model ${r.model.path} on ${r.dataset.name} ${r.dataset.split} (${r.dataset.images} images)`,
    `accuracy static ${f(r.accuracy.static * 100, 2)}%  dynamic ${f(r.accuracy.dynamic * 100, 2)}%  mean executed cost ${f(r.meanExecutedCost, 3)}`,
    `power: ${r.power.available ? r.power.sources.join(', ') : `not available here (${r.power.reason})`}`,
  ];
  const rows = r.batches.map((b) =>
    b.skipped
      ? [b.batchSize, `skipped: ${b.skipped}`, '', '', '', '', '', '', '']
      : [b.batchSize, f(b.static!.imagesPerSec), f(b.dynamic!.imagesPerSec), f(b.static!.p95Ms), f(b.dynamic!.p95Ms), f(b.speedup, 2), f(b.efficiency, 2), f(b.speedupCpu, 2), f(b.memoryRatio, 2), b.energyPerImageJ ? `${f(b.energyPerImageJ.static, 4)} / ${f(b.energyPerImageJ.dynamic, 4)}` : 'n/a'],
  );
  return head.join('\n') + '\n' + table(['batch', 'static img/s', 'dynamic img/s', 'static p95 ms', 'dynamic p95 ms', 'speedup', 'efficiency', 'speedup (cpu)', 'memory ratio', 'J/image s/d'], rows);
}
