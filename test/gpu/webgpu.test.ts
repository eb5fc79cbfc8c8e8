/**
 * The webgpu backend (Dawn in Node, on SwiftShader here) computes what wasm computes: logits, a training
 * step's loss and gradients, the dynamic executor; and the training loops and model files work on it.
 * Small models and batches: SwiftShader compiles every shader on the CPU.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { defaultMeta, forwardDynamic, loadModel, saveModel, ViT } from '../../src-main/core/model';
import { namedGrads } from '../../src-main/core/train/named-grads';
import { smoothedCrossEntropy, trainAgent, trainStatic } from '../../src-main/core/train';
import { randomImages, randomKeepMask, smallConfig } from '../model/helpers';
import { saveTemp, syntheticDataset, tempDir, TINY } from '../train/synthetic';
import { useSwiftShader } from './swiftshader';

useSwiftShader();

const B = 6;
const LABELS = Int32Array.from([0, 1, 2, 3, 4, 0]);

/** Host copies of what one backend computes on the model saved in `dir`. */
async function compute(backend: 'wasm' | 'webgpu', dir: string) {
  if (backend === 'webgpu') await initBackend('webgpu', 'software');
  else await initBackend('wasm');
  const { model } = await loadModel(dir);
  const x = randomImages(B, model.config, 3); // same seed: same images on every backend
  const logits = model.forwardStatic(x);
  const vars = model.variables();
  const { value, grads } = namedGrads(() => smoothedCrossEntropy(model.forwardStaticTrain(x), LABELS, 0.1), vars);
  const out = {
    x: await x.data(),
    logits: await logits.data(),
    loss: (await value.data())[0],
    grads: new Map(await Promise.all([...grads].map(async ([k, g]) => [k, await g.data()] as const))),
  };
  tf.dispose([x, logits, value, ...grads.values()]);
  model.dispose();
  return out;
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
  const m = ViT.create(smallConfig(), 21);
  dir = path.join(await tempDir('skipvit-webgpu-'), 'm');
  await saveModel(dir, m, defaultMeta(m, 'static'));
  m.dispose();
});

describe('webgpu (Dawn + SwiftShader) against wasm on the same weights and inputs', () => {
  it('records the software adapter, and matches static logits (1e-4), the loss (1e-4) and every gradient (1e-3 relative)', async () => {
    const wasm = await compute('wasm', dir);
    const gpu = await compute('webgpu', dir);
    const info = await initBackend('webgpu', 'software');
    expect(tf.getBackend()).toBe('webgpu');
    expect(info.adapter).toMatchObject({ vendor: 'google', architecture: 'swiftshader', kind: 'software' });
    expect(info.adapter?.description).toMatch(/SwiftShader/);
    expect(maxAbs(gpu.x, wasm.x)).toBe(0);
    expect(maxAbs(gpu.logits, wasm.logits)).toBeLessThan(1e-4);
    expect(Math.abs(gpu.loss - wasm.loss)).toBeLessThan(1e-4);
    expect([...gpu.grads.keys()].sort()).toEqual([...wasm.grads.keys()].sort());
    for (const [name, g] of wasm.grads) {
      const scale = Math.max(...Array.from(g, Math.abs));
      expect(scale, `${name} has gradient`).toBeGreaterThan(0);
      expect(maxAbs(gpu.grads.get(name)!, g) / scale, name).toBeLessThan(1e-3);
    }
  });

  it('runs the executor with random per-sample keep masks: each sample equals that sample alone (1e-4)', async () => {
    await initBackend('webgpu', 'software');
    const { model: m } = await loadModel(dir);
    const L = m.depth;
    const x = randomImages(B, m.config, 7);
    const keep = randomKeepMask(B, L, 42); // one sample runs everything, one runs nothing
    const { logits, executed } = await forwardDynamic(m, x, { keep });
    expect([...executed]).toEqual([...keep]);
    const all = await logits.data();
    const K = m.config.numClasses;
    for (let b = 0; b < B; b++) {
      const alone = tf.tidy(() => {
        let t = m.embed(x.slice([b, 0, 0, 0], [1, -1, -1, -1]));
        for (let l = 0; l < L; l++) if (keep[b * L + l]) t = m.block(l, t);
        return m.classify(t);
      });
      expect(maxAbs(all.subarray(b * K, (b + 1) * K), await alone.data()), `sample ${b}`).toBeLessThan(1e-4);
      alone.dispose();
    }
    // The gates' own decisions (one read per layer) give the same logits as forcing those decisions.
    const gated = await forwardDynamic(m, x);
    const forced = await forwardDynamic(m, x, { keep: gated.executed });
    expect(maxAbs(await gated.logits.data(), await forced.logits.data())).toBeLessThan(1e-6);
    tf.dispose([x, logits, gated.logits, forced.logits]);
    m.dispose();
  });

  it('saves and loads a model bit for bit', async () => {
    await initBackend('webgpu', 'software');
    const { model: m } = await loadModel(dir);
    const again = path.join(await tempDir('skipvit-webgpu-'), 'again');
    await saveModel(again, m, defaultMeta(m, 'static'));
    const { model: back } = await loadModel(again);
    for (const [name, v] of m.variables()) {
      expect(Array.from(await back.variables().get(name)!.data()), name).toEqual(Array.from(await v.data()));
    }
    m.dispose();
    back.dispose();
  });

  it('runs a static training step and an agent step through the training loops', async () => {
    await initBackend('webgpu', 'software');
    const data = syntheticDataset(32);
    const from = await saveTemp(ViT.create(TINY, 5));
    const root = await tempDir('skipvit-webgpu-train-');
    const metrics: Record<string, number>[] = [];
    const hooks = { stopAfterSteps: 1, onMetric: (m: object) => metrics.push(m as Record<string, number>) };
    const stat = await trainStatic({ data, preset: 'micro', initFrom: from, epochs: 1, batchSize: 8, augment: false, out: path.join(root, 's') }, hooks);
    expect(stat.steps).toBe(1);
    const agent = await trainAgent({ data, from, out: path.join(root, 'a'), alpha: 0.5, epochs: 1, batchSize: 8, augment: false }, hooks);
    expect(agent.steps).toBe(1);
    expect((agent.meta.agent as { backend?: string }).backend).toBe('webgpu');
    expect(metrics).toHaveLength(2);
    const [s, a] = metrics;
    expect(Number.isFinite(s.loss) && Number.isFinite(s.gradNorm) && s.gradNorm > 0).toBe(true);
    for (const k of ['loss', 'policyLoss', 'valueLoss', 'entropy', 'ceLoss', 'executedCost', 'reward']) expect(Number.isFinite(a[k]), k).toBe(true);
    expect(a.executedCost).toBeGreaterThan(0);
  });
});
