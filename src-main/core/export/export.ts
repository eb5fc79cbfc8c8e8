/**
 * Export of a chosen search point (SPEC 8): the model with its pruned layers physically removed (tfjs
 * format), config.json, and report.md with its charts. The exported files are loaded back and run on the
 * search's test images before the folder is committed, so config.json's measured metrics are those of
 * the files as written.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { backendInfo } from '../backend';
import { loadDataset, type Dataset } from '../data';
import { inferenceOf } from '../model/inference';
import { loadModel, saveModel, type ModelMeta } from '../model/io';
import { hardwareSummary, checkDataFits } from '../search/vit-search';
import { evaluate } from '../train/evaluate';
import { EXPORT_FORMAT, EXPORT_SCHEMA_VERSION, ExportConfigSchema, type ExportConfig } from './config';
import { checkTarget, commitStaging, createStaging } from './output-folder';
import { pruneModel } from './prune';
import { CHART_FILES, reportMarkdown, writeCharts } from './report';
import { parseSearchResult, pickPoint } from './search-result';

export interface ExportOptions {
  /** The search result: runSearch's return value, a run's result.json, or a `search --out` file, parsed. */
  result: unknown;
  /** Index into the result's front, or its suggested knee. */
  point: number | 'knee';
  /** Target folder; must be absent or empty unless `force`. */
  out: string;
  /** Replace an existing export in `out`. */
  force?: boolean;
  /** Where the result came from, for messages and provenance. */
  source?: { run?: string | null; file?: string | null };
  /** The searched model's folder; default the one the result names. */
  modelDir?: string;
  /** The data (tests); default loadDataset(the result's dataset). */
  data?: Dataset;
  signal?: AbortSignal;
  onProgress?(fraction: number, message: string): void;
}

export interface ExportOutcome {
  out: string;
  config: ExportConfig;
}

/** Bytes per parameter in weights.bin (float32). */
const BYTES_PER_PARAM = 4;

