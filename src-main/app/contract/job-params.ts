/**
 * Parameters of every built-in job kind, as zod schemas (pure: no Node imports, so the renderer can
 * build its forms from them). The runner validates `jobsStart.params` against `JOB_PARAMS[kind]`.
 *
 * Why no file paths: requests can come over HTTP, so a job names models and runs by workspace id and
 * datasets by catalogue name; nothing here can point outside the workspace. Folder datasets and
 * arbitrary output folders are CLI-only.
 */
import { z } from 'zod';
import { DEFAULT_SEARCH_OBJECTIVE, SEARCH_OBJECTIVES } from '../../core/search/vit-objective';
import { ADVANTAGE_MODES, REWARD_MODES } from '../../core/train/modes';

/** A run id: lower-case letters, digits and '-' (e.g. `train-20250101-120000-ab12`). Never a path. */
export const RunIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,79}$/, "must be a run id (lower-case letters, digits and '-'), not a path");

/** A model id: a workspace model (`[A-Za-z0-9_-]`) or a read-only demo model (`demo:<name>`). Never a path. */
export const ModelIdSchema = z
  .string()
  .regex(/^(demo:)?[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/, "must be a model id (letters, digits, '-', '_'), not a path");

/** A catalogue dataset name (e.g. `fashion-mnist`, `cifar10`); see `skipvit datasets list`. */
export const DatasetNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a dataset name from the catalogue, not a path');

/** A model preset name (e.g. `tiny`, `small`). */
export const PresetSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be a preset name');

const seed = z.int().min(0).max(2 ** 31 - 1).default(0);
/** The tensor backend the job runs on: auto picks the fastest that works here (core/backend.ts). */
export const BACKEND_CHOICES = ['auto', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
const backend = z.enum(BACKEND_CHOICES).default('auto');
/** The WebGPU adapter kind allowed: a real GPU, or a software one (SwiftShader: tests only). */
export const ADAPTER_CHOICES = ['hardware', 'software'] as const;
const adapter = z.enum(ADAPTER_CHOICES).default('hardware');
/** The per-layer costs the agent's reward charges: the model's costs, or FLOP-proportional (1/L each). */
export const REWARD_COSTS = ['model', 'flops'] as const;
/** Keep only these class indices, relabelled 0..k-1. */
const classes = z.array(z.int().min(0).max(100_000)).min(2).max(1000).optional();
const epochs = z.int().min(1).max(10_000);
const batchSize = z.int().min(1).max(4096);
const learningRate = z.number().positive().max(10);
const samples = z.int().min(1).max(10_000_000);
const modelName = z.string().min(1).max(120);
/** Inference engine: the studio's tfjs, or onnxruntime running the model exported to ONNX (issue 19). */
const engine = z.enum(['tfjs', 'ort']).default('tfjs');
/** onnxruntime intra-op threads; default the machine's cores. */
const threads = z.int().min(1).max(256).optional();
/** Worker threads, one core each; default every core (the benchmark: 1, its single-stream mode). */
const workers = z.int().min(1).max(256).optional();
/** Data and checkpoint knobs shared by the training kinds (quick runs, tests). */
const trainingData = {
  /** Use only this many training images. */
  maxTrainSamples: samples.optional(),
  /** Fraction of the training set held out for validation (default 0.1). */
  valFraction: z.number().gt(0).max(0.5).optional(),
  /** Evaluate the final model on at most this many test images. */
  maxTestSamples: samples.optional(),
  /** Save a checkpoint every N steps (and at each epoch's end); default 200. */
  checkpointEvery: z.int().min(1).max(1_000_000).optional(),
};

/** What every training kind takes besides its own knobs: data, seed, engine, and the produced model's name. */
const trainingRun = {
  classes,
  ...trainingData,
  seed,
  backend,
  adapter,
  workers,
  /** Display name of the produced model. */
  name: modelName.optional(),
};

export const TrainParams = z.strictObject({
  dataset: DatasetNameSchema.default('fashion-mnist'),
  preset: PresetSchema.default('micro'),
  epochs: epochs.default(1),
  batchSize: batchSize.optional(),
  learningRate: learningRate.optional(),
  /** LayerDrop: chance that a layer is skipped per image in training, so the backbone tolerates skipping. */
  layerDrop: z.number().min(0).max(0.9).default(0),
  /** Decoupled weight decay on weight matrices (default 0.05). */
  weightDecay: z.number().min(0).max(1).optional(),
  /** Label smoothing of the cross-entropy (default 0.1). */
  labelSmoothing: z.number().min(0).max(0.5).optional(),
  /** Random-crop / flip augmentation of the training images. */
  augment: z.boolean().default(true),
  ...trainingRun,
});

export const AgentParams = z.strictObject({
  model: ModelIdSchema,
  /** Dataset to train on; default the model's own (a different one = transfer learning, new head). */
  dataset: DatasetNameSchema.optional(),
  alpha: z.number().min(0).max(100).default(3),
  gamma: z.number().min(0).max(1).default(0.9),
  /** What the reward pays for the prediction: p(label) (ours) or 1[correct] (the thesis); see core/train/types.ts. */
  reward: z.enum(REWARD_MODES).default('confidence'),
  /** The policy gradient's advantage: baseline (ours, G - V) or reference (the thesis); see core/train/rl.ts. */
  advantage: z.enum(ADVANTAGE_MODES).default('baseline'),
  epochs: epochs.default(1),
  batchSize: batchSize.optional(),
  /** Learning rate of the gates and value heads (default 1e-3). */
  learningRate: learningRate.optional(),
  /** Learning rate of the backbone's joint fine-tuning (default 1e-4). */
  backboneLr: learningRate.optional(),
  /** Entropy bonus, decayed to 0 over the run (default 0.01). */
  entropy: z.number().min(0).max(10).optional(),
  /** Train the agent only; the backbone stays as it is. */
  freezeBackbone: z.boolean().default(false),
  /** Weight of a distillation KL term from the starting model run with every layer (absent: off). */
  distill: z.number().min(0).max(100).optional(),
  /** Temperature of the distillation term. */
  distillTemperature: z.number().positive().max(100).default(2),
  /** Over these first epochs the agent decides 1 .. all of the last layers; the others run. */
  curriculumEpochs: z.int().min(0).max(10_000).default(0),
  /** Epochs after the agent's with the gates frozen and greedy, fine-tuning the backbone on their paths. */
  consolidationEpochs: z.int().min(0).max(10_000).default(0),
  rewardCosts: z.enum(REWARD_COSTS).default('model'),
  /** A fresh classifier head for the dataset's classes (transfer); default: when the dataset is not the model's. */
  newHead: z.boolean().optional(),
  ...trainingRun,
});

export const EvalParams = z.strictObject({
  model: ModelIdSchema,
  dataset: DatasetNameSchema.optional(),
  split: z.enum(['train', 'val', 'test']).default('test'),
  batchSize: batchSize.optional(),
  maxSamples: samples.optional(),
  /** Run every layer (the static path) instead of the gates. */
  static: z.boolean().default(false),
  /** Evaluate a model whose training has not finished (its best-so-far weights). */
  allowIncomplete: z.boolean().default(false),
  /** Add the Skips view's gallery (test images as PNGs with the layers each ran). */
  gallery: z.boolean().default(true),
  backend,
  adapter,
  engine,
  threads,
  workers,
});

export const BenchParams = z.strictObject({
  /** A model to benchmark on real data; absent = a random model with forced keep masks. */
  model: ModelIdSchema.optional(),
  dataset: DatasetNameSchema.optional(),
  /** Random-model mode: its preset and the fraction of layers each sample keeps. */
  preset: PresetSchema.optional(),
  keep: z.number().min(0).max(1).optional(),
  batches: z.array(batchSize).min(1).max(16).default([1, 8, 32, 128, 256]),
  /** Timed-run budget per batch size and model, in seconds. */
  budgetSeconds: z.number().positive().max(3600).optional(),
  /** Model mode: a separate static model to compare against (default: the model's own static path). */
  staticModel: ModelIdSchema.optional(),
  /** Model mode: the split to run on. */
  split: z.enum(['test', 'val']).default('test'),
  /** Model mode: images per batch size to run, at most the split. */
  images: samples.optional(),
  /** Model mode: telemetry sampling interval in ms. */
  intervalMs: z.int().min(10).max(60_000).optional(),
  /** With a model: compare engines (static and dynamic on tfjs and on onnxruntime) instead of the telemetry run. */
  engines: z.boolean().default(false),
  /** onnxruntime thread counts for the engine comparison. */
  ortThreads: z.array(z.int().min(1).max(256)).min(1).max(8).default([1, 2]),
  seed,
  backend,
  adapter,
  /** Compare engines: the same benchmark on each of these backends in turn; the result lists them in `backends`. */
  backends: z.array(z.enum(BACKEND_CHOICES)).min(1).max(5).optional(),
  /** More than 1 (with a model): the throughput mode, that many streams at once. */
  workers,
});

export const SearchParams = z.strictObject({
  model: ModelIdSchema,
  dataset: DatasetNameSchema.optional(),
  pop: z.int().min(4).max(1000).default(24),
  gens: z.int().min(1).max(1000).default(10),
  /** Validation images each genome is evaluated on (default 2000). */
  maxSamples: samples.optional(),
  /** Test images for the final front's re-evaluation (default: the whole test split). */
  maxTestSamples: samples.optional(),
  /** Reward cost weight; default the alpha the model's agent was trained with, else 3. */
  alpha: z.number().min(0).max(100).optional(),
  /** Objective 1: plain accuracy (the default) or the RL reward (accuracy - alpha * executed cost); see core/search/vit-objective.ts. */
  objective: z.enum(SEARCH_OBJECTIVES).default(DEFAULT_SEARCH_OBJECTIVE),
  /** Add measured latency as a third objective. */
  latency: z.boolean().default(false),
  /** Gate biases range over [-biasRange, biasRange]. */
  biasRange: z.number().positive().max(100).default(4),
  /** Images per forward pass (default 256). */
  batchSize: batchSize.optional(),
  engine,
  threads,
  seed,
  backend,
  adapter,
  workers,
});

export const ExportParams = z.strictObject({
  /** The search run whose front holds the point. */
  run: RunIdSchema,
  /** Index into the run's `front[]`, or the suggested knee. */
  point: z.union([z.int().min(0).max(100_000), z.literal('knee')]),
  name: modelName.optional(),
  /** 'folder': a workspace model (tfjs); 'onnx': also one .onnx file in that model's folder (model.onnx). */
  format: z.enum(['folder', 'onnx']).default('folder'),
});

/** Download a catalogue dataset (CIFAR-10/100, Tiny-ImageNet) into the data root, verified. */
export const DatasetFetchParams = z.strictObject({
  name: DatasetNameSchema,
});

/** The built-in job kinds and their parameter schemas. */
export const JOB_PARAMS = {
  train: TrainParams,
  agent: AgentParams,
  eval: EvalParams,
  bench: BenchParams,
  search: SearchParams,
  export: ExportParams,
  'dataset-fetch': DatasetFetchParams,
} as const;

export type BuiltinKind = keyof typeof JOB_PARAMS;
/** What a caller sends (defaults optional). */
export type JobParamsInput<K extends BuiltinKind> = z.input<(typeof JOB_PARAMS)[K]>;
/** What a job receives (defaults filled in). */
export type JobParams<K extends BuiltinKind> = z.output<(typeof JOB_PARAMS)[K]>;
