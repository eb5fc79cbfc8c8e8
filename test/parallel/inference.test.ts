/**
 * Parallel inference (core/parallel/infer-pool): evaluation, search genomes, predict and the benchmark's
 * throughput mode on 2 worker threads give what one thread gives.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { runThroughputBench } from '../../src-main/core/bench/throughput-bench';
import { predictFiles } from '../../src-main/core/export/predict';
import { defaultMeta, saveModel, ViT } from '../../src-main/core/model';
import { inferenceOf, type Inference } from '../../src-main/core/model/inference';
import { runSearch } from '../../src-main/core/search/vit-search';
import { datasetMeta, evaluate } from '../../src-main/core/train';
import { syntheticDataset, tempDir, TINY } from '../train/synthetic';

const data = syntheticDataset(64, (i) => i % 2);
let model: ViT;
let dir: string;

beforeAll(async () => {
  await initBackend('wasm');
  // A tiny dynamic model whose gates are spread around "run" (some layers skipped, some not).
  model = ViT.create(TINY, 7);
  for (const [name, v] of model.variables()) if (name.endsWith('.w')) v.assign(v.mul(8));
  dir = await tempDir('skipvit-par-infer-');
  await saveModel(dir, model, { ...defaultMeta(model, 'dynamic'), agent: { alpha: 0.5 }, dataset: datasetMeta(data) });
});

describe('parallel inference', () => {
  it('evaluate: 2 workers give exactly the 1-worker result (dynamic and static, per-sample rows included)', async () => {
    // A gate bias under which the model skips some layers for some images, so the rows are not all ones.
    let inference: Inference | undefined;
    for (const b of [0, -0.5, -1, -2, -4, -8]) {
      const r = await evaluate(model, data.test, data.info, { mode: 'dynamic', batchSize: 64, inference: { ...inferenceOf(model), bias: new Array(TINY.depth).fill(b) } });
      if (r.meanExecutedLayers > 0 && r.meanExecutedLayers < TINY.depth && new Set(r.executedLayersHistogram.map((h) => h > 0)).size === 2) {
        inference = { ...inferenceOf(model), bias: new Array(TINY.depth).fill(b) };
        break;
      }
    }
    expect(inference).toBeDefined();
    for (const mode of ['dynamic', 'static'] as const) {
      const one = await evaluate(model, data.test, data.info, { mode, inference, batchSize: 16, keepPerSample: true });
      const two = await evaluate(model, data.test, data.info, { mode, inference, batchSize: 16, keepPerSample: true, workers: 2 });
      expect(two).toEqual(one);
    }
  });

  it('search: 2 workers evaluate the same genomes to the same records and front', async () => {
    const opts = { model: dir, data, pop: 6, gens: 2, valImages: 48, seed: 3, batchSize: 16 };
    const one = await runSearch(opts);
    const two = await runSearch(opts, { workers: 2 });
    // Everything but the measured timings.
    const strip = (r: typeof one) => ({ front: r.front.map((p) => ({ ...p, valLatencyMs: 0 })), generations: r.generations.map((g) => ({ ...g, seconds: 0 })) });
    expect(strip(two)).toEqual(strip(one));
    expect(two.uniqueEvaluations).toBe(one.uniqueEvaluations);
  });

  it('predict: 2 workers give the 1-worker predictions for many image files', async () => {
    const folder = await tempDir('skipvit-par-predict-');
    const files: string[] = [];
    for (let i = 0; i < 20; i++) {
      const png = new PNG({ width: 8, height: 8 });
      for (let p = 0; p < 64; p++) png.data.set([(i * 37 + p * 11) % 256, 0, 0, 255].map((v, c) => (c < 3 ? (i * 37 + p * 11) % 256 : v)), p * 4);
      const file = path.join(folder, `img-${i}.png`);
      await fs.writeFile(file, PNG.sync.write(png));
      files.push(file);
    }
    const one = await predictFiles(dir, files, { batchSize: 4 });
    const two = await predictFiles(dir, files, { batchSize: 4, workers: 2 });
    expect(two).toEqual(one);
    expect(one.predictions).toHaveLength(20);
  });

  it('bench throughput mode: 2 streams at once, both paths, recorded as mode "throughput" with its worker count', async () => {
    const demo = path.resolve('resources/models/fashion-mnist-micro-dynamic');
    const r = await runThroughputBench({ model: demo, batches: [8], secondsPerBatch: 0.4, workers: 2 });
    expect(r).toMatchObject({ kind: 'throughput', mode: 'throughput', workers: 2, model: { kind: 'dynamic' } });
    const b = r.batches[0];
    expect(b.batchSize).toBe(8);
    expect(b.static.images).toBeGreaterThan(0);
    expect(b.static.images % 8).toBe(0);
    expect(b.dynamic!.images).toBeGreaterThan(0);
    expect(b.static.imagesPerSec).toBe(b.static.images / b.static.seconds);
  });
});
