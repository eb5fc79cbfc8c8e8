/** Export of a search point (SPEC 8): pruned tfjs model + config.json + report.md, import back, predict. */
export { exportPoint } from './export';
export type { ExportOptions, ExportOutcome } from './export';
export { importExport } from './import';
export type { ImportedExport, ImportOptions } from './import';
export { EXPORT_FORMAT, EXPORT_SCHEMA_VERSION, ExportConfigSchema } from './config';
export type { ExportConfig } from './config';
export { pruneModel } from './prune';
export type { PrunedModel } from './prune';
export { predictFiles } from './predict';
export type { Prediction, PredictOptions, PredictResult } from './predict';
export { parseSearchResult, pickPoint, readSearchResultFile } from './search-result';
export type { StoredSearchResult } from './search-result';
export { renderChart, niceTicks } from './plot/chart';
export type { ChartSeries, ChartSpec } from './plot/chart';
