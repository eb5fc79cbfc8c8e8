/**
 * The result documents the views draw, typed and parsed with the one schema of each (core/results.ts, through
 * the contract), so a wrong or older result fails with a sentence, not a blank chart.
 */
import {
  BenchResultSchema,
  EngineBenchResultSchema,
  EvalResultSchema,
  parseResult,
  SearchResultSchema,
  type BenchResult,
  type EngineBenchResultDoc,
  type EvalResult,
  type SearchResult,
} from '../../src-main/app/contract/results';

export type {
  BenchBatch,
  BenchResult,
  BenchSide,
  EngineBenchResultDoc,
  EngineDeviceInfo,
  EvalResult,
  ExportResult,
  FrontPoint,
  GalleryItem,
  SearchResult,
  TelemetrySample,
} from '../../src-main/app/contract/results';

export const asEval = (doc: Record<string, unknown>): EvalResult => parseResult(EvalResultSchema, doc, 'evaluation');
export const asBench = (doc: Record<string, unknown>): BenchResult => parseResult(BenchResultSchema, doc, 'benchmark');
export const asSearch = (doc: Record<string, unknown>): SearchResult => parseResult(SearchResultSchema, doc, 'search');
export const asEngines = (doc: Record<string, unknown>): EngineBenchResultDoc => parseResult(EngineBenchResultSchema, doc, 'engine comparison');
/** An engine comparison (bench with `engines`): static and dynamic on tfjs and on onnxruntime. */
export const isEnginesResult = (doc: Record<string, unknown>): boolean => doc.kind === 'engines';

/** Which benchmark mode a result's numbers come from, in words. */
export function benchMode(r: Pick<BenchResult, 'mode' | 'workers'>): string {
  return r.mode === 'throughput'
    ? `throughput: ${r.workers ?? '?'} streams at once, one per core (images per second of the whole machine; latency is not measured)`
    : 'single stream: one batch at a time in one thread (latency per batch; images per second of one core on the CPU engine)';
}
