/**
 * The result documents of the jobs (eval, bench, search, export), each defined once as a zod schema: the
 * core returns them (its result types are checked against these at compile time), export parses a stored
 * search with SearchResultSchema, and the studio's renderer infers its types from them and parses what it
 * draws (through the contract). Objects are loose: a result may carry more than a reader needs.
 * Pure: zod only.
 */
import { z } from 'zod';

const num = z.number().refine(Number.isFinite, 'must be a finite number');
/** A measured quantity that a run could not measure (no power sensor, say). */
const measured = z.number().nullable();

// ---------------------------------------------------------------- engine

/** What a result records about the inference engine that produced it (inference/engine.ts EngineDevice). */
export const EngineDeviceSchema = z.looseObject({
  engine: z.enum(['tfjs', 'ort']),
  /** tfjs: the backend (wasm, cpu, tensorflow); ort: the execution provider (cpu, cuda, dml, coreml). */
  device: z.string(),
  threads: z.int(),
  version: z.string().optional(),
  /** Faster options not in use, and why. */
  notUsed: z.array(z.object({ name: z.string(), reason: z.string() })).optional(),
});
export type EngineDeviceInfo = z.infer<typeof EngineDeviceSchema>;

// ---------------------------------------------------------------- eval

/** An image of the Skips view's gallery, with the layers it ran. */
export const GalleryItemSchema = z.object({
  index: z.int(),
  label: z.int(),
  prediction: z.int(),
  /** 1 where the image ran layer l. */
  executed: z.array(z.number()),
  /** base64 PNG of the image as stored (no normalisation). */
  image: z.string(),
});
export type GalleryItem = z.infer<typeof GalleryItemSchema>;

/** What evaluate() measures on one split. */
export const EvalStatsSchema = z.looseObject({
  images: z.int(),
  accuracy: num,
  /** Mean executed layer cost as a fraction of the (original) model's total layer cost; 1 for the static path. */
  meanExecutedCost: num,
  meanExecutedLayers: num,
  /** histogram[k] = number of images that ran exactly k layers, k = 0..L. */
  executedLayersHistogram: z.array(num),
  /** Fraction of images that ran layer l. */
  layerRates: z.array(num),
  /** classLayerRates[k][l] = fraction of class-k images that ran layer l. */
  classLayerRates: z.array(z.array(num)),
  classAccuracy: z.array(num),
});
export type EvalStats = z.infer<typeof EvalStatsSchema>;

/** The eval job's result.json (and `skipvit eval --json`). */
export const EvalResultSchema = EvalStatsSchema.extend({
  classNames: z.array(z.string()).optional(),
  model: z.string().optional(),
  dataset: z.string().optional(),
  split: z.string().optional(),
  mode: z.enum(['static', 'dynamic']).optional(),
  backend: z.string().nullable().optional(),
  /** The engine that ran it (absent in results written before engines were recorded). */
  engine: EngineDeviceSchema.optional(),
  gallery: z.array(GalleryItemSchema).optional(),
});
export type EvalResult = z.infer<typeof EvalResultSchema>;

// ---------------------------------------------------------------- bench

/** One path at one batch size; the throughput mode measures images per second only. */
export const BenchSideSchema = z.looseObject({ imagesPerSec: num, p50Ms: num.optional(), p95Ms: num.optional(), peakBytes: num.optional() });
export type BenchSide = z.infer<typeof BenchSideSchema>;

export const BenchBatchSchema = z.looseObject({
  batchSize: z.int(),
  static: BenchSideSchema.optional(),
  /** null in the throughput mode of a static model (it has no dynamic path). */
  dynamic: BenchSideSchema.nullable().optional(),
  speedup: num.optional(),
  idealSpeedup: num.optional(),
  efficiency: num.optional(),
  memoryRatio: num.optional(),
  accuracy: z.object({ static: num, dynamic: num }).optional(),
  meanExecutedCost: num.optional(),
  meanExecutedLayers: num.optional(),
  /** null (or a null side) where no power source was measured. */
  energyPerImageJ: z.object({ static: measured, dynamic: measured }).nullable().optional(),
  avgPowerW: z.object({ static: measured, dynamic: measured }).nullable().optional(),
  rssBytes: num.optional(),
  /** Why this batch size was not measured (e.g. it would not fit in memory). */
  skipped: z.string().optional(),
});
export type BenchBatch = z.infer<typeof BenchBatchSchema>;

/** A sampler tick (telemetry/types.ts): t in ms on the sampling process's clock; null = not reported. */
export const TelemetrySampleSchema = z.looseObject({
  t: num,
  gpus: z
    .array(z.looseObject({ index: z.int(), name: z.string().optional(), powerW: measured, memUsedMiB: measured, memTotalMiB: measured.optional() }))
    .optional(),
  cpuPowerW: measured.optional(),
  cpuLoad: num.optional(),
  rssBytes: num.optional(),
  sysMemUsedBytes: num.optional(),
});
export type TelemetrySample = z.infer<typeof TelemetrySampleSchema>;

const SourceStatusSchema = z.looseObject({ available: z.boolean(), sources: z.array(z.string()).optional(), reason: z.string().nullable() });

/**
 * Every benchmark's result.json: the executor benchmark (`kind: executor`), static versus dynamic (`model`), and
 * the throughput mode (`throughput`: N streams at once).
 */
