/** What every training job reports and how it is controlled (CLI, studio and tests alike). */
import type { TrainPoolOptions } from '../parallel/train-pool';

export interface TrainProgress {
  phase: 'train' | 'validate' | 'test' | 'done';
  step: number;
  totalSteps: number;
  epoch: number;
  epochs: number;
  /** 0..1 over the whole job. */
  fraction: number;
  loss?: number;
  accuracy?: number;
  meanExecutedCost?: number;
  imagesPerSec?: number;
  etaSeconds?: number;
  message?: string;
}

/** One line of metrics.jsonl. */
export interface MetricRecord {
  kind: 'step' | 'epoch';
  step: number;
  epoch: number;
  time: number;
  [name: string]: number | string;
}

export interface TrainHooks {
  signal?: AbortSignal;
  onProgress?(p: TrainProgress): void;
  onMetric?(m: MetricRecord): void;
  /** Where checkpoints go (default `<out>/checkpoints`). */
  checkpointDir?: string;
  /** Continue from the latest checkpoint in checkpointDir when there is one. */
  resume?: boolean;
  /** Save a checkpoint every N steps (and always at the end of each epoch); default 200. */
  checkpointEvery?: number;
  /** Stop after this many steps in total (tests: "kill mid-epoch" without a kill). */
  stopAfterSteps?: number;
  /**
   * With resume: called once the position is restored (step 0 when there was no checkpoint). Metrics
   * reported after that step by the interrupted attempt are reported again, so a sink drops its copies.
   */
  onResumed?(step: number): void;
  /**
   * Worker threads for data-parallel training (default 1: the step runs in this thread). Results depend
   * on the seed and the batch size, not on this, up to float summation order (core/parallel/train-pool.ts).
   */
  workers?: number;
  /** Diagnostics of the worker threads (tests): replica hashes after each step, the threads themselves. */
  parallel?: Pick<TrainPoolOptions, 'onReplicaHashes' | 'onWorkers'>;
  /** Called once a checkpoint is completely written (an interruption now resumes from it); epoch is the one it resumes in. */
  onCheckpoint?(info: { step: number; epoch: number }): void;
}


/**
 * What the reward pays for the prediction.
 * - 'correct': the thesis, 1 if the argmax is the label, else 0. Most samples stay correct whichever layers
 *   run, so a skip that erodes the margin goes unpunished until it flips the answer: a sparse, noisy signal.
 * - 'confidence' (ours): the softmax probability of the true class, p(y | x). The same scale (1 for a sure
 *   right answer), but a skip pays for every bit of confidence it costs, so the agent learns which layers
 *   each input can spare before they start flipping answers.
 */
export const REWARD_MODES = ['correct', 'confidence'] as const;
export type RewardMode = (typeof REWARD_MODES)[number];

/**
 * The policy gradient's advantage: 'baseline' (ours, G - V, batch-scaled) or 'reference' (the thesis: standardised
 * returns less the value head's estimate); see rl.ts `advantages`.
 */
export const ADVANTAGE_MODES = ['baseline', 'reference'] as const;
export type AdvantageMode = (typeof ADVANTAGE_MODES)[number];
