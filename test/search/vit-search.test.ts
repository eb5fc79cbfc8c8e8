/** The RL-aware ViT search (issue 8 part 2) on a tiny model and an in-memory dataset. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { defaultMeta, inferenceOf, saveModel, ViT } from '../../src-main/core/model';
import { createGenomeEvaluator, measureChoice, prepareSplit } from '../../src-main/core/search/vit-evaluator';
import { tfjsEngine } from '../../src-main/core/inference/engine';
import { decodeGenome, genomeKey, unprunedGenome } from '../../src-main/core/search/vit-genome';
import { runSearch, type VitSearchResult } from '../../src-main/core/search/vit-search';
import { evaluate } from '../../src-main/core/train';
import { CancelledError } from '../../src-main/core/util/cancel';
import { syntheticDataset, tempDir, TINY } from '../train/synthetic';

const data = syntheticDataset(64, (i) => i % 2);

/** A tiny dynamic model whose gates are spread around "run", so biases change decisions both ways. */
async function tinyDynamic(): Promise<{ dir: string; model: ViT }> {
  const model = ViT.create(TINY, 7);
  for (const [name, v] of model.variables()) if (name.endsWith('.w')) v.assign(v.mul(8));
  const dir = await tempDir('skipvit-search-');
  await saveModel(dir, model, { ...defaultMeta(model, 'dynamic'), agent: { alpha: 0.5 } });
  return { dir, model };
}

let dir: string;
let model: ViT;
let first: VitSearchResult;

beforeAll(async () => {
  await initBackend('wasm');
  ({ dir, model } = await tinyDynamic());
  first = await runSearch({ model: dir, data, pop: 8, gens: 4, valImages: 48, seed: 3, batchSize: 16 });
});

