/**
 * Engines side by side (issue 19): a static model and its dynamic twin on the tfjs engine and on
 * onnxruntime at several thread counts, at several batch sizes, on real test images. Interleaved rounds
 * (every configuration once per round, order alternating) until a time budget, so load on the machine hits
 * them alike. Images/s from the median wall time per batch, and, for one-thread configurations, from the
 * median process CPU time (the cycles this process got: robust to a loaded machine). The ideal dynamic
 * speed-up is FLOP-based (flops.ts), from the layers the dynamic model ran on the same images.
 */
import os from 'node:os';
import { normalizeBatch, type Dataset } from '../data';
import { openEngine, type EngineDevice, type InferenceEngine } from '../inference/open';
import { idealSpeedup } from '../model/flops';
import type { ModelMeta } from '../model/io';
import type { ViT } from '../model/vit';
import { table } from './table';

export interface EngineBenchOptions {
  staticModel: { model: ViT; meta: ModelMeta; where: string };
  dynamicModel: { model: ViT; meta: ModelMeta; where: string };
  data: Dataset;
  batches: number[];
  /** onnxruntime thread counts to run (default [1, 2]); tfjs always runs once (one thread on wasm). */
  ortThreads?: number[];
  /** Timed seconds per configuration and batch size (default 3). */
  secondsPerBatch?: number;
  signal?: AbortSignal;
  onProgress?(fraction: number, message: string): void;
}

export interface EngineBenchRow {
  model: 'static' | 'dynamic';
  engine: string; // e.g. 'tfjs-wasm', 'ort-cpu x1'
  threads: number;
  batchSize: number;
  imagesPerSec: number;
  /** One-thread configurations only. */
  imagesPerSecCpu: number | null;
  p50Ms: number;
  runs: number;
}

export interface EngineBenchBatch {
  batchSize: number;
  /** Mean layers the dynamic model ran per image (on the bench images). */
  executedLayers: number;
  /** Ideal dynamic speed-up from FLOPs (flops.ts). */
  ideal: number;
  rows: EngineBenchRow[];
  /** Per engine: measured dynamic / static, and efficiency = speed-up / ideal. */
  speedups: { engine: string; speedup: number; speedupCpu: number | null; efficiency: number }[];
}

export interface EngineBenchResult {
  kind: 'engines';
  /** The tfjs backend (SPEC 9's key). */
  backend: string;
  batches: EngineBenchBatch[];
  devices: EngineDevice[];
  depth: number;
  cores: number;
  loadAverage: number[];
  secondsPerBatch: number;
}

/** Distinct batches per size, cycled, so dynamic skipping sees varied inputs. */
const POOL = 8;

const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];

