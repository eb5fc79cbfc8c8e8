/**
 * What the main thread and the training worker threads share: the start-up data, the shared buffers
 * and the small command and reply messages (the data itself, batches, gradients and state, crosses in
 * shared memory, never in a message).
 */
import type { BackendName } from '../backend';
import type { ViTConfig } from '../model/config';
import type { StepPlan } from '../train/stepper';
import type { SharedState } from './replica-state';

export interface TrainBuffers {
  /** SharedBarrier over the workers. */
  barrier: SharedArrayBuffer;
  /** Float64 [N]: one slot per worker for sumAcross. */
  scalars: SharedArrayBuffer;
  /** The global batch: images Float32 [B*H*W*C], labels Int32 [B], draws Float32 [L*B] (layer-major). */
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  draws: SharedArrayBuffer;
  /** Float32 [N*P]: each worker's gradients in the trainable layout; Int32 [N*V]: which had a gradient. */
  grads: SharedArrayBuffer;
  present: SharedArrayBuffer;
  /** Float32 [P]: the summed gradients (each worker sums its own segment). */
  summed: SharedArrayBuffer;
  state: SharedState;
}

export interface TrainThreadData {
  index: number;
  count: number;
  backend: BackendName;
  config: ViTConfig;
  costs: number[];
  plan: StepPlan;
  batchSize: number;
  /** [H, W, C] */
  image: [number, number, number];
  /** Hash the weights after every update (replica check). */
  hash: boolean;
  buffers: TrainBuffers;
}

export type TrainCommand = { cmd: 'step'; step: number; draws: boolean } | { cmd: 'load' } | { cmd: 'save' };

export type TrainReply =
  | { ready: true }
  | { done: 'step'; sums: Record<string, number>; update: Record<string, number>; hash?: number }
  | { done: 'load' | 'save' }
  | { error: string };

/** Samples [from, to) of a batch of B that worker k of N takes: contiguous, sizes differing by at most one. */
export function shardRange(k: number, N: number, B: number): [number, number] {
  return [Math.floor((k * B) / N), Math.floor(((k + 1) * B) / N)];
}

/** Elements [from, to) of a length-P array that worker k of N sums. */
export const segmentRange = shardRange;
