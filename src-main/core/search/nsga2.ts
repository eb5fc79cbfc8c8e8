/**
 * NSGA-II (Deb, Pratap, Agarwal & Meyarivan 2002) for a mixed real + binary genome.
 *
 * One generation: binary tournament on (rank, crowding) picks parents; SBX + polynomial mutation vary the real
 * genes and uniform crossover + bit-flip the binary genes; the offspring are evaluated in ONE batch; parents and
 * offspring are pooled and the best `popSize` survive by constrained non-dominated sorting and crowding
 * distance. Defaults follow pymoo's NSGA2 (SBX eta 15, prob 0.9; PM eta 20, prob 1/n), with Deb's per-variable
 * SBX probability 0.5. Everything random comes from one seeded Rng, so a seed fixes the run bit for bit
 * (given a deterministic problem).
 */
import { hypervolume } from './hypervolume';
import { bitFlip, polynomialMutation, sbx, uniformCrossover } from './operators';
import { Rng } from '../util/rng';
import { binaryTournament } from './selection';
import { rankAndCrowdingSurvival } from './survival';
import type { BatchEvaluator, GenerationRecord, Genome, GenomeSpec, Individual } from './types';

export interface CrossoverOptions {
  /** Probability that a pair of parents is recombined (separately drawn for the real and binary parts). Default 0.9. */
  probability?: number;
  /** SBX distribution index eta_c. Default 15. */
  eta?: number;
  /** Per-gene probability of exchanging/recombining a gene of a recombined pair. Default 0.5 (Deb's code). */
  variableProbability?: number;
}

export interface MutationOptions {
  /** Polynomial-mutation distribution index eta_m. Default 20. */
  eta?: number;
  /** Per-real-gene mutation probability. Default 1 / (number of real genes). */
  probability?: number;
  /** Per-bit flip probability. Default 1 / (number of bits). */
  bitProbability?: number;
}

export interface Nsga2Options {
  /** Population size N (>= 2); N offspring are evaluated per generation. */
  popSize: number;
  /** Generations after the initial population (total evaluations = N * (generations + 1)). */
  generations: number;
  /** Seed of the run's random stream. */
  seed: number;
  crossover?: CrossoverOptions;
  mutation?: MutationOptions;
  /** When given, every GenerationRecord carries the hypervolume of the feasible front w.r.t. this point. */
  referencePoint?: number[];
  /** Cancels the run between generations; the result then holds the population so far and aborted = true. */
  signal?: AbortSignal;
  /** Called after every generation (generation 0 = evaluated initial population). */
  onGeneration?: (record: GenerationRecord) => void;
  /** Genomes placed in the first population (e.g. the unpruned model); the rest is drawn uniformly at random. */
  initial?: Genome[];
}

export interface Nsga2Result {
  /** The final population, with rank and crowding from the last survival. */
  population: Individual[];
  /** Its feasible non-dominated members. */
  front: Individual[];
  /** One record per completed generation, starting with generation 0. */
  history: GenerationRecord[];
  /** Every individual ever evaluated, in evaluation order (id = index). */
  evaluated: Individual[];
  /** True when the signal stopped the run before the last generation. */
  aborted: boolean;
}

