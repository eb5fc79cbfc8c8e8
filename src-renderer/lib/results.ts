/**
 * The result documents the views draw, typed and parsed with the one schema of each (core/results.ts, through
 * the contract), so a wrong or older result fails with a sentence, not a blank chart.
 */
import {
  BenchResultSchema,
  EvalResultSchema,
  parseResult,
  SearchResultSchema,
  type BenchResult,
  type EvalResult,
  type SearchResult,
} from '../../src-main/app/contract/results';

export type {
  BenchBatch,
  BenchResult,
  BenchSide,
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
