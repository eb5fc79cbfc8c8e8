/**
 * AdamW (Loshchilov & Hutter): Adam with weight decay decoupled from the gradient, applied only to the
 * variables a group marks as decayed. Written here rather than using tf.train.adam because (1) tfjs's
 * Adam has no decoupled decay, (2) its moment slots are keyed by the position of a variable in each
 * call's gradient list, which breaks when a step touches a different subset, and (3) a checkpoint needs
 * the moments by variable name.
 */
import * as tf from '@tensorflow/tfjs';
import { addAll } from '../model/ops';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay coefficient (multiplied by the learning rate, as in PyTorch's AdamW). */
  weightDecay?: number;
}

export interface AdamWState {
  step: number;
  /** Moments by variable name, as plain arrays (JSON-free: written as tfjs weights by the checkpoint). */
  m: Record<string, tf.Tensor>;
  v: Record<string, tf.Tensor>;
}

export class AdamW {
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  /**
   * @param vars   the variables this optimiser owns, by name
   * @param decayed which of them get weight decay
   */
  constructor(
    private readonly vars: Map<string, tf.Variable>,
    private readonly decayed: (name: string) => boolean,
    opts: AdamWOptions = {},
  ) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.05;
    for (const [name, w] of vars) {
      this.m.set(name, tf.variable(tf.zerosLike(w), false));
      this.v.set(name, tf.variable(tf.zerosLike(w), false));
    }
  }

  /** One update with learning rate lr. `grads` by variable name; variables without a gradient are left alone. */
  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    this.step += 1;
    const bc1 = 1 - Math.pow(this.beta1, this.step);
    const bc2 = 1 - Math.pow(this.beta2, this.step);
    tf.tidy(() => {
      for (const [name, g] of grads) {
        const w = this.vars.get(name);
        if (!w) continue;
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        m.assign(m.mul(this.beta1).add(g.mul(1 - this.beta1)));
        v.assign(v.mul(this.beta2).add(g.square().mul(1 - this.beta2)));
        const update = m.div(bc1).div(v.div(bc2).sqrt().add(this.eps));
        const decay = this.decayed(name) && this.weightDecay > 0 ? w.mul(this.weightDecay) : null;
        w.assign(w.sub((decay ? update.add(decay) : update).mul(lr)));
      }
    });
  }

  /** Moments by name, for checkpoints (the tensors are this optimiser's own; do not dispose). */
  state(): AdamWState {
    return { step: this.step, m: Object.fromEntries(this.m), v: Object.fromEntries(this.v) };
  }

  restore(state: { step: number; m: Record<string, tf.Tensor>; v: Record<string, tf.Tensor> }): void {
    this.step = state.step;
    for (const [name, t] of Object.entries(state.m)) this.m.get(name)?.assign(t);
    for (const [name, t] of Object.entries(state.v)) this.v.get(name)?.assign(t);
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}

/**
 * Scales gradients so their global L2 norm is at most maxNorm; returns the norm before clipping as a
 * scalar tensor. Decided on the device (a scale of exactly 1 below the bound) rather than by reading the
 * norm first: a read would stall a GPU in the middle of every step.
 */
export function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm: number): { grads: Map<string, tf.Tensor>; norm: tf.Scalar } {
  const norm = tf.tidy(() => tf.sqrt(addAll([...grads.values()].map((g) => g.square().sum())))) as tf.Scalar;
  const scale = tf.tidy(() => tf.where(norm.greater(maxNorm), tf.div(maxNorm, norm.add(1e-6)), tf.scalar(1)));
  const out = new Map<string, tf.Tensor>();
  for (const [k, g] of grads) {
    out.set(k, g.mul(scale));
    g.dispose();
  }
  scale.dispose();
  return { grads: out, norm };
}
