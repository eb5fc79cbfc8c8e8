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

export { ADVANTAGE_MODES, REWARD_MODES, type AdvantageMode, type RewardMode } from './modes';
