/** The measuring tools of the results page's controls: forced decisions, the random policy, FLOP fraction, memory. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { forwardMemory } from '../../src-main/core/bench/forward-memory';
import { executedFlopFraction, flopCounts, forwardDynamic, ViT } from '../../src-main/core/model';
import { evaluate, randomPolicyDecisions } from '../../src-main/core/train';
import { allLayersNeededModel, syntheticDataset, TINY } from './synthetic';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('random policy', () => {
  it('runs layer l with probability rates[l], independently per image, reproducibly', () => {
    const rates = [1, 0, 0.3, 0.8];
    const d = randomPolicyDecisions(20_000, rates, 5);
    const observed = rates.map((_, l) => d.filter((_, i) => i % 4 === l).reduce((a, x) => a + x, 0) / 20_000);
    expect(observed[0]).toBe(1);
    expect(observed[1]).toBe(0);
    expect(observed[2]).toBeCloseTo(0.3, 1.6); // within 0.013 (5 standard errors)
    expect(observed[3]).toBeCloseTo(0.8, 1.6);
    expect(randomPolicyDecisions(50, rates, 5)).toEqual(d.subarray(0, 200));
    expect(randomPolicyDecisions(50, rates, 6)).not.toEqual(d.subarray(0, 200));
    expect(() => randomPolicyDecisions(1, [1.5], 0)).toThrow(/layer 0's rate/);
  });

  it('evaluate with forced decisions runs exactly those layers: all run = the static path, one missing = wrong', async () => {
    const model = allLayersNeededModel();
    const data = syntheticDataset(8);
    const n = data.test.count;
    const L = TINY.depth;
    const all = await evaluate(model, data.test, data.info, { mode: 'dynamic', decisions: new Uint8Array(n * L).fill(1), keepPerSample: true });
    const stat = await evaluate(model, data.test, data.info, { mode: 'static' });
    expect(all.accuracy).toBe(stat.accuracy);
    expect(all.accuracy).toBe(1);
    // Every image skips layer 2: the model needs every layer, so every answer is wrong.
    const skip2 = new Uint8Array(n * L).fill(1);
    for (let i = 0; i < n; i++) skip2[i * L + 2] = 0;
    const r = await evaluate(model, data.test, data.info, { mode: 'dynamic', decisions: skip2 });
    expect(r.accuracy).toBe(0);
    expect(r.layerRates).toEqual([1, 1, 0, 1]);
    await expect(evaluate(model, data.test, data.info, { mode: 'static', decisions: skip2 })).rejects.toThrow(/dynamic mode/);
    model.dispose();
  });
});

describe('cost and memory measures', () => {
  it('executed FLOP fraction: 1 with every layer and no gates; by hand for half the layers', () => {
    expect(executedFlopFraction(TINY, TINY.depth, 0)).toBeCloseTo(1, 12);
    const f = flopCounts(TINY);
    const fixed = f.embed + f.head;
    expect(executedFlopFraction(TINY, 2, 4)).toBeCloseTo((fixed + 2 * f.perBlock + 4 * f.perGate) / (fixed + 4 * f.perBlock), 12);
  });

  it('processed bytes fall when layers are skipped; the peak does not while a full-batch layer runs', async () => {
    const model = ViT.create(TINY, 3);
    const x = tf.randomNormal([32, 8, 8, 1]) as tf.Tensor4D;
    const L = TINY.depth;
    const staticMem = await forwardMemory(() => model.forwardStatic(x));
    // Layers 0 and 1 run for every image, layers 2 and 3 for none.
    const keep = new Uint8Array(32 * L);
    for (let b = 0; b < 32; b++) keep[b * L] = keep[b * L + 1] = 1;
    const dynMem = await forwardMemory(() => forwardDynamic(model, x, { keep }).logits);
    expect(dynMem.processedBytes).toBeLessThan(0.7 * staticMem.processedBytes);
    expect(dynMem.peakBytes).toBeGreaterThanOrEqual(0.95 * staticMem.peakBytes);
    x.dispose();
    model.dispose();
  });
});
