/** What every training job reports and how it is controlled (CLI, studio and tests alike). */

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
}

export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}