export async function nsga2(spec: GenomeSpec, evaluate: BatchEvaluator, opts: Nsga2Options): Promise<Nsga2Result> {
  validate(spec, opts);
  const { popSize, signal } = opts;
  const { lower, upper } = spec.real;
  const nReal = lower.length;
  const sbxOpts = {
    probability: opts.crossover?.probability ?? 0.9,
    eta: opts.crossover?.eta ?? 15,
    variableProbability: opts.crossover?.variableProbability ?? 0.5,
  };
  const pmOpts = { eta: opts.mutation?.eta ?? 20, probability: opts.mutation?.probability ?? 1 / Math.max(1, nReal) };
  const bitProbability = opts.mutation?.bitProbability ?? 1 / Math.max(1, spec.bits);
  const rng = new Rng(opts.seed);
  const evaluated: Individual[] = [];
  const history: GenerationRecord[] = [];
  let population: Individual[] = [];
  let nObjectives: number | undefined;

  // Evaluates one batch into Individuals; returns null when the run was cancelled during the evaluation.
  const evaluateBatch = async (genomes: Genome[], generation: number): Promise<Individual[] | null> => {
    let results;
    try {
      results = await evaluate(genomes, signal);
    } catch (err) {
      if (signal?.aborted) return null;
      throw err;
    }
    if (results.length !== genomes.length) {
      throw new Error(`nsga2: evaluate returned ${results.length} results for ${genomes.length} genomes`);
    }
    return results.map((r, k) => {
      if (r.objectives.some(Number.isNaN) || Number.isNaN(r.constraintViolation)) {
        throw new Error(`nsga2: NaN in the evaluation of genome ${JSON.stringify(genomes[k])}`);
      }
      nObjectives ??= r.objectives.length;
      if (r.objectives.length !== nObjectives) {
        throw new Error(`nsga2: evaluate returned ${r.objectives.length} objectives, earlier ${nObjectives}`);
      }
      const ind: Individual = {
        genome: genomes[k],
        objectives: r.objectives.slice(),
        constraintViolation: Math.max(0, r.constraintViolation ?? 0),
        rank: 0,
        crowding: 0,
        id: evaluated.length,
        generation,
      };
      evaluated.push(ind);
      return ind;
    });
  };

  const record = (generation: number, engineMs: number, evaluateMs: number): void => {
    const t = performance.now();
    const front = population
      .filter((p) => p.rank === 0 && p.constraintViolation === 0)
      .map((p) => p.objectives.slice());
    const hv = opts.referencePoint ? hypervolume(front, opts.referencePoint) : undefined;
    const rec: GenerationRecord = {
      generation,
      evaluations: evaluated.length,
      front,
      ...(hv === undefined ? {} : { hypervolume: hv }),
      timing: { engineMs, evaluateMs, indicatorMs: performance.now() - t },
    };
    history.push(rec);
    opts.onGeneration?.(rec);
  };

  // Generation 0: the seeded genomes, then uniform random ones.
  let t = performance.now();
  const start: Genome[] = (opts.initial ?? []).map((g) => ({ real: g.real.slice(), bits: g.bits.slice() }));
  while (start.length < popSize) {
    start.push({
      real: lower.map((lo, i) => lo + rng.next() * (upper[i] - lo)),
      bits: Array.from({ length: spec.bits }, () => (rng.next() < 0.5 ? 1 : 0)),
    });
  }
  let engineMs = performance.now() - t;
  let aborted = signal?.aborted ?? false;
  if (!aborted) {
    t = performance.now();
    const initial = await evaluateBatch(start, 0);
    const evaluateMs = performance.now() - t;
    if (initial === null) {
      aborted = true;
    } else {
      t = performance.now();
      population = rankAndCrowdingSurvival(initial, popSize);
      record(0, engineMs + performance.now() - t, evaluateMs);
    }
  }

  for (let gen = 1; gen <= opts.generations && !aborted; gen++) {
    // Let timers and I/O run between generations, so an abort or a progress message is not starved by a
    // problem whose evaluate() never really waits.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal?.aborted) {
      aborted = true;
      break;
    }
    t = performance.now();
    const parents = binaryTournament(population, 2 * Math.ceil(popSize / 2), rng);
    const children: Genome[] = [];
    for (let k = 0; k < parents.length; k += 2) {
      const a = population[parents[k]].genome;
      const b = population[parents[k + 1]].genome;
      const c1: Genome = { real: new Array<number>(nReal), bits: new Array<number>(spec.bits) };
      const c2: Genome = { real: new Array<number>(nReal), bits: new Array<number>(spec.bits) };
      sbx(a.real, b.real, c1.real, c2.real, lower, upper, sbxOpts, rng);
      uniformCrossover(a.bits, b.bits, c1.bits, c2.bits, sbxOpts.probability, sbxOpts.variableProbability, rng);
      for (const c of [c1, c2]) {
        polynomialMutation(c.real, lower, upper, pmOpts, rng);
        bitFlip(c.bits, bitProbability, rng);
      }
      children.push(c1, c2);
    }
    children.length = popSize; // an odd popSize drops the last child
    engineMs = performance.now() - t;

    t = performance.now();
    const offspring = await evaluateBatch(children, gen);
    const evaluateMs = performance.now() - t;
    if (offspring === null) {
      aborted = true;
      break;
    }
    t = performance.now();
    population = rankAndCrowdingSurvival([...population, ...offspring], popSize);
    record(gen, engineMs + performance.now() - t, evaluateMs);
  }

  return {
    population,
    front: population.filter((p) => p.rank === 0 && p.constraintViolation === 0),
    history,
    evaluated,
    aborted,
  };
}

function validate(spec: GenomeSpec, opts: Nsga2Options): void {
  const { lower, upper } = spec.real;
  if (lower.length !== upper.length) throw new Error('nsga2: real.lower and real.upper differ in length');
  lower.forEach((lo, i) => {
    if (!(lo <= upper[i])) throw new Error(`nsga2: real gene ${i} has lower ${lo} > upper ${upper[i]}`);
  });
  if (!Number.isInteger(opts.popSize) || opts.popSize < 2) throw new Error('nsga2: popSize must be an integer >= 2');
  if (!Number.isInteger(opts.generations) || opts.generations < 0) {
    throw new Error('nsga2: generations must be an integer >= 0');
  }
  const initial = opts.initial ?? [];
  if (initial.length > opts.popSize) throw new Error('nsga2: more initial genomes than popSize');
  initial.forEach((g, k) => {
    if (g.real.length !== lower.length || g.bits.length !== spec.bits) {
      throw new Error(`nsga2: initial genome ${k} does not match the genome spec`);
    }
    g.real.forEach((v, i) => {
      if (!(v >= lower[i] && v <= upper[i]))
        throw new Error(`nsga2: initial genome ${k}, real gene ${i} out of bounds`);
    });
    if (g.bits.some((b) => b !== 0 && b !== 1)) throw new Error(`nsga2: initial genome ${k} has a bit that is not 0/1`);
  });
}
