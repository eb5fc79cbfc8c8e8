/**
 * The result documents the views draw (SPEC 9 and the core's eval output), typed, with a check that
 * the keys a view needs are there so a wrong or older result fails with a sentence, not a blank chart.
 */

import type { GalleryItem } from '../../src-main/app/contract/catalogue';

export type { GalleryItem };

export interface EvalResult {
  accuracy: number;
  meanExecutedCost: number;
  meanExecutedLayers: number;
  executedLayersHistogram: number[];
  layerRates: number[];
  classLayerRates: number[][];
  classAccuracy: number[];
  classNames?: string[];
  images?: number;
  model?: string;
  dataset?: string;
  split?: string;
  gallery?: GalleryItem[];
  /** The engine that ran it (absent in results written before engines were recorded). */
  engine?: EngineInfo;
}

/** What a result records about its inference engine. */
export interface EngineInfo {
  engine: string;
  device: string;
  threads: number;
}

export interface BenchSide {
  imagesPerSec: number;
  p50Ms: number;
  p95Ms: number;
  peakBytes: number;
}

export interface BenchBatch {
  batchSize: number;
  static?: BenchSide;
  dynamic?: BenchSide;
  speedup?: number;
  idealSpeedup?: number;
  efficiency?: number;
  memoryRatio?: number;
  accuracy?: { static: number; dynamic: number };
  meanExecutedCost?: number;
  meanExecutedLayers?: number;
  /** null (or a null side) where no power source was measured. */
  energyPerImageJ?: { static: number | null; dynamic: number | null } | null;
  avgPowerW?: { static: number | null; dynamic: number | null } | null;
  rssBytes?: number;
  /** Why this batch size was not measured (e.g. it would not fit in memory). */
  skipped?: string;
}

/** A sampler tick (core/telemetry/types.ts): t in ms on the sampling process's clock; null = not reported. */
export interface TelemetrySample {
  t: number;
  gpus?: { index: number; name?: string; powerW: number | null; memUsedMiB: number | null; memTotalMiB?: number | null }[];
  cpuPowerW?: number | null;
  cpuLoad?: number;
  rssBytes?: number;
  sysMemUsedBytes?: number;
}

export interface SourceStatus {
  available: boolean;
  sources?: string[];
  reason: string | null;
}

export interface BenchResult {
  /** How the numbers were taken: one stream in one thread (absent in results older than the mode), or N streams at once. */
  mode?: 'single-stream' | 'throughput';
  /** Throughput mode: the streams (worker threads) that ran at once. */
  workers?: number;
  backend: { name: string; notUsed?: { backend: string; reason: string }[] } | string;
  hardware?: Record<string, unknown>;
  model?: Record<string, unknown> | string;
  power?: SourceStatus & { gpu?: SourceStatus; cpu?: SourceStatus };
  telemetry?: { samples?: TelemetrySample[]; summary?: Record<string, unknown> };
  batches: BenchBatch[];
  /** How it was measured, in words. */
  protocol?: string;
}

export interface FrontPoint {
  index: number;
  accuracy: number;
  meanExecutedCost: number;
  prunedLayers: number[];
  prunedFraction: number;
  gateBias: number[];
  meanExecutedLayers?: number;
  valAccuracy?: number;
  valReward?: number;
  valExecutedCost?: number;
}

export interface SearchResult {
  run?: string;
  model?: string;
  baseline: { accuracy: number; meanExecutedCost: number };
  static?: { accuracy: number; meanExecutedCost: number };
  front: FrontPoint[];
  /** Minimised objective vectors per generation, in the order of `objectives`. */
  generations?: { generation: number; front: number[][]; hypervolume: number }[];
  /** Names of the minimised objectives; "-name" is a maximised quantity negated. */
  objectives?: string[];
  hypervolume: number[];
  knee: number | null;
  depth?: number;
  dataset?: { name: string; classNames?: string[] };
}

export interface ExportResult {
  out: string;
  config: Record<string, unknown> | string;
  [k: string]: unknown;
}

function need(doc: Record<string, unknown>, what: string, keys: string[]): void {
  const missing = keys.filter((k) => doc[k] === undefined);
  if (missing.length > 0)
    throw new Error(`this ${what} result lacks ${missing.join(', ')}; it was written by another version of the studio`);
}

export function asEval(doc: Record<string, unknown>): EvalResult {
  need(doc, 'evaluation', ['accuracy', 'meanExecutedCost', 'executedLayersHistogram', 'layerRates', 'classLayerRates']);
  return doc as unknown as EvalResult;
}

/** An engine comparison (bench with `engines`): static and dynamic on tfjs and on onnxruntime. */
export interface EnginesResult {
  kind: 'engines';
  backend: string;
  depth: number;
  devices: { engine: string; device: string; threads: number; version: string }[];
  batches: {
    batchSize: number;
    executedLayers: number;
    ideal: number;
    rows: { model: 'static' | 'dynamic'; engine: string; threads: number; imagesPerSec: number; imagesPerSecCpu: number | null; p50Ms: number }[];
    speedups: { engine: string; speedup: number; efficiency: number }[];
  }[];
}

export function isEnginesResult(doc: Record<string, unknown>): boolean {
  return doc.kind === 'engines';
}

export function asBench(doc: Record<string, unknown>): BenchResult {
  need(doc, 'benchmark', ['backend', 'batches']);
  return doc as unknown as BenchResult;
}

export function asSearch(doc: Record<string, unknown>): SearchResult {
  need(doc, 'search', ['front', 'hypervolume', 'baseline']);
  return doc as unknown as SearchResult;
}

export function backendName(b: BenchResult['backend']): string {
  return typeof b === 'string' ? b : b.name;
}

/** Which benchmark mode a result's numbers come from, in words. */
export function benchMode(r: Pick<BenchResult, 'mode' | 'workers'>): string {
  return r.mode === 'throughput'
    ? `throughput: ${r.workers ?? '?'} streams at once, one per core (images per second of the whole machine; latency is not measured)`
    : 'single stream: one batch at a time in one thread (latency per batch; images per second of one core on the CPU engine)';
}
