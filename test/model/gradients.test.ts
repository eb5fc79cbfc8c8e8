import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { setOpsMode, ViT } from '../../src-main/core/model';
import { namedGrads } from '../../src-main/core/train/named-grads';
import { randomImages, smallConfig } from './helpers';

/** One dynamic-train loss touching every part: CE on logits, policy term, value term. */
function dynamicLoss(m: ViT, x: tf.Tensor4D, uniforms: Float32Array) {
  const out = m.forwardDynamicTrain(x, uniforms);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 0], 'int32'), m.config.numClasses);
  return tf.losses.softmaxCrossEntropy(y, out.logits).add(out.logProbs.mean()).add(out.values.square().mean()) as tf.Scalar;
}

async function gradsOn(backend: 'wasm' | 'cpu') {
  await initBackend(backend);
  const m = ViT.create(smallConfig(), 11);
  const x = randomImages(6, m.config, 5);
  // Half run, half skip, so both branches of every gate carry gradient.
  const u = new Float32Array(6 * m.depth).map((_, i) => (i % 2 === 0 ? 0.01 : 0.99));
  const { value, grads } = namedGrads(() => dynamicLoss(m, x, u), m.variables());
  const out = { loss: value.dataSync()[0], grads: new Map([...grads].map(([k, g]) => [k, g.dataSync().slice() as Float32Array])) };
  m.dispose();
  return out;
}

describe('dynamic-train gradients', () => {
  it('reach every trainable variable, finite and non-zero, and wasm and cpu agree within 1e-4', async () => {
    const wasm = await gradsOn('wasm');
    const cpu = await gradsOn('cpu');
    const m = ViT.create(smallConfig(), 11);
    const names = [...m.variables().keys()];
    m.dispose();
    expect([...wasm.grads.keys()].sort()).toEqual(names.sort());
    for (const [name, g] of wasm.grads) {
      expect(g.every(Number.isFinite), `${name} finite`).toBe(true);
      expect(g.some((v) => v !== 0), `${name} non-zero`).toBe(true);
      const c = cpu.grads.get(name)!;
      let diff = 0;
      for (let i = 0; i < g.length; i++) diff = Math.max(diff, Math.abs(g[i] - c[i]));
      expect(diff, `${name} wasm vs cpu`).toBeLessThan(1e-4);
    }
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-4);
  });

  it('the wasm-friendly ops compute the same gradients as plain tfjs ops', async () => {
    await initBackend('wasm');
    const m = ViT.create(smallConfig(), 12);
    const x = randomImages(6, m.config, 6);
    const u = new Float32Array(6 * m.depth).fill(0.3);
    const fast = namedGrads(() => dynamicLoss(m, x, u), m.variables());
    setOpsMode('plain');
    const plain = namedGrads(() => dynamicLoss(m, x, u), m.variables());
    setOpsMode('wasm-friendly');
    for (const [name, g] of fast.grads) {
      const d = tf.tidy(() => g.sub(plain.grads.get(name)!).abs().max().dataSync()[0]);
      expect(d, name).toBeLessThan(1e-5);
    }
  });
});
