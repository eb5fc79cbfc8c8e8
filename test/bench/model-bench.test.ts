import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { BenchResultSchema } from '../../src-main/core/results';
import { runModelBench } from '../../src-main/core/bench/model-bench';
import { loadDataset, FASHION_MNIST_CLASSES } from '../../src-main/core/data';
import { defaultMeta, loadModel, saveModel, validateConfig, ViT } from '../../src-main/core/model';
import { evaluate } from '../../src-main/core/train';
import { installFakeNvidiaSmi, useFakeNvidiaSmi } from '../telemetry/fake-nvidia-smi';
import { tempDir } from '../train/synthetic';

let modelDir: string;

beforeAll(async () => {
  await initBackend('wasm');
  // A small real model on Fashion-MNIST's shape: three layers, gates biased so that some samples skip.
  const config = validateConfig({ imageSize: 28, channels: 1, patchSize: 7, dim: 16, depth: 3, heads: 2, mlpRatio: 2, numClasses: 10, gateHidden: 8, costs: 'reference' });
  const m = ViT.create(config, 9);
  for (const g of m.params.gates) {
    g.fc2.w.assign(g.fc2.w.mul(300)); // margins of either sign, depending on the image
    g.fc2.b.assign(g.fc2.b.mul(0));
  }
  modelDir = await tempDir('skipvit-bench-model-');
  const data = await loadDataset('fashion-mnist', { prefer: 'embedded' });
  await saveModel(modelDir, m, {
    ...defaultMeta(m, 'dynamic'),
    dataset: { name: 'fashion-mnist', classNames: [...FASHION_MNIST_CLASSES], height: 28, width: 28, channels: 1, mean: data.info.mean, std: data.info.std },
  });
  m.dispose();
});

const PER_BATCH = ['batchSize', 'static', 'dynamic', 'speedup', 'idealSpeedup', 'efficiency', 'memoryRatio', 'accuracy', 'meanExecutedCost', 'energyPerImageJ', 'avgPowerW', 'rssBytes'];

describe('static versus dynamic benchmark on a real model', () => {
  it('produces every field, on the same images for both paths, and says power is not available here', async () => {
    const r = await runModelBench({ model: modelDir, batches: [1, 8], secondsPerBatch: 0.3, images: 16, split: 'test', intervalMs: 100 });
    expect(r.backend).toBe('wasm'); // the name, in both benchmarks' results; the record is backendInfo
    expect(r.backendInfo?.name).toBe('wasm');
    expect(BenchResultSchema.parse(r).kind).toBe('model');
    expect(r.hardware.cpu.logicalCores).toBeGreaterThan(0);
    expect(r.batches).toHaveLength(2);
    for (const b of r.batches) {
      for (const k of PER_BATCH) expect(b, k).toHaveProperty(k);
      for (const p of [b.static!, b.dynamic!]) {
        expect(p.imagesPerSec).toBeGreaterThan(0);
        expect(p.p95Ms).toBeGreaterThanOrEqual(p.p50Ms);
        expect(p.peakBytes).toBeGreaterThan(0);
      }
      expect(b.efficiency).toBeCloseTo(b.speedup! / b.idealSpeedup!, 10);
      expect(b.memoryRatio).toBeCloseTo(b.dynamic!.peakBytes / b.static!.peakBytes, 10);
      // No power source here: null, never an estimate.
      expect(b.energyPerImageJ).toBeNull();
      expect(b.avgPowerW).toBeNull();
    }
    expect(r.power.available).toBe(false);
    expect(r.power.reason).toMatch(/nvidia-smi not found/);
    expect(r.telemetry.samples.length).toBeGreaterThan(0);
    expect(r.telemetry.summary.selfCost.cpuFractionOfOneCore).toBeLessThan(0.05);

    // Both paths ran on the first 16 test images: their accuracies equal evaluate() on exactly those.
    const { model } = await loadModel(modelDir);
    const data = await loadDataset('fashion-mnist');
    const s = await evaluate(model, data.test, data.info, { mode: 'static', limit: 16 });
    const d = await evaluate(model, data.test, data.info, { mode: 'dynamic', limit: 16 });
    expect(r.batches[1].accuracy).toEqual({ static: s.accuracy, dynamic: d.accuracy });
    expect(r.batches[1].meanExecutedCost).toBeCloseTo(d.meanExecutedCost, 10);
    expect(d.meanExecutedCost).toBeLessThan(1); // the gates really skip, so the comparison is not trivial
  });

  it('with a (fake, recorded) GPU on PATH, reports energy per image from the sampled power', async () => {
    useFakeNvidiaSmi(installFakeNvidiaSmi(), 'h100-load.csv');
    const r = await runModelBench({ model: modelDir, batches: [8], secondsPerBatch: 1, images: 16, intervalMs: 100, telemetry: { intervalMs: 100 } });
    expect(r.power.available).toBe(true);
    expect(r.power.sources.join()).toMatch(/gpu0/);
    const b = r.batches[0];
    expect(b.energyPerImageJ!.static).toBeGreaterThan(0);
    expect(b.energyPerImageJ!.dynamic).toBeGreaterThan(0);
    // The recording's power is 100-700 W; the average over the windows lies in that range.
    expect(b.avgPowerW!.static).toBeGreaterThan(100);
    expect(b.avgPowerW!.static).toBeLessThan(710);
  });

  it('the CLI prints one JSON object with the contract keys (executor benchmark)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/skipvit.mjs', 'bench', '--random', '--preset', 'micro', '--keep', '0.5', '--batch', '1,4', '--seconds', '0.2', '--json'], { maxBuffer: 1 << 24 });
    const j = JSON.parse(stdout);
    expect(j.backend).toBe('wasm');
    for (const b of j.batches) {
      for (const k of ['batchSize', 'static', 'dynamic', 'speedup', 'idealSpeedup', 'efficiency']) expect(b).toHaveProperty(k);
      for (const k of ['imagesPerSec', 'p50Ms', 'p95Ms', 'peakBytes']) expect(b.static).toHaveProperty(k);
    }
  });
});
