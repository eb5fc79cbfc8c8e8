import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { forwardDynamic } from '../../src-main/core/model';
import { evaluate, trainAgent } from '../../src-main/core/train';
import { allLayersNeededModel, identityBlocksModel, saveTemp, syntheticDataset, tempDir } from './synthetic';

beforeAll(async () => {
  await initBackend('wasm');
});

const AGENT = { epochs: 12, batchSize: 32, agentLr: 3e-2, freezeBackbone: true, augment: false, entropy: 0.001 } as const;

describe('the RL agent on tasks whose answer is known', () => {
  it('learns to skip every layer when skipping costs nothing and loses nothing', async () => {
    const m = identityBlocksModel();
    const data = syntheticDataset(256);
    const before = await evaluate(m, data.test, data.info, { mode: 'dynamic' });
    expect(before.meanExecutedCost).toBeGreaterThan(0.9); // the fresh agent runs (nearly) everything
    const out = path.join(await tempDir('skipvit-agent-'), 'm');
    const r = await trainAgent({ data, from: await saveTemp(m), out, alpha: 1, ...AGENT });
    const after = await evaluate(r.model, data.test, data.info, { mode: 'dynamic' });
    expect(after.meanExecutedCost).toBeLessThan(0.1);
    expect(after.accuracy).toBe(before.accuracy); // identity blocks: skipping changed no prediction
  });

  it('learns to run every layer when skipping any layer makes the prediction wrong', async () => {
    const m = allLayersNeededModel();
    const data = syntheticDataset(256);
    // The construction: all layers -> class 0 (correct); drop any one layer -> class 1 (wrong).
    const x = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    expect(m.forwardStatic(x).argMax(1).dataSync()[0]).toBe(0);
    for (let l = 0; l < 4; l++) {
      const keep = new Uint8Array(4).fill(1);
      keep[l] = 0;
      expect((await forwardDynamic(m, x, { keep })).logits.argMax(1).dataSync()[0], `without layer ${l}`).toBe(1);
    }
    // The fresh agent (p(run) about 0.73 per layer) runs all four layers in only about 28% of samples.
    const out = path.join(await tempDir('skipvit-agent-'), 'm');
    const r = await trainAgent({ data, from: await saveTemp(m), out, alpha: 0.5, ...AGENT });
    const after = await evaluate(r.model, data.test, data.info, { mode: 'dynamic' });
    expect(after.meanExecutedCost).toBeGreaterThan(0.99);
    expect(after.accuracy).toBe(1);
  });
});
