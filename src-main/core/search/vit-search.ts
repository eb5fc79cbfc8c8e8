/**
 * The RL-aware NSGA-II post-training search of a dynamic ViT (SPEC 2, issue 8).
 *
 * Genome: per-layer prune bit + per-layer gate bias (vit-genome.ts). Objectives, all measured by running the
 * dynamic model through the gather/scatter executor on the first `valImages` images of the VALIDATION split
 * (vit-evaluator.ts), all minimised:
 *   1. -accuracy (default), or -mean RL reward (accuracy - alpha * mean executed sum of c_l) with objective
 *      'reward'. Accuracy is the default because reward already charges alpha per unit of cost: against
 *      cost, a reward front keeps only the points whose extra cost buys more than alpha in accuracy, which
 *      collapses it to the cheap end (seen on the test models), while the accuracy front is the whole
 *      trade-off a user picks from. Either way the GA sees the agent's skipping, since every genome is
 *      scored by running the gates.
 *   2. mean executed layer cost as a fraction of the total (pruned layers count as not run);
 *   3. (optional) measured latency, ms per image at the evaluation batch size.
 * Genomes that prune every layer are infeasible (constraint violation 1): nothing would be left to export.
 *
 * Reported fronts and hypervolumes are those of the ARCHIVE: the non-dominated set of every feasible genome
 * evaluated so far. That is what the user can pick from, and its hypervolume never decreases (the
 * population's rank-0 set can lose a point to crowding truncation when it outgrows the population).
 * Reference point, fixed before the search starts: the worst possible value of each objective plus 10% of
 * its range, i.e. accuracy: 0.1 (= accuracy -0.1); reward: alpha*T + 0.1*(1 + alpha*T) with T the sum of
 * the layer costs (= every image wrong with every layer run, minus a margin); executed cost: 1.1;
 * latency: twice the unpruned model's latency measured at the start.
 *
 * The final front is then re-evaluated on the TEST split with evaluate(), so the numbers the user picks
 * from are unbiased by the selection; the knee and high trade-off points are chosen on validation numbers.
 */
import os from 'node:os';
import path from 'node:path';
import { backendInfo, type AdapterInfo } from '../backend';
import { checkValidationSplit, loadDatasetForModel, normalizeBatch, type Dataset, type ValidationSplit } from '../data';
import { inferenceOf } from '../model/inference';
import { datasetFor, loadModel, type ModelMeta } from '../model/io';
import type { ViT } from '../model/vit';
import { openEngine, type EngineDevice, type EngineName } from '../inference/open';
import { InferPool } from '../parallel/infer-pool';
import { evaluateOn, type EvalResult } from '../train/evaluate';
import { hypervolume } from './hypervolume';
import { highTradeoffPoints, kneePoint } from './knee';
import { nonDominatedSort } from './non-dominated-sort';
import { nsga2 } from './nsga2';
import { createGenomeEvaluator, prepareSplit, type EvaluatedGenome, type PreparedSplit } from './vit-evaluator';
import { unprunedGenome, vitGenomeSpec } from './vit-genome';
import { DEFAULT_SEARCH_OBJECTIVE, SEARCH_OBJECTIVES, type SearchObjective } from './vit-objective';
import { CancelledError } from '../util/cancel';

export const SEARCH_RESULT_SCHEMA_VERSION = 1;

export interface VitSearchOptions {
  /** Model folder (model.json + weights.bin); a dynamic model, whose gates the biases shift. */
  model: string;
  /** The data, already loaded (tests); default: the model's dataset with its own validation split (loadDatasetForModel). */
  data?: Dataset;
  /** Dataset name; default the one recorded in the model. */
  dataset?: string;
  /** Population size. Default 24. */
  pop?: number;
  /** Generations after the initial population. Default 10. */
  gens?: number;
  /** Validation images each genome runs on (the first N of the split). Default 2000. */
  valImages?: number;
  /** Test images for the final re-evaluation (the first N). Default: the whole test split. */
  testImages?: number;
  /** Reward cost weight; default the model's training alpha (meta.agent.alpha), else 3 (the reference). */
  alpha?: number;
  /** Objective 1: plain accuracy (DEFAULT_SEARCH_OBJECTIVE) or the mean RL reward; see vit-objective.ts. */
  objective?: SearchObjective;
  /** Add measured latency as a third objective (makes the search timing-dependent, not repeatable). */
  latency?: boolean;
  /** Gate biases range over [-biasRange, biasRange]. Default 4. */
  biasRange?: number;
  /** Seed of the NSGA-II random stream. Default 0. */
  seed?: number;
  /** Images per forward pass. Default 256. */
  batchSize?: number;
  /** Inference engine that runs every genome and the test phase: 'tfjs' (default) or 'ort' (onnxruntime). */
  engine?: EngineName;
  /** onnxruntime intra-op threads; default the machine's cores. */
  threads?: number;
  /** Workspace run id the result belongs to, if any. */
  run?: string | null;
}

