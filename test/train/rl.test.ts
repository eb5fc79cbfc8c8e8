import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { advantages, agentLosses, discountedReturns, learningRate, rewardScores, rewards } from '../../src-main/core/train';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('RL arithmetic, against values computed by hand', () => {
  const costs = [0.1, 0.2, 0.3];
  // sample 0: correct, ran layers 0 and 2; sample 1: wrong, ran layer 1 only.
  const correct = [1, 0];
  const actions = [1, 0, 1, 0, 1, 0];

  it('reward r = 1[correct] - alpha * sum a_l c_l', () => {
    const r = rewards(correct, actions, costs, 2);
    expect(r[0]).toBeCloseTo(1 - 2 * 0.4, 6); // 0.2
    expect(r[1]).toBeCloseTo(-2 * 0.2, 6); // -0.4
  });

  it('reward scores: 1[argmax = label] for the reference, softmax p(label) for confidence', () => {
    // Two samples, three classes. Sample 0 is right (label 0), sample 1 wrong (label 2, argmax 1).
    const logits = [2, 0, 0, 0, 1, 0];
    const labels = [0, 2];
    expect(Array.from(rewardScores(logits, labels, 3, 'correct'))).toEqual([1, 0]);
    const c = rewardScores(logits, labels, 3, 'confidence');
    const e = Math.E;
    expect(c[0]).toBeCloseTo(e * e / (e * e + 2), 6); // 0.787
    expect(c[1]).toBeCloseTo(1 / (e + 2), 6); // 0.212: wrong, but not worth nothing
    // The reward is the score less the cost: sample 0 with layers 0 and 2 run at alpha 2.
    expect(rewards(c, actions, costs, 2)[0]).toBeCloseTo(c[0] - 0.8, 6);
  });

  it('discounted returns G_t = r * gamma^(L-1-t)', () => {
    const G = discountedReturns([0.2, -0.4], 3, 0.9);
    expect(Array.from(G).map((v) => +v.toFixed(6))).toEqual([0.162, 0.18, 0.2, -0.324, -0.36, -0.4]);
  });

  it('advantages: baseline mode is (G - V) over its RMS, with V fitted to G', () => {
    const G = discountedReturns([0.2, -0.4], 3, 0.9);
    const V = [0.1, 0.1, 0.1, 0, 0, 0];
    const { advantage: A, valueTarget } = advantages(G, V, 3, 'baseline');
    const raw = [0.062, 0.08, 0.1, -0.324, -0.36, -0.4];
    const rms = Math.sqrt(raw.reduce((a, x) => a + x * x, 0) / 6);
    raw.forEach((x, i) => expect(A[i]).toBeCloseTo(x / rms, 5));
    expect(Array.from(valueTarget)).toEqual(Array.from(G));
  });

  it('advantages: reference mode (dyna-train.py) is S - V with S the per-sample standardised returns, and V is fitted to S', () => {
    const G = discountedReturns([0.2, -0.4], 3, 0.9);
    const V = [0.1, 0.1, 0.1, 0.5, -0.5, 0];
    const { advantage: A, valueTarget: S } = advantages(G, V, 3, 'reference');
    // Sample 0: G = [0.162, 0.18, 0.2], mean 0.180667, unbiased std 0.0190088 -> S = [-0.98200, -0.03507, 1.01707].
    // Sample 1: G = [-0.324, -0.36, -0.4] is the mirror image scaled by 2: S = [0.98200, 0.03507, -1.01707].
    const expectedS = [-0.982, -0.03507, 1.01707, 0.982, 0.03507, -1.01707];
    expectedS.forEach((x, i) => expect(S[i]).toBeCloseTo(x, 4));
    // The value head's estimate is subtracted (it arrives detached, as numbers): A = S - V.
    const expectedA = [-1.082, -0.13507, 0.91707, 0.482, 0.53507, -1.01707];
    expectedA.forEach((x, i) => expect(A[i]).toBeCloseTo(x, 4));
  });

  it('losses: policy = -mean(logp * A), value = mean((V - G)^2), entropy of Bernoulli(p)', () => {
    const logProbs = tf.tensor2d([[-0.5, -1], [-2, -0.1]]);
    const values = tf.tensor2d([[0.5, 0], [1, 1]]);
    const runProbs = tf.tensor2d([[0.5, 0.5], [0.9, 0.1]]);
    const A = new Float32Array([1, -1, 2, 0]);
    const G = new Float32Array([1, 0, 0, 1]);
    const l = agentLosses(logProbs, values, runProbs, A, G);
    expect(l.policy.dataSync()[0]).toBeCloseTo(-(-0.5 * 1 + -1 * -1 + -2 * 2 + 0) / 4, 5); // 0.875
    expect(l.value.dataSync()[0]).toBeCloseTo((0.25 + 0 + 1 + 0) / 4, 5);
    const h = (p: number) => -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    expect(l.entropy.dataSync()[0]).toBeCloseTo((2 * h(0.5) + 2 * h(0.9)) / 4, 5);
  });

  it('schedule: linear warm-up to the peak, cosine down to the minimum', () => {
    const s = { peakLr: 1e-3, minLr: 1e-5, warmupSteps: 10, totalSteps: 110 };
    expect(learningRate(s, 0)).toBeCloseTo(1e-4, 10);
    expect(learningRate(s, 9)).toBeCloseTo(1e-3, 10);
    expect(learningRate(s, 60)).toBeCloseTo((1e-3 + 1e-5) / 2, 10);
    expect(learningRate(s, 110)).toBeCloseTo(1e-5, 10);
  });
});
