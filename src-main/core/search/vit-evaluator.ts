/**
 * The objectives of the ViT search, measured by running the dynamic model (the gather/scatter executor on
 * tfjs, or the dynamic ONNX graph on onnxruntime: see inference/engine.ts) on a held-out split. The images
 * are normalised once; every genome then runs over the same batches. Results are cached by genome key,
 * because NSGA-II offspring often repeat a parent exactly (a bit-flip that undoes a crossover, a mutation of a pruned layer's bias).
 */
import { normalizeBatch, type DatasetInfo, type ImageSet } from '../data';
import type { InferenceEngine } from '../inference/engine';
import type { InferPool } from '../parallel/infer-pool';
import type { BatchEvaluator, Evaluation, Genome } from './types';
import { throwIfCancelled } from '../util/cancel';
import type { SearchObjective } from './vit-objective';
import { decodeGenome, genomeKey, prunedLayersOf, type LayerChoice } from './vit-genome';
import { keepIndex } from '../model/keep-mask';

/** A split's first `count` images, normalised, ready for repeated evaluation. */
export interface PreparedSplit {
  batches: { images: Float32Array; size: number; labels: Int32Array }[]; // images: [size, H, W, C]
  count: number;
}

export function prepareSplit(set: ImageSet, info: DatasetInfo, count: number, batchSize: number): PreparedSplit {
  const n = Math.min(count, set.count);
  const batches: PreparedSplit['batches'] = [];
  for (let from = 0; from < n; from += batchSize) {
    const size = Math.min(batchSize, n - from);
    const idx = Int32Array.from({ length: size }, (_, i) => from + i);
    batches.push({ images: normalizeBatch(set, info, idx), size, labels: set.labels.slice(from, from + size) });
  }
  return { batches, count: n };
}

/** What one genome scores on the prepared split. */
export interface GenomeMetrics {
  accuracy: number;
  /** Mean executed layer cost as a fraction of the total (pruned layers count as not run). */
  executedCost: number;
  /** Mean RL reward: accuracy - alpha * mean sum of executed c_l (the agent's own validation score). */
  reward: number;
  /** Mean executed layers per image. */
  executedLayers: number;
  /** Wall time of the forward passes (host syncs included) per image, in ms, at the split's batch size. */
  latencyMs: number;
}

/** Runs the dynamic model with one layer choice over every batch. */
export async function measureChoice(engine: InferenceEngine, split: PreparedSplit, choice: LayerChoice, alpha: number): Promise<GenomeMetrics> {
  const L = engine.depth;
  const costs = engine.costs;
  const totalCost = costs.reduce((a, b) => a + b, 0);
  let correct = 0;
  let costSum = 0; // sum over images of the executed cost fraction
  let layerSum = 0;
  let ms = 0;
  const K = engine.numClasses;
  for (const { images, size, labels } of split.batches) {
    const t = performance.now();
    const { logits, executed } = await engine.run(images, size, { mode: 'dynamic', bias: choice.bias, pruned: choice.pruned });
    ms += performance.now() - t;
    for (let i = 0; i < labels.length; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (logits[i * K + k] > logits[i * K + best]) best = k;
      if (best === labels[i]) correct++;
      let c = 0;
      for (let l = 0; l < L; l++) {
        if (executed[keepIndex(i, l, L)]) {
          c += costs[l];
          layerSum++;
        }
      }
      costSum += c / totalCost;
    }
  }
  const n = split.count;
  const accuracy = correct / n;
  const executedCost = costSum / n;
  return {
    accuracy,
    executedCost,
    reward: accuracy - alpha * executedCost * totalCost,
    executedLayers: layerSum / n,
    latencyMs: ms / n,
  };
}

export interface GenomeEvaluatorOptions {
  alpha: number;
  /** Objective 1: maximise mean reward or accuracy. */
  objective: SearchObjective;
  /** Add measured latency as a third objective. */
  latency: boolean;
  /** Called after each genome actually run (cache hits are free): evaluations done in this batch, batch size. */
  onEvaluated?(done: number, total: number): void;
  /**
   * Worker threads holding the model and this split (InferPool.setSplit): a generation's distinct new
   * genomes run on them at once. Not with the latency objective (threads sharing cores change timings).
   */
  pool?: InferPool;
}

