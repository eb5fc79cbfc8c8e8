/**
 * config.json of an exported search point (SPEC 8): what was exported, from where, how inputs must be
 * preprocessed, which layers were removed, the gate biases, the costs, and the metrics measured for it and
 * on what backend and hardware. Schema-versioned; importExport() refuses any other version.
 */
import { z } from 'zod';

export const EXPORT_SCHEMA_VERSION = 1;
export const EXPORT_FORMAT = 'skipvit-export';

const num = z.number().refine(Number.isFinite, 'must be a finite number');
const int = z.int().min(0);

const Hardware = z.looseObject({ cpuModel: z.string(), cpuCores: int, platform: z.string(), arch: z.string(), nodeVersion: z.string() });

export const ExportConfigSchema = z.object({
  schemaVersion: z.literal(EXPORT_SCHEMA_VERSION),
  format: z.literal(EXPORT_FORMAT),
  createdAt: z.string(),
  files: z.object({ model: z.string(), weights: z.string(), report: z.string(), charts: z.array(z.string()) }),
  source: z.object({
    /** The searched (unpruned) model folder. */
    model: z.string(),
    /** Workspace run id of the search, or null. */
    run: z.string().nullable(),
    /** The search result file, when exported from a file. */
    resultFile: z.string().nullable(),
    /** Index of the point on the search's front, and whether it was the suggested knee. */
    point: int,
    knee: z.boolean(),
  }),
  /** The exported network: the ViT config with depth = kept layers, its parameter count and weight bytes. */
  architecture: z.looseObject({
    imageSize: int,
    channels: int,
    patchSize: int,
    dim: int,
    depth: int,
    heads: int,
    mlpRatio: num,
    numClasses: int,
    gateHidden: int,
    costs: z.enum(['reference', 'uniform']),
    sourceDepth: int,
    parameters: int,
    weightsBytes: int,
  }),
  dataset: z.object({
    name: z.string(),
    classNames: z.array(z.string()),
    height: int,
    width: int,
    channels: int,
    /** input[c] = (pixel / 255 - mean[c]) / std[c], NHWC. */
    preprocessing: z.object({ layout: z.literal('NHWC'), scale: num, mean: z.array(num), std: z.array(num) }),
  }),
  layers: z.object({
    sourceDepth: int,
    /** Original indices of the layers kept, in order; layer k of the exported model is kept[k]. */
    kept: z.array(int),
    pruned: z.array(int),
    /** Gate bias of each kept layer (added to its run-minus-skip logit margin). */
    gateBias: z.array(num),
    /** c_l of each kept layer, and of every original layer. */
    costs: z.array(num),
    sourceCosts: z.array(num),
  }),
  search: z.looseObject({ objective: z.string(), alpha: num }),
  metrics: z.object({
    /** As the search measured this point: validation numbers it was selected on, test numbers re-evaluated after. */
    search: z.object({ valAccuracy: num, valReward: num, valExecutedCost: num, testAccuracy: num, testExecutedCost: num }),
    baseline: z.object({ accuracy: num, meanExecutedCost: num }),
    static: z.object({ accuracy: num }),
    /** The exported files, loaded back and run on the same test images at export time. */
    measured: z.object({
      split: z.literal('test'),
      images: int,
      accuracy: num,
      /** Fraction of the ORIGINAL model's total layer cost (pruned layers count as not run). */
      meanExecutedCost: num,
      meanExecutedLayers: num,
      imagesPerSec: num,
      batchSize: int,
      /** Whether accuracy and executed cost equal the search's test numbers exactly. */
      matchesSearch: z.boolean(),
      backend: z.string().nullable(),
      hardware: Hardware,
    }),
  }),
});

export type ExportConfig = z.infer<typeof ExportConfigSchema>;