describe('ViT search', () => {
  it('returns the SPEC 9 keys with a non-empty front, the knee inside it, and provenance', () => {
    const r = first;
    expect(r.front.length).toBeGreaterThan(0);
    expect(r.run).toBeNull();
    expect(r.knee).not.toBeNull();
    expect(r.knee!).toBeGreaterThanOrEqual(0);
    expect(r.knee!).toBeLessThan(r.front.length);
    for (const i of r.highTradeoff) expect(i).toBeLessThan(r.front.length);
    expect(r).toMatchObject({ alpha: 0.5, alphaSource: 'model', objective: 'accuracy', pop: 8, gens: 4, seed: 3, backend: 'wasm' });
    expect(r.splits).toEqual({ val: { images: 48, of: 64, split: null }, test: { images: 64, of: 64 } });
    expect(r.generations.map((g) => g.generation)).toEqual([0, 1, 2, 3, 4]);
    expect(r.evaluations).toBe(8 * 5);
    expect(r.uniqueEvaluations + r.cacheHits).toBe(r.evaluations);
    expect(r.evaluationsPerSec).toBeGreaterThan(0);
    r.front.forEach((p, i) => {
      expect(p.index).toBe(i);
      expect(p.gateBias).toHaveLength(TINY.depth);
      expect(p.prunedFraction).toBe(p.prunedLayers.length / TINY.depth);
      expect(p.prunedLayers.length).toBeLessThan(TINY.depth); // all-pruned genomes are infeasible
      for (const l of p.prunedLayers) expect(p.gateBias[l]).toBe(0);
    });
    // Sorted by validation executed cost; no point dominates another on validation.
    for (let i = 1; i < r.front.length; i++) expect(r.front[i].valExecutedCost).toBeGreaterThanOrEqual(r.front[i - 1].valExecutedCost);
    for (const a of r.front)
      for (const b of r.front) {
        const dominates = a.objectives.every((v, k) => v <= b.objectives[k]) && a.objectives.some((v, k) => v < b.objectives[k]);
        expect(dominates).toBe(false);
      }
  });

  it('seeds the unpruned zero-bias genome first, and the baseline is the unpruned model on test', async () => {
    const seed = first.evaluated[0];
    expect(seed).toMatchObject({ id: 0, generation: 0, prunedLayers: [] });
    expect(seed.gateBias.every((b) => b === 0)).toBe(true);
    const dyn = await evaluate(model, data.test, data.info, { mode: 'dynamic' });
    const stat = await evaluate(model, data.test, data.info, { mode: 'static' });
    expect(first.baseline.accuracy).toBe(dyn.accuracy);
    expect(first.baseline.meanExecutedCost).toBe(dyn.meanExecutedCost);
    expect(first.static.accuracy).toBe(stat.accuracy);
    expect(first.baseline.valAccuracy).toBe(seed.valAccuracy);
  });

  it('has a non-decreasing hypervolume history (an elitist archive), one value per generation', () => {
    expect(first.hypervolume).toHaveLength(5);
    for (let i = 1; i < first.hypervolume.length; i++) expect(first.hypervolume[i]).toBeGreaterThanOrEqual(first.hypervolume[i - 1]);
    expect(first.hypervolume[0]).toBeGreaterThan(0);
    expect(first.referencePoint).toHaveLength(2);
  });

  it('re-evaluates every front point on test exactly as evaluate() does with that genome', async () => {
    for (const p of first.front) {
      const pruned = Array.from({ length: TINY.depth }, (_, l) => p.prunedLayers.includes(l));
      const inference = { ...inferenceOf(model), bias: p.gateBias, pruned };
      const t = await evaluate(model, data.test, data.info, { mode: 'dynamic', inference });
      expect([p.accuracy, p.meanExecutedCost, p.meanExecutedLayers]).toEqual([t.accuracy, t.meanExecutedCost, t.meanExecutedLayers]);
      // The validation numbers are evaluate() on the first valImages of val, too.
      const v = await evaluate(model, data.val, data.info, { mode: 'dynamic', inference, limit: 48 });
      expect([p.valAccuracy, p.valExecutedCost]).toEqual([v.accuracy, v.meanExecutedCost]);
      expect(p.valReward).toBeCloseTo(v.accuracy - 0.5 * v.meanExecutedCost * model.costs.reduce((a, b) => a + b, 0), 12);
    }
  });

  it('gives the same front for the same seed', async () => {
    const again = await runSearch({ model: dir, data, pop: 8, gens: 4, valImages: 48, seed: 3, batchSize: 16 });
    const strip = (r: VitSearchResult) =>
      r.front.map(({ prunedLayers, gateBias, objectives, accuracy }) => ({ prunedLayers, gateBias, objectives, accuracy }));
    expect(strip(again)).toEqual(strip(first));
    expect(again.hypervolume).toEqual(first.hypervolume);
  });

  it('takes the RL reward as objective, an explicit alpha, and latency as a third objective', async () => {
    const r = await runSearch({
      model: dir,
      data,
      pop: 4,
      gens: 1,
      valImages: 16,
      testImages: 16,
      objective: 'reward',
      alpha: 2,
      latency: true,
      batchSize: 16,
    });
    expect(r).toMatchObject({ objective: 'reward', alpha: 2, alphaSource: 'option', latency: true, splits: { test: { images: 16 } } });
    expect(r.referencePoint).toHaveLength(3);
    for (const p of r.front) {
      expect(p.objectives[0]).toBe(-p.valReward);
      expect(p.objectives[2]).toBe(p.valLatencyMs);
    }
  });

  it('refuses bad input with clear messages', async () => {
    await expect(runSearch({ model: dir, data: syntheticDataset(8), pop: 1, gens: 1 })).rejects.toThrow(/pop must be at least 2/);
    const wrong = { ...data, info: { ...data.info, classNames: ['a', 'b', 'c'] } };
    await expect(runSearch({ model: dir, data: wrong })).rejects.toThrow(/3 classes, but the model .* has 2 outputs/);
    await expect(runSearch({ model: dir, data, objective: 'speed' as never })).rejects.toThrow(/objective must be/);
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(runSearch({ model: dir, data, pop: 4, gens: 2, valImages: 8 }, { signal: cancelled.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('genome evaluation', () => {
  it('caches by genome key; the bias of a pruned layer does not make a new genome', async () => {
    const before = tf.memory().numTensors;
    const split = prepareSplit(data.val, data.info, 32, 16);
    const engine = tfjsEngine(model);
    const ev = createGenomeEvaluator(engine, split, { alpha: 1, objective: 'reward', latency: false });
    const a = { real: [0.5, -1, 2, 0], bits: [0, 1, 0, 0] };
    const b = { real: [0.5, 3, 2, 0], bits: [0, 1, 0, 0] };
    expect(genomeKey(a)).toBe(genomeKey(b));
    expect(decodeGenome(b).bias).toEqual([0.5, 0, 2, 0]);
    const out = await ev.evaluate([a, b, unprunedGenome(4), a]);
    expect(ev.records).toHaveLength(2);
    expect(ev.requests()).toBe(4);
    expect(out[0]).toEqual(out[1]);
    const direct = await measureChoice(engine, split, decodeGenome(a), 1);
    expect(out[0].objectives).toEqual([-direct.reward, direct.executedCost]);
    const allPruned = await ev.evaluate([{ real: [0, 0, 0, 0], bits: [1, 1, 1, 1] }]);
    expect(allPruned[0].constraintViolation).toBe(1);
    expect(tf.memory().numTensors).toBe(before); // nothing leaked by the evaluations
  });
});
