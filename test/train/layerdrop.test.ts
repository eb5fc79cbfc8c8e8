import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { forwardDynamic, keepIndex, ViT } from '../../src-main/core/model';
import { trainStatic, type MetricRecord } from '../../src-main/core/train';
import { syntheticDataset, tempDir, TINY } from './synthetic';

beforeAll(async () => {
  await initBackend('wasm');
});

const close = (a: tf.Tensor, b: tf.Tensor) => {
  const [x, y] = [a.dataSync(), b.dataSync()];
  expect(x.length).toBe(y.length);
  x.forEach((v, i) => expect(v).toBeCloseTo(y[i], 4));
};

describe('LayerDrop in the static training path', () => {
  it('a dropped layer is the identity for that sample only, as in the dynamic executor', () => {
    const m = ViT.create(TINY, 5);
    const B = 3;
    const L = m.depth;
    const x = tf.randomUniform([B, 8, 8, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    // All kept: the plain static path.
    close(m.forwardStaticTrain(x, new Float32Array(L * B).fill(1)), m.forwardStaticTrain(x));
    // All dropped: embedding straight to the head.
    close(m.forwardStaticTrain(x, new Float32Array(L * B)), m.classify(m.embed(x)));
    // A mixed mask gives what the inference executor gives for the same skips: one KeepMask layout for both.
    const keep = new Float32Array(B * L).fill(1);
    keep[keepIndex(0, 1, L)] = 0; // sample 0 skips layer 1
    keep[keepIndex(2, 3, L)] = 0; // sample 2 skips layer 3
    keep[keepIndex(2, 0, L)] = 0; // and layer 0
    close(m.forwardStaticTrain(x, keep), forwardDynamic(m, x, { keep: Uint8Array.from(keep) }).logits);
    expect(() => m.forwardStaticTrain(x, new Float32Array(5))).toThrow(/keep must have B\*L = 12 entries \(sample-major\), got 5/);
    m.dispose();
  });

  it('trains, records its rate, resumes exactly, and refuses a rate outside [0, 1)', async () => {
    const data = syntheticDataset(96, (i) => i % 2);
    const root = await tempDir('skipvit-layerdrop-');
    const opts = (out: string) => ({ data, preset: 'micro' as const, configOverrides: { depth: 3, dim: 16, heads: 2, patchSize: 4, gateHidden: 8 }, epochs: 2, batchSize: 16, out, seed: 2, layerDrop: 0.3 });
    const full: MetricRecord[] = [];
    const a = await trainStatic(opts(path.join(root, 'a')), { onMetric: (m) => full.push(m) });
    expect((a.meta.training as { layerDrop: number }).layerDrop).toBe(0.3);
    a.model.dispose();
    const part: MetricRecord[] = [];
    (await trainStatic(opts(path.join(root, 'b')), { stopAfterSteps: 5, onMetric: (m) => part.push(m) })).model.dispose();
    (await trainStatic(opts(path.join(root, 'b')), { resume: true, onMetric: (m) => part.push(m) })).model.dispose();
    const losses = (rs: MetricRecord[]) => rs.filter((r) => r.kind === 'step' && r.step > 5).map((r) => [r.step, r.loss]);
    expect(losses(part)).toEqual(losses(full));
    expect(losses(full).length).toBeGreaterThan(0);
    await expect(trainStatic({ ...opts(path.join(root, 'c')), layerDrop: 1 })).rejects.toThrow(/layerDrop must be in \[0, 1\), got 1/);
  });
});