export async function runEngineBench(opts: EngineBenchOptions): Promise<EngineBenchResult> {
  const seconds = opts.secondsPerBatch ?? 3;
  const threads = opts.ortThreads ?? [1, 2];
  const progress = opts.onProgress ?? (() => {});
  const configs: { model: 'static' | 'dynamic'; engine: string; e: InferenceEngine }[] = [];
  try {
    const open = async (which: 'static' | 'dynamic', name: 'tfjs' | 'ort', t?: number) => {
      const m = which === 'static' ? opts.staticModel : opts.dynamicModel;
      const e = await openEngine(name, m.model, m.meta, m.where, { threads: t });
      configs.push({ model: which, engine: name === 'tfjs' ? `tfjs-${e.device.device}` : `ort-${e.device.device} x${e.device.threads}`, e });
    };
    for (const which of ['static', 'dynamic'] as const) {
      await open(which, 'tfjs');
      for (const t of threads) await open(which, 'ort', t);
    }
    const { data } = opts;
    const batches: EngineBenchBatch[] = [];
    const depth = opts.dynamicModel.model.depth;
    const dynTfjs = configs.find((c) => c.model === 'dynamic' && c.e.name === 'tfjs')!.e;
    for (const [bi, B] of opts.batches.entries()) {
      const pool = Array.from({ length: POOL }, (_, i) =>
        normalizeBatch(data.test, data.info, Int32Array.from({ length: B }, (_, j) => (i * B + j) % data.test.count)),
      );
      let layers = 0;
      for (const images of pool) layers += (await dynTfjs.run(images, B, { mode: 'dynamic' })).executed.reduce((s, e) => s + e, 0);
      const executedLayers = layers / (POOL * B);
      const run = (c: (typeof configs)[number], images: Float32Array) => c.e.run(images, B, { mode: c.model });
      // Warm-up until a second or 30 runs each: wasm code keeps getting faster for dozens of small runs (tier-up).
      for (const c of configs) {
        const t0 = performance.now();
        for (let w = 0; w < 30 && (w < 2 || performance.now() - t0 < 1000); w++) await run(c, pool[w % POOL]);
      }
      const wall = configs.map(() => [] as number[]);
      const cpu = configs.map(() => [] as number[]);
      const spent = configs.map(() => 0);
      const due = (k: number) => spent[k] < seconds * 1000 || wall[k].length < 5;
      for (let round = 0; configs.some((_, k) => due(k)); round++) {
        if (opts.signal?.aborted) throw new Error('cancelled');
        const order = configs.map((_, k) => k);
        for (const k of round % 2 ? order.reverse() : order) {
          if (!due(k)) continue;
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          await run(configs[k], pool[round % POOL]);
          const t = performance.now() - t0;
          const c = process.cpuUsage(c0);
          wall[k].push(t);
          cpu[k].push((c.user + c.system) / 1000);
          spent[k] += t;
        }
        progress((bi + Math.min(1, Math.min(...spent) / (seconds * 1000))) / opts.batches.length, `batch ${B}`);
      }
      const rows: EngineBenchRow[] = configs.map((c, k) => {
        const t = c.e.device.threads;
        return {
          model: c.model, engine: c.engine, threads: t, batchSize: B, imagesPerSec: (B * 1000) / median(wall[k]),
          imagesPerSecCpu: t === 1 ? (B * 1000) / median(cpu[k]) : null, p50Ms: median(wall[k]), runs: wall[k].length,
        };
      });
      const ideal = idealSpeedup(opts.dynamicModel.model.config, executedLayers, depth);
      const speedups: EngineBenchBatch['speedups'] = [];
      for (const engine of new Set(configs.map((c) => c.engine))) {
        const st = rows.find((r) => r.engine === engine && r.model === 'static')!;
        const dy = rows.find((r) => r.engine === engine && r.model === 'dynamic')!;
        const speedup = dy.imagesPerSec / st.imagesPerSec;
        const speedupCpu = dy.imagesPerSecCpu !== null && st.imagesPerSecCpu !== null ? dy.imagesPerSecCpu / st.imagesPerSecCpu : null;
        speedups.push({ engine, speedup, speedupCpu, efficiency: speedup / ideal });
      }
      batches.push({ batchSize: B, executedLayers, ideal, rows, speedups });
    }
    const devices = [...new Map(configs.map((c) => [c.engine, c.e.device])).values()];
    return {
      kind: 'engines', backend: dynTfjs.device.device, batches, devices, depth,
      cores: os.availableParallelism(), loadAverage: os.loadavg(), secondsPerBatch: seconds,
    };
  } finally {
    for (const c of configs) await c.e.dispose();
  }
}

/** The result as one text table, then the dynamic/static speed-ups per engine. */
export function renderEngineBench(r: EngineBenchResult): string {
  const f = (n: number | null, d = 0) => (n === null ? '-' : n.toFixed(d));
  const head =
    `${r.cores} cores, load average ${r.loadAverage.map((l) => l.toFixed(1)).join(' ')}, ${r.secondsPerBatch} s per configuration and batch size\n` +
    r.devices.map((d) => `${d.engine} ${d.version}: ${d.device}, ${d.threads} thread${d.threads > 1 ? 's' : ''}`).join('; ');
  const main = table(
    ['model', 'engine', 'batch', 'images/s', 'images/s (CPU time)', 'p50 ms', 'runs'],
    r.batches.flatMap((b) => b.rows.map((x) => [x.model, x.engine, x.batchSize, f(x.imagesPerSec), f(x.imagesPerSecCpu), f(x.p50Ms, 2), x.runs])),
  );
  const sp = table(
    ['batch', 'engine', 'dynamic/static', '(CPU time)', 'ideal', 'efficiency', 'layers/image'],
    r.batches.flatMap((b) =>
      b.speedups.map((s) => [b.batchSize, s.engine, f(s.speedup, 2), f(s.speedupCpu, 2), f(b.ideal, 2), f(s.efficiency, 2), `${b.executedLayers.toFixed(2)}/${r.depth}`]),
    ),
  );
  return `${head}\n\n${main}\n\n${sp}`;
}
