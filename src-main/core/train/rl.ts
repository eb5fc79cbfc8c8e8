/**
 * The RL agent's arithmetic (SPEC 2), as plain functions on plain arrays so they can be checked by hand:
 * reward, discounted returns, advantages, and the three losses.
 */
import * as tf from '@tensorflow/tfjs';
import type { AdvantageMode, RewardMode } from './types';

/**
 * r_b = score_b - alpha * sum_l a_{b,l} c_l.  actions: [B*L] row-major.
 * score_b is 1[correct_b] (the reference) or p(y_b | x_b) (see RewardMode in types.ts), both in [0, 1].
 */
export function rewards(score: ArrayLike<number>, actions: ArrayLike<number>, costs: number[], alpha: number): Float32Array {
  const B = score.length;
  const L = costs.length;
  const r = new Float32Array(B);
  for (let b = 0; b < B; b++) {
    let cost = 0;
    for (let l = 0; l < L; l++) cost += actions[b * L + l] * costs[l];
    r[b] = score[b] - alpha * cost;
  }
  return r;
}

/** Per-sample score for the reward: [B] from logits [B*K] (row-major) and labels. */
export function rewardScores(logits: ArrayLike<number>, labels: ArrayLike<number>, K: number, mode: RewardMode): Float32Array {
  const B = labels.length;
  const s = new Float32Array(B);
  for (let b = 0; b < B; b++) {
    let best = 0;
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      const v = logits[b * K + k];
      if (v > max) [max, best] = [v, k];
    }
    if (mode === 'correct') {
      s[b] = best === labels[b] ? 1 : 0;
      continue;
    }
    let z = 0;
    for (let k = 0; k < K; k++) z += Math.exp(logits[b * K + k] - max);
    s[b] = Math.exp(logits[b * K + labels[b]] - max) / z;
  }
  return s;
}

/** The reward arrives once, after the last layer: G_{b,t} = r_b * gamma^(L-1-t). Returns [B*L]. */
export function discountedReturns(r: ArrayLike<number>, L: number, gamma: number): Float32Array {
  const G = new Float32Array(r.length * L);
  for (let b = 0; b < r.length; b++) for (let t = 0; t < L; t++) G[b * L + t] = r[b] * Math.pow(gamma, L - 1 - t);
  return G;
}

/** A batch split into shards (data-parallel training): the baseline's std is the whole batch's. */
export interface AcrossShards {
  /** Sums a per-shard number over every shard of the step. */
  sum(local: number): number;
  /** Values in the whole batch (B * L). */
  count: number;
}

/** The policy gradient's weights and the value head's regression target, per sample and layer ([B*L] each). */
export interface AdvantageParts {
  advantage: Float32Array;
  valueTarget: Float32Array;
}

/**
 * The advantage that weighs the policy gradient (AdvantageMode), and what the value head is fitted to.
 * - 'reference': the thesis code (leobitz/DynaViT, dyna-train.py). Each sample's returns are standardised
 *   across its own layers, S = (G - mean_t G) / std_t G; the value head is fitted to S and the advantage is
 *   S - V (V detached: it comes in as numbers). Since G_t = r * gamma^(L-1-t), S is sign(r) times one fixed
 *   vector, so the reward's magnitude is lost before the baseline sees it: the baseline only learns how
 *   likely each layer's decision is to end in a positive reward.
 * - 'baseline' (ours, default): A = G - V, with V fitted to G itself, then scaled by the batch's RMS of A
 *   (one scalar, so relative magnitudes between samples and layers survive).
 */
export function advantages(G: Float32Array, V: ArrayLike<number>, L: number, mode: AdvantageMode, across?: AcrossShards): AdvantageParts {
  const A = new Float32Array(G.length);
  if (mode === 'reference') {
    const S = new Float32Array(G.length);
    for (let b = 0; b < G.length / L; b++) {
      let mean = 0;
      for (let t = 0; t < L; t++) mean += G[b * L + t];
      mean /= L;
      let v = 0;
      for (let t = 0; t < L; t++) v += (G[b * L + t] - mean) ** 2;
      const std = Math.sqrt(v / Math.max(1, L - 1)); // torch.std is unbiased
      for (let t = 0; t < L; t++) S[b * L + t] = (G[b * L + t] - mean) / (std + 1e-8);
    }
    for (let i = 0; i < S.length; i++) A[i] = S[i] - V[i];
    return { advantage: A, valueTarget: S };
  }
  let sq = 0;
  for (let i = 0; i < G.length; i++) {
    A[i] = G[i] - V[i];
    sq += A[i] * A[i];
  }
  const std = across ? Math.sqrt(across.sum(sq) / across.count) : Math.sqrt(sq / G.length);
  const scale = 1 / Math.max(std, 1e-3); // no blow-up when the baseline is already exact
  for (let i = 0; i < A.length; i++) A[i] *= scale;
  return { advantage: A, valueTarget: G };
}

export interface AgentLossParts {
  policy: tf.Scalar;
  value: tf.Scalar;
  entropy: tf.Scalar;
}

/**
 * policy = -mean(logpi(a) * A);  value = mean((V - T)^2);  entropy = mean of the Bernoulli entropy of pi(run).
 * logProbs, values, runProbs: [B, L] tensors from the dynamic-train forward; A and the value target T
 * (`advantages`): [B*L] arrays.
 */
export function agentLosses(logProbs: tf.Tensor2D, values: tf.Tensor2D, runProbs: tf.Tensor2D, A: Float32Array, T: Float32Array): AgentLossParts {
  const shape = logProbs.shape;
  const adv = tf.tensor2d(A, shape);
  const ret = tf.tensor2d(T, shape);
  const p = runProbs.clipByValue(1e-6, 1 - 1e-6);
  const entropy = p.mul(p.log()).add(tf.sub(1, p).mul(tf.sub(1, p).log())).neg().mean() as tf.Scalar;
  return {
    policy: logProbs.mul(adv).mean().neg() as tf.Scalar,
    value: values.sub(ret).square().mean() as tf.Scalar,
    entropy,
  };
}