/** One distinct genome as evaluated, in evaluation order. */
export interface EvaluatedGenome extends GenomeMetrics {
  /** Order of first evaluation (0 = the unpruned seed). */
  id: number;
  /** Engine generation that first produced it. */
  generation: number;
  key: string;
  choice: LayerChoice;
  prunedLayers: number[];
  /** The minimised objective vector. */
  objectives: number[];
  /** False when every layer is pruned (nothing left to export); such genomes are constrained out. */
  feasible: boolean;
}

export interface GenomeEvaluator {
  /** The engine's batch evaluator (the engine calls it once per generation, generation 0 first). */
  evaluate: BatchEvaluator;
  /** Evaluates one genome (through the cache). */
  measure(g: Genome, generation: number): Promise<EvaluatedGenome>;
  /** Every distinct genome evaluated, in order. */
  records: EvaluatedGenome[];
  /** Genomes the engine asked for, cache hits included. */
  requests(): number;
}

/** Objective vector (all minimised): [-reward or -accuracy, executed cost(, latency ms/image)]. */
export function objectiveVector(m: GenomeMetrics, opts: Pick<GenomeEvaluatorOptions, 'objective' | 'latency'>): number[] {
  const first = opts.objective === 'reward' ? -m.reward : -m.accuracy;
  return opts.latency ? [first, m.executedCost, m.latencyMs] : [first, m.executedCost];
}

export function createGenomeEvaluator(engine: InferenceEngine, split: PreparedSplit, opts: GenomeEvaluatorOptions): GenomeEvaluator {
  const cache = new Map<string, EvaluatedGenome>();
  const records: EvaluatedGenome[] = [];
  let asked = 0;
  let calls = 0;

  if (opts.pool && opts.latency) throw new Error('search: the latency objective is measured in one thread; use 1 worker');
  if (opts.pool && engine.name !== 'tfjs') throw new Error(`search: worker threads run the tfjs engine; ${engine.name} uses its own threads`);
  const measure = async (g: Genome, gen: number, measured?: GenomeMetrics): Promise<EvaluatedGenome> => {
    asked++;
    const key = genomeKey(g);
    const known = cache.get(key);
    if (known) return known;
    const choice = decodeGenome(g);
    const metrics = measured ?? (await measureChoice(engine, split, choice, opts.alpha));
    const rec: EvaluatedGenome = {
      ...metrics,
      id: records.length,
      generation: gen,
      key,
      choice,
      prunedLayers: prunedLayersOf(choice),
      objectives: objectiveVector(metrics, opts),
      feasible: choice.pruned.some((p) => !p),
    };
    cache.set(key, rec);
    records.push(rec);
    return rec;
  };

  const evaluate: BatchEvaluator = async (genomes, signal) => {
    const generation = calls++;
    const out: Evaluation[] = [];
    const pool = opts.pool;
    if (pool) {
      // Distinct new genomes at once on the workers; records are then made in genome order, as in one thread.
      const fresh = new Map<string, Genome>();
      for (const g of genomes) if (!cache.has(genomeKey(g))) fresh.set(genomeKey(g), g);
      let done = 0;
      const measured = new Map(
        await Promise.all(
          [...fresh].map(async ([key, g]) => {
            if (signal?.aborted) throw new Error('cancelled');
            const m = await pool.measure(decodeGenome(g), opts.alpha);
            opts.onEvaluated?.(++done, fresh.size);
            return [key, m] as const;
          }),
        ),
      );
      if (signal?.aborted) throw new Error('cancelled');
      const recs: EvaluatedGenome[] = [];
      for (const g of genomes) recs.push(await measure(g, generation, measured.get(genomeKey(g))));
      return recs.map((rec) => ({ objectives: rec.objectives.slice(), constraintViolation: rec.feasible ? 0 : 1 }));
    }
    for (let k = 0; k < genomes.length; k++) {
      throwIfCancelled(signal);
      const rec = await measure(genomes[k], generation);
      out.push({ objectives: rec.objectives.slice(), constraintViolation: rec.feasible ? 0 : 1 });
      opts.onEvaluated?.(k + 1, genomes.length);
      // One genome is a few seconds of tensor work: let cancel and progress messages through between them.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return out;
  };

  return {
    evaluate,
    measure,
    records,
    requests: () => asked,
  };
}