export interface VitSearchHooks {
  signal?: AbortSignal;
  /**
   * Worker threads for the genome and test evaluations (default 1: this thread); the results do not
   * depend on it. With the latency objective the search stays in one thread (timings must not share cores).
   */
  workers?: number;
  onProgress?(fraction: number, message: string): void;
  onGeneration?(g: GenerationSummary): void;
}

/** One generation as reported: the archive's front (minimised objective vectors) and its hypervolume. */
export interface GenerationSummary {
  generation: number;
  /** Engine requests so far (cache hits included). */
  evaluations: number;
  /** Distinct genomes run so far. */
  uniqueEvaluations: number;
  front: number[][];
  hypervolume: number;
}

/** One genome and what it scored on validation. */
interface GenomeOnValidation {
  /** Original indices of the pruned layers. */
  prunedLayers: number[];
  /** [L] gate bias per original layer (0 for pruned layers). */
  gateBias: number[];
  valAccuracy: number;
  valReward: number;
  valExecutedCost: number;
  valExecutedLayers: number;
  valLatencyMs: number;
  /** Minimised objective vector on validation. */
  objectives: number[];
}

export interface FrontPoint extends GenomeOnValidation {
  /** Position in `front` (sorted by validation executed cost, ascending). */
  index: number;
  /** Test accuracy. */
  accuracy: number;
  /** Test mean executed layer cost, fraction of the total. */
  meanExecutedCost: number;
  meanExecutedLayers: number;
  prunedFraction: number;
  /** Id in `evaluated`. */
  evaluation: number;
}

export interface EvaluatedRecord extends GenomeOnValidation {
  id: number;
  generation: number;
  feasible: boolean;
}

export interface VitSearchResult {
  schemaVersion: number;
  kind: 'vit-search';
  run: string | null;
  /** Absolute path of the searched model folder. */
  model: string;
  modelKind: ModelMeta['kind'];
  depth: number;
  costs: number[];
  dataset: { name: string; source: string; classNames: string[] };
  /** val.split: the held-out images the genomes were scored on (the model's own, data/validation-split.ts). */
  splits: { val: { images: number; of: number; split: ValidationSplit | null }; test: { images: number; of: number } };
  /** The unpruned dynamic model (zero bias): test accuracy and executed cost, plus its validation numbers. */
  baseline: {
    accuracy: number;
    meanExecutedCost: number;
    meanExecutedLayers: number;
    valAccuracy: number;
    valReward: number;
    valExecutedCost: number;
  };
  /** The static path (every layer) on test. */
  static: { accuracy: number; meanExecutedCost: number };
  front: FrontPoint[];
  knee: number | null;
  highTradeoff: number[];
  generations: GenerationSummary[];
  hypervolume: number[];
  /** Names of the minimised objectives, in vector order. */
  objectives: string[];
  referencePoint: number[];
  referencePointRule: string;
  evaluated: EvaluatedRecord[];
  pop: number;
  gens: number;
  seed: number;
  alpha: number;
  alphaSource: 'option' | 'model' | 'reference';
  objective: SearchObjective;
  latency: boolean;
  biasRange: number;
  batchSize: number;
  backend: string | null;
  /** webgpu: the GPU adapter the search ran on. */
  adapter: AdapterInfo | null;
  /** The engine that ran the genomes and the test phase, its device and threads. */
  engine: EngineDevice;
  hardware: { cpuModel: string; cpuCores: number; platform: string; arch: string; nodeVersion: string };
  /** Engine requests (cache hits included), distinct genomes run, and cache hits. */
  evaluations: number;
  uniqueEvaluations: number;
  cacheHits: number;
  /** Distinct genomes run per second of search (validation phase). */
  evaluationsPerSec: number;
  /** Validation images per second during the search. */
  imagesPerSec: number;
  searchSeconds: number;
  testSeconds: number;
  wallSeconds: number;
  createdAt: string;
}