export const BenchResultSchema = z.looseObject({
  kind: z.enum(['executor', 'model', 'throughput']),
  /** How the numbers were taken: one stream in one thread (absent in results older than the mode), or N streams at once. */
  mode: z.enum(['single-stream', 'throughput']).optional(),
  /** Throughput mode: the streams (worker threads) that ran at once. */
  workers: z.int().optional(),
  /** The tfjs backend's name; backendInfo has why faster ones were not used. */
  backend: z.string().nullable(),
  backendInfo: z
    .looseObject({
      name: z.string(),
      notUsed: z.array(z.object({ backend: z.string(), reason: z.string() })),
      /** webgpu: the GPU adapter (core/backend.ts AdapterInfo). */
      adapter: z.object({ vendor: z.string(), architecture: z.string(), device: z.string(), description: z.string(), driver: z.string(), kind: z.enum(['hardware', 'software']) }).optional(),
    })
    .nullable(),
  hardware: z.record(z.string(), z.unknown()).optional(),
  model: z.record(z.string(), z.unknown()).optional(),
  power: SourceStatusSchema.extend({ gpu: SourceStatusSchema.optional(), cpu: SourceStatusSchema.optional() }).optional(),
  telemetry: z.looseObject({ samples: z.array(TelemetrySampleSchema).optional(), summary: z.record(z.string(), z.unknown()).optional() }).optional(),
  batches: z.array(BenchBatchSchema),
  /** How it was measured, in words. */
  protocol: z.string().optional(),
  /** `backends` given: each tfjs backend's whole result, in order (this object's own figures are the first's). */
  backends: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type BenchResult = z.infer<typeof BenchResultSchema>;

/** The engine comparison (`skipvit bench --model --engines`, the bench job with `engines`): static and dynamic on tfjs and onnxruntime. */
export const EngineBenchResultSchema = z.looseObject({
  kind: z.literal('engines'),
  backend: z.string(),
  depth: z.int(),
  devices: z.array(EngineDeviceSchema),
  batches: z.array(
    z.looseObject({
      batchSize: z.int(),
      /** Mean layers the dynamic model ran per image. */
      executedLayers: num,
      /** The dynamic model's ideal speed-up, depth / executed layers. */
      ideal: num,
      rows: z.array(
        z.looseObject({
          model: z.enum(['static', 'dynamic']),
          engine: z.string(),
          threads: z.int(),
          imagesPerSec: num,
          imagesPerSecCpu: num.nullable(),
          p50Ms: num,
        }),
      ),
      speedups: z.array(z.looseObject({ engine: z.string(), speedup: num, efficiency: num })),
    }),
  ),
});
export type EngineBenchResultDoc = z.infer<typeof EngineBenchResultSchema>;

// ---------------------------------------------------------------- search

export const FrontPointSchema = z.looseObject({
  /** Position in `front` (sorted by validation executed cost, ascending). */
  index: z.int().min(0),
  /** Test accuracy and mean executed cost (fraction of the total). */
  accuracy: num,
  meanExecutedCost: num,
  meanExecutedLayers: num.optional(),
  valAccuracy: num,
  valReward: num,
  valExecutedCost: num,
  prunedLayers: z.array(z.int().min(0)),
  prunedFraction: num,
  gateBias: z.array(num),
});
export type FrontPoint = z.infer<typeof FrontPointSchema>;

/** The search job's result.json (and `skipvit search --out FILE`): what export and the Search view read. */
export const SearchResultSchema = z.looseObject({
  schemaVersion: z.literal(1),
  kind: z.literal('vit-search'),
  run: z.string().nullable(),
  model: z.string().min(1),
  depth: z.int().min(1),
  costs: z.array(num),
  dataset: z.looseObject({ name: z.string().min(1), classNames: z.array(z.string()) }),
  splits: z.looseObject({ val: z.looseObject({ images: z.int().min(1) }).optional(), test: z.looseObject({ images: z.int().min(1) }) }),
  /** The unpruned dynamic model and the static path, on the same test images. */
  baseline: z.looseObject({ accuracy: num, meanExecutedCost: num }),
  static: z.looseObject({ accuracy: num, meanExecutedCost: num.optional() }),
  front: z.array(FrontPointSchema),
  knee: z.int().min(0).nullable(),
  hypervolume: z.array(num),
  /** Minimised objective vectors of the archive's front per generation, in the order of `objectives`. */
  generations: z.array(z.looseObject({ generation: z.int(), hypervolume: num, front: z.array(z.array(num)).optional() })),
  /** Names of the minimised objectives; "-name" is a maximised quantity negated. */
  objectives: z.array(z.string()).optional(),
  objective: z.enum(['reward', 'accuracy']),
  alpha: num,
  batchSize: z.int().min(1),
  /** The engine that ran the genomes and the test phase (absent in searches older than engines). */
  engine: EngineDeviceSchema.optional(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

// ---------------------------------------------------------------- export

/** The export job's result.json (and `skipvit export --json`). */
export const ExportResultSchema = z.looseObject({
  /** The exported folder. */
  out: z.string(),
  /** config.json as written (export/config.ts). */
  config: z.record(z.string(), z.unknown()),
  accuracy: num,
  meanExecutedCost: num,
  model: z.string().optional(),
  sourceRun: z.string().optional(),
  point: z.int().optional(),
  backend: z.string().nullable().optional(),
  /** format onnx: the .onnx file written beside the model and its check in onnxruntime against tfjs. */
  onnx: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type ExportResult = z.infer<typeof ExportResultSchema>;

/** Parses a result document; a wrong or older one fails with a sentence naming what is off. */
export function parseResult<S extends z.ZodType>(schema: S, doc: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(doc);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = issue.path.length ? `"${issue.path.join('.')}"` : 'the document';
  throw new Error(`this ${what} result does not fit: ${at} ${issue.message}; it was written by another version of the studio`);
}
