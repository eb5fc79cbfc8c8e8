/**
 * One training step, split where data parallelism needs it: the gradients of one shard's share of the
 * loss, then one optimiser update from the gradients summed over the shards.
 *
 * In process (one worker) the shard is the whole batch with weight 1, which is exactly the single-thread
 * step. In core/parallel each worker thread takes a contiguous shard of n_k samples with weight n_k / B:
 * every loss is a mean over the batch, so mean_B = sum_k (n_k / B) mean_k and the summed gradients are the
 * whole batch's (up to float summation order). The update (clipping by the global norm, AdamW) runs on the
 * summed gradients, identically on every replica.
 *
 * A StepPlan is plain data (it crosses into the worker threads); the Stepper built from it owns the
 * optimisers.
 */
import * as tf from '@tensorflow/tfjs';
import type { ViT } from '../model/vit';
import type { Rng } from '../util/rng';
import type { AdamW } from './adamw';
import { agentStepper, type AgentStepPlan } from './agent-step';
import { staticStepper, type StaticStepPlan } from './static-step';

export type StepPlan = StaticStepPlan | AgentStepPlan;

/** Scalars a step reports; `loss` is required. */
export type StepMetrics = { loss: number } & Record<string, number>;

export interface ShardInput {
  x: tf.Tensor4D; // [n, H, W, C]
  y: Int32Array; // [n]
  /** This shard's random draws, layer-major [L*n] (draw() order restricted to its samples); null when none. */
  draws: Float32Array | null;
  step: number;
  /** n / B, this shard's share of the global batch (exactly 1 in process, where no scaling is applied). */
  weight: number;
  /** Global batch size B. */
  batchSize: number;
  /** Sums a per-shard number over every shard of this step (the identity in process). */
  sumAcross(local: number): number;
}

export interface ShardResult {
  /** Gradients of the shard's weighted loss, by variable name (the caller disposes them). */
  grads: Map<string, tf.Tensor>;
  /** Per-shard figures whose sum over the shards is the batch's (weighted means, counts). */
  sums: Record<string, number>;
}

export interface Stepper {
  readonly optimizers: Record<string, AdamW>;
  /** The variables that receive gradients, in a fixed order (every replica builds the same). */
  readonly trainable: Map<string, tf.Variable>;
  /** The step's random draws for a batch of B from the training RNG, layer-major [L*B], or null. */
  draw(rng: Rng, B: number): Float32Array | null;
  gradients(input: ShardInput): ShardResult;
  /** One optimiser update from the summed gradients (disposed here); returns its figures (lr, norm). */
  update(grads: Map<string, tf.Tensor>, step: number): Record<string, number>;
  /** The step's metrics from the summed shard figures and the update's. */
  metrics(sums: Record<string, number>, B: number, update: Record<string, number>): StepMetrics;
  dispose(): void;
}

/** Builds the step a plan describes (async: a distillation teacher is loaded from its folder). */
export async function createStepper(model: ViT, plan: StepPlan): Promise<Stepper> {
  return plan.kind === 'static' ? staticStepper(model, plan) : agentStepper(model, plan);
}

/** The single-thread step: the whole batch as one shard of weight 1, then the update. */
export function stepInProcess(stepper: Stepper, x: tf.Tensor4D, y: Int32Array, draws: Float32Array | null, step: number): StepMetrics {
  const B = y.length;
  const { grads, sums } = stepper.gradients({ x, y, draws, step, weight: 1, batchSize: B, sumAcross: (v) => v });
  return stepper.metrics(sums, B, stepper.update(grads, step));
}

/** Scales a shard's loss by its weight (no operation at weight 1, so one worker is bit-identical to before). */
export function weighted(loss: tf.Scalar, weight: number): tf.Scalar {
  return weight === 1 ? loss : loss.mul(weight);
}

/** The draws of samples [from, to) of a layer-major [L*B] array, as a layer-major [L*(to-from)] array. */
export function shardDraws(draws: Float32Array, L: number, B: number, from: number, to: number): Float32Array {
  const n = to - from;
  const out = new Float32Array(L * n);
  for (let l = 0; l < L; l++) out.set(draws.subarray(l * B + from, l * B + to), l * n);
  return out;
}
