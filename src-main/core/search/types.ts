/**
 * Shared types of the NSGA-II engine (SPEC 2, issue 8).
 *
 * A genome is MIXED: real genes with per-gene bounds plus binary genes. Every objective is MINIMISED;
 * a caller that wants to maximise something (accuracy, reward) passes its negation.
 */

/** One candidate solution. Plain arrays (not typed arrays) so genomes serialise to JSON as-is. */
export interface Genome {
  /** Real genes, each within its bounds from {@link GenomeSpec.real}. */
  real: number[];
  /** Binary genes, each 0 or 1. */
  bits: number[];
}

/** The search space. Either part may be empty. */
export interface GenomeSpec {
  /** Per-gene lower and upper bounds of the real genes (same length). */
  real: { lower: number[]; upper: number[] };
  /** Number of binary genes. */
  bits: number;
}

/** What the problem returns for one genome. */
export interface Evaluation {
  /** Objective values, all minimised. */
  objectives: number[];
  /** Total constraint violation, >= 0; 0 or absent means feasible. */
  constraintViolation?: number;
}

/**
 * Batched, asynchronous evaluation: one call per generation with every new genome, so a GPU model or
 * a worker pool can evaluate them together. Must return one Evaluation per genome, in order.
 * The signal is the run's AbortSignal, for evaluators that can stop early.
 */
export type BatchEvaluator = (genomes: Genome[], signal?: AbortSignal) => Promise<Evaluation[]>;

/** An evaluated genome as the engine keeps it. */
export interface Individual {
  genome: Genome;
  objectives: number[];
  /** Total constraint violation, >= 0 (0 = feasible). */
  constraintViolation: number;
  /** Non-domination rank, 0 = best front; as assigned by the last survival the individual took part in. */
  rank: number;
  /** Crowding distance within its front (Infinity at the front's extremes); same caveat as rank. */
  crowding: number;
  /** Evaluation order, unique within a run (0, 1, 2, ...). */
  id: number;
  /** Generation in which it was created (0 = initial population). */
  generation: number;
}

/** What the engine reports after each generation (generation 0 = the evaluated initial population). */
export interface GenerationRecord {
  generation: number;
  /** Evaluations so far, cumulative. */
  evaluations: number;
  /** Objective vectors of the feasible non-dominated members of the population. */
  front: number[][];
  /** Hypervolume of `front`, when a reference point was given. */
  hypervolume?: number;
  /** Wall time of this generation, in milliseconds. */
  timing: {
    /** NSGA-II itself: initialisation or selection + variation, then sorting, crowding and survival. */
    engineMs: number;
    /** Waiting for the problem's evaluate(). */
    evaluateMs: number;
    /** Computing the hypervolume for this record. */
    indicatorMs: number;
  };
}