export function hardwareSummary(): VitSearchResult['hardware'] {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCores: cpus.length,
    platform: process.platform,
    arch: process.arch,
    nodeVersion: process.version,
  };
}

/** Checks that a dataset fits a model's input and output. */
export function checkDataFits(data: Dataset, model: ViT, modelDir: string): void {
  const c = model.config;
  const i = data.info;
  if (i.height !== c.imageSize || i.width !== c.imageSize || i.channels !== c.channels) {
    throw new Error(
      `dataset "${i.name}" has ${i.height}x${i.width}x${i.channels} images, but the model at ${modelDir} takes ${c.imageSize}x${c.imageSize}x${c.channels}`,
    );
  }
  if (i.classNames.length !== c.numClasses) {
    throw new Error(`dataset "${i.name}" has ${i.classNames.length} classes, but the model at ${modelDir} has ${c.numClasses} outputs`);
  }
}

function positiveInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`search: ${name} must be a positive integer, got ${v}`);
  return v;
}

/** The non-dominated feasible records, one per distinct objective vector (the earliest evaluated). */
function archiveFront(records: EvaluatedGenome[]): EvaluatedGenome[] {
  const feasible = records.filter((r) => r.feasible);
  if (feasible.length === 0) return [];
  const first = nonDominatedSort(feasible.map((r) => r.objectives))[0];
  const seen = new Set<string>();
  return first
    .map((i) => feasible[i])
    .sort((a, b) => a.id - b.id)
    .filter((r) => {
      const k = r.objectives.join(',');
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}

export async function runSearch(opts: VitSearchOptions, hooks: VitSearchHooks = {}): Promise<VitSearchResult> {
  const t0 = performance.now();
  const pop = positiveInt(opts.pop ?? 24, 'pop');
  if (pop < 2) throw new Error('search: pop must be at least 2');
  const gens = opts.gens ?? 10;
  if (!Number.isInteger(gens) || gens < 0) throw new Error(`search: gens must be an integer >= 0, got ${gens}`);
  const batchSize = positiveInt(opts.batchSize ?? 256, 'batchSize');
  const objective = opts.objective ?? DEFAULT_SEARCH_OBJECTIVE;
  if (!SEARCH_OBJECTIVES.includes(objective))
    throw new Error(`search: objective must be "reward" or "accuracy", got "${objective}"`);
  const latency = opts.latency ?? false;
  const biasRange = opts.biasRange ?? 4;
  const seed = opts.seed ?? 0;
  const modelDir = path.resolve(opts.model);
  const progress = hooks.onProgress ?? (() => {});

  const { model, meta } = await loadModel(modelDir);
  let engine: Awaited<ReturnType<typeof openEngine>> | null = null;
  let pool: InferPool | null = null;
  try {
    if (meta.sourceLayers) {
      throw new Error(
        `${modelDir} is an exported search point (layers ${meta.sourceLayers.join(', ')} of ${meta.sourceDepth} kept); search the original model instead`,
      );
    }
    const agentAlpha = (meta.agent as { alpha?: unknown } | undefined)?.alpha;
    const alphaSource: VitSearchResult['alphaSource'] =
      opts.alpha !== undefined ? 'option' : typeof agentAlpha === 'number' ? 'model' : 'reference';
    const alpha = opts.alpha ?? (typeof agentAlpha === 'number' ? agentAlpha : 3);
    if (!(alpha >= 0 && Number.isFinite(alpha))) throw new Error(`search: alpha must be a number >= 0, got ${alpha}`);

    const datasetName = opts.data?.info.name ?? datasetFor(modelDir, meta, opts.dataset, 'a dataset');
    progress(0, `loading ${datasetName}`);
    const data = opts.data ?? (await loadDatasetForModel(modelDir, meta.validationSplit, datasetName));
    checkValidationSplit(modelDir, meta.validationSplit, data);
    checkDataFits(data, model, modelDir);
    if (data.val.count === 0) throw new Error(`dataset "${datasetName}" has an empty validation split; the search needs held-out images`);
    if (data.test.count === 0) throw new Error(`dataset "${datasetName}" has an empty test split`);
    const valImages = Math.min(positiveInt(opts.valImages ?? 2000, 'valImages'), data.val.count);
    const testImages = Math.min(positiveInt(opts.testImages ?? data.test.count, 'testImages'), data.test.count);

    const L = model.depth;
    const totalCost = model.costs.reduce((a, b) => a + b, 0);
    engine = await openEngine(opts.engine ?? 'tfjs', model, { ...meta, gateBias: undefined }, modelDir, { threads: opts.threads });
    const split: PreparedSplit = prepareSplit(data.val, data.info, valImages, batchSize);
    // Worker threads are tfjs's way to use more cores; onnxruntime uses its own intra-op threads.
    if ((hooks.workers ?? 1) > 1 && !latency && engine.name === 'tfjs') {
      pool = await InferPool.start(model, hooks.workers!);
      const idx = Int32Array.from({ length: valImages }, (_, i) => i);
      await pool.setSplit(normalizeBatch(data.val, data.info, idx), data.val.labels.slice(0, valImages), valImages, batchSize);
    }
    const plannedRequests = pop * (gens + 1);
    // Progress share of the search phase: its images against the test phase's (front size guessed as pop/2).
    const testWork = (Math.ceil(pop / 2) + 2) * testImages;
    const searchShare = (plannedRequests * valImages) / (plannedRequests * valImages + testWork);
    const evaluator = createGenomeEvaluator(engine, split, {
      alpha,
      objective,
      latency,
      pool: pool ?? undefined,
      onEvaluated: () =>
        progress(
          searchShare * Math.min(1, evaluator.requests() / plannedRequests),
          `${evaluator.requests()}/${plannedRequests} genomes (${evaluator.records.length} distinct)`,
        ),
    });

    const tSearch = performance.now();
    // The seed genome first: its latency fixes the reference point of the latency objective.
    const seedGenome = unprunedGenome(L);
    const base = await evaluator.measure(seedGenome, 0);
    const referencePoint = [
      objective === 'reward' ? alpha * totalCost + 0.1 * (1 + alpha * totalCost) : 0.1,
      1.1,
      ...(latency ? [2 * base.latencyMs] : []),
    ];
    const generations: GenerationSummary[] = [];
    const run = await nsga2(vitGenomeSpec(L, biasRange), evaluator.evaluate, {
      popSize: pop,
      generations: gens,
      seed,
      initial: [seedGenome],
      signal: hooks.signal,
      onGeneration: (rec) => {
        const front = archiveFront(evaluator.records).map((r) => r.objectives.slice());
        const g: GenerationSummary = {
          generation: rec.generation,
          evaluations: rec.evaluations,
          uniqueEvaluations: evaluator.records.length,
          front,
          hypervolume: hypervolume(front, referencePoint),
        };
        generations.push(g);
        hooks.onGeneration?.(g);
      },
    });
    if (run.aborted) throw new CancelledError();
    const searchSeconds = (performance.now() - tSearch) / 1000;

    // Test phase: baseline, static, then every front point, each with evaluate() on the same test images.
    const tTest = performance.now();
    const chosen = archiveFront(evaluator.records).sort(
      (a, b) => a.executedCost - b.executedCost || b.accuracy - a.accuracy || a.id - b.id,
    );
    const testRuns = chosen.length + 2;
    let testDone = 0;
    const onTest = async (label: string, o: Parameters<typeof evaluateOn>[3]): Promise<EvalResult> => {
      const r = await evaluateOn(engine!, data.test, data.info, {
        ...o,
        batchSize,
        limit: testImages,
        signal: hooks.signal,
        pool: pool ?? undefined,
        onProgress: (d, t) => progress(searchShare + (1 - searchShare) * ((testDone + d / t) / testRuns), `test: ${label}`),
      }, model);
      testDone++;
      return r;
    };
    const baselineTest = await onTest('unpruned dynamic model', { mode: 'dynamic' });
    const staticTest = await onTest('static model', { mode: 'static' });
    const front: FrontPoint[] = [];
    for (const r of chosen) {
      const t = await onTest(`front point ${front.length + 1}/${chosen.length}`, {
        mode: 'dynamic',
        inference: { ...inferenceOf(model, meta), bias: r.choice.bias, pruned: r.choice.pruned },
      });
      front.push({
        index: front.length,
        accuracy: t.accuracy,
        meanExecutedCost: t.meanExecutedCost,
        meanExecutedLayers: t.meanExecutedLayers,
        valAccuracy: r.accuracy,
        valReward: r.reward,
        valExecutedCost: r.executedCost,
        valExecutedLayers: r.executedLayers,
        valLatencyMs: r.latencyMs,
        prunedLayers: r.prunedLayers,
        prunedFraction: r.prunedLayers.length / L,
        gateBias: r.choice.bias,
        objectives: r.objectives,
        evaluation: r.id,
      });
    }
    const frontObjectives = front.map((p) => p.objectives);
    const knee = kneePoint(frontObjectives);
    const testSeconds = (performance.now() - tTest) / 1000;
    const unique = evaluator.records.length;
    const objectiveNames = [
      objective === 'reward' ? `-validation reward (accuracy - ${alpha} * executed sum of c_l)` : '-validation accuracy',
      'validation executed cost (fraction of all layers)',
      ...(latency ? ['validation latency (ms per image)'] : []),
    ];
    progress(1, `${front.length} points on the front`);
    return {
      schemaVersion: SEARCH_RESULT_SCHEMA_VERSION,
      kind: 'vit-search',
      run: opts.run ?? null,
      model: modelDir,
      modelKind: meta.kind,
      depth: L,
      costs: model.costs,
      dataset: { name: data.info.name, source: data.info.source, classNames: data.info.classNames },
      splits: { val: { images: valImages, of: data.val.count, split: data.valSplit ?? null }, test: { images: testImages, of: data.test.count } },
      baseline: {
        accuracy: baselineTest.accuracy,
        meanExecutedCost: baselineTest.meanExecutedCost,
        meanExecutedLayers: baselineTest.meanExecutedLayers,
        valAccuracy: base.accuracy,
        valReward: base.reward,
        valExecutedCost: base.executedCost,
      },
      static: { accuracy: staticTest.accuracy, meanExecutedCost: 1 },
      front,
      knee: knee >= 0 ? knee : null,
      highTradeoff: highTradeoffPoints(frontObjectives),
      generations,
      hypervolume: generations.map((g) => g.hypervolume),
      objectives: objectiveNames,
      referencePoint,
      referencePointRule: "worst possible value of each objective + 10% of its range (latency: 2 x the unpruned model's measured latency)",
      evaluated: evaluator.records.map((r) => ({
        id: r.id,
        generation: r.generation,
        prunedLayers: r.prunedLayers,
        gateBias: r.choice.bias,
        valAccuracy: r.accuracy,
        valReward: r.reward,
        valExecutedCost: r.executedCost,
        valExecutedLayers: r.executedLayers,
        valLatencyMs: r.latencyMs,
        objectives: r.objectives,
        feasible: r.feasible,
      })),
      pop,
      gens,
      seed,
      alpha,
      alphaSource,
      objective,
      latency,
      biasRange,
      batchSize,
      backend: backendInfo()?.name ?? null, adapter: backendInfo()?.adapter ?? null,
      engine: engine.device,
      hardware: hardwareSummary(),
      evaluations: run.evaluated.length,
      uniqueEvaluations: unique,
      cacheHits: run.evaluated.length - unique,
      evaluationsPerSec: unique / searchSeconds,
      imagesPerSec: (unique * valImages) / searchSeconds,
      searchSeconds,
      testSeconds,
      wallSeconds: (performance.now() - t0) / 1000,
      createdAt: new Date().toISOString(),
    };
  } finally {
    await pool?.close();
    await engine?.dispose();
    model.dispose();
  }
}