export async function exportPoint(opts: ExportOptions): Promise<ExportOutcome> {
  const where = opts.source?.file ?? (opts.source?.run ? `search run ${opts.source.run}` : 'the search result');
  const result = parseSearchResult(opts.result, where);
  const point = pickPoint(result, opts.point, where);
  const out = path.resolve(opts.out);
  await checkTarget(out, opts.force ?? false);
  const progress = opts.onProgress ?? (() => {});

  const modelDir = path.resolve(opts.modelDir ?? result.model);
  progress(0, `loading ${modelDir}`);
  const { model: source, meta: sourceMeta } = await loadModel(modelDir);
  let staging: string | null = null;
  try {
    if (source.depth !== result.depth) {
      throw new Error(`${modelDir} has ${source.depth} layers, but ${where} searched a model with ${result.depth}; is it the same model?`);
    }
    const L = source.depth;
    const pruned = Array.from({ length: L }, (_, l) => point.prunedLayers.includes(l));
    if (pruned.every(Boolean)) throw new Error(`point ${point.index} prunes every layer; there is nothing to export`);
    const data = opts.data ?? (await loadDataset(result.dataset.name));
    checkDataFits(data, source, modelDir);

    const { model: exported, sourceLayers } = pruneModel(source, pruned);
    const gateBias = sourceLayers.map((l) => point.gateBias[l]);
    const info = data.info;
    const datasetMeta = {
      name: info.name,
      classNames: info.classNames,
      height: info.height,
      width: info.width,
      channels: info.channels,
      mean: info.mean,
      std: info.std,
    };
    const meta: ModelMeta = {
      ...sourceMeta,
      config: exported.config,
      costs: exported.costs,
      gateBias,
      sourceLayers,
      sourceDepth: L,
      sourceCosts: source.costs,
      dataset: sourceMeta.dataset ?? datasetMeta,
      export: { from: modelDir, run: opts.source?.run ?? result.run ?? null, point: point.index },
    };
    staging = await createStaging(out);
    try {
      await saveModel(staging, exported, meta);
    } finally {
      exported.dispose();
    }
    progress(0.1, 'measuring the exported model on test');

    // Measure the files as written, on the images the search tested on.
    const { model: reloaded, meta: reloadedMeta } = await loadModel(staging);
    const t = performance.now();
    const testImages = Math.min(result.splits.test.images, data.test.count);
    let measured;
    try {
      measured = await evaluate(reloaded, data.test, info, {
        mode: 'dynamic',
        inference: inferenceOf(reloaded, reloadedMeta),
        batchSize: result.batchSize,
        limit: testImages,
        signal: opts.signal,
        onProgress: (d, n) => progress(0.1 + 0.8 * (d / n), `test: ${d}/${n} images`),
      });
    } finally {
      reloaded.dispose();
    }
    const seconds = (performance.now() - t) / 1000;
    // Against the ORIGINAL model's total cost (meta.sourceCosts), as the search reports it.
    const meanExecutedCost = measured.meanExecutedCost;

    const weightsBytes = (await fs.stat(path.join(staging, 'weights.bin'))).size;
    const config: ExportConfig = {
      schemaVersion: EXPORT_SCHEMA_VERSION,
      format: EXPORT_FORMAT,
      createdAt: new Date().toISOString(),
      files: { model: 'model.json', weights: 'weights.bin', report: 'report.md', charts: CHART_FILES },
      source: {
        model: modelDir,
        run: opts.source?.run ?? result.run ?? null,
        resultFile: opts.source?.file ?? null,
        point: point.index,
        knee: result.knee === point.index,
      },
      architecture: { ...reloadedMeta.config, sourceDepth: L, parameters: weightsBytes / BYTES_PER_PARAM, weightsBytes },
      dataset: {
        name: info.name,
        classNames: info.classNames,
        height: info.height,
        width: info.width,
        channels: info.channels,
        preprocessing: { layout: 'NHWC', scale: 1 / 255, mean: info.mean, std: info.std },
      },
      layers: {
        sourceDepth: L,
        kept: sourceLayers,
        pruned: point.prunedLayers,
        gateBias,
        costs: sourceLayers.map((l) => source.costs[l]),
        sourceCosts: source.costs,
      },
      search: {
        objective: result.objective,
        alpha: result.alpha,
        valImages: result.splits.val?.images ?? null,
        testImages,
        pop: result.pop ?? null,
        gens: result.gens ?? null,
        seed: result.seed ?? null,
        backend: result.backend ?? null,
        hardware: result.hardware ?? null,
      },
      metrics: {
        search: {
          valAccuracy: point.valAccuracy,
          valReward: point.valReward,
          valExecutedCost: point.valExecutedCost,
          testAccuracy: point.accuracy,
          testExecutedCost: point.meanExecutedCost,
        },
        baseline: { accuracy: result.baseline.accuracy, meanExecutedCost: result.baseline.meanExecutedCost },
        static: { accuracy: result.static.accuracy },
        measured: {
          split: 'test',
          images: measured.images,
          accuracy: measured.accuracy,
          meanExecutedCost,
          meanExecutedLayers: measured.meanExecutedLayers,
          imagesPerSec: measured.images / seconds,
          batchSize: result.batchSize,
          matchesSearch: measured.accuracy === point.accuracy && Math.abs(meanExecutedCost - point.meanExecutedCost) < 1e-9,
          backend: backendInfo()?.name ?? null,
          hardware: hardwareSummary(),
        },
      },
    };
    ExportConfigSchema.parse(config); // what importExport() will demand, checked before anything is committed
    progress(0.95, 'writing the report');
    await writeCharts(staging, result, point.index);
    await fs.writeFile(path.join(staging, 'report.md'), reportMarkdown(config));
    await fs.writeFile(path.join(staging, 'config.json'), JSON.stringify(config, null, 2));
    await commitStaging(staging, out);
    staging = null;
    progress(1, `exported to ${out}`);
    return { out, config };
  } finally {
    source.dispose();
    if (staging) await fs.rm(staging, { recursive: true, force: true });
  }
}
