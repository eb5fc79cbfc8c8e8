import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { forwardDynamic, ViT } from '../../src-main/core/model';
import { maxAbsDiff, randomImages, randomKeepMask, smallConfig } from './helpers';

beforeAll(async () => {
  await initBackend('wasm');
});

/** A model whose blocks all change their input noticeably (so a wrong skip is visible). */
function model(seed = 3): ViT {
  const m = ViT.create(smallConfig(), seed);
  // Larger weights than the 0.02 init, so every block moves the tokens by a visible amount.
  for (const [name, v] of m.variables()) if (name.endsWith('.w')) v.assign(v.mul(20));
  return m;
}

describe('dynamic-infer executor', () => {
  it('with every gate forced to run equals the static path within 1e-5', async () => {
    const m = model();
    const x = randomImages(6, m.config);
    const keep = new Uint8Array(6 * m.depth).fill(1);
    const { logits, executed } = await forwardDynamic(m, x, { keep });
    const s = m.forwardStatic(x);
    expect(maxAbsDiff(logits, s)).toBeLessThan(1e-5);
    expect([...executed].every((e) => e === 1)).toBe(true);
  });

  it('with every layer skipped equals embedding -> final norm -> head', async () => {
    const m = model();
    const x = randomImages(5, m.config);
    const { logits, executed } = await forwardDynamic(m, x, { keep: new Uint8Array(5 * m.depth) });
    const direct = tf.tidy(() => m.classify(m.embed(x)));
    expect(maxAbsDiff(logits, direct)).toBeLessThan(1e-6);
    expect([...executed].every((e) => e === 0)).toBe(true);
    // And it differs from the static model, so the comparison above is not vacuous.
    expect(maxAbsDiff(logits, m.forwardStatic(x))).toBeGreaterThan(1e-2);
  });

  it('with a random per-sample keep mask, each sample equals that sample run alone through its kept layers', async () => {
    const m = model();
    const B = 9;
    const L = m.depth;
    const x = randomImages(B, m.config, 7);
    const keep = randomKeepMask(B, L, 42); // one sample runs everything, one runs nothing
    const { logits, executed } = await forwardDynamic(m, x, { keep });
    expect([...executed]).toEqual([...keep]);
    for (let b = 0; b < B; b++) {
      const alone = tf.tidy(() => {
        let t = m.embed(x.slice([b, 0, 0, 0], [1, -1, -1, -1]));
        for (let l = 0; l < L; l++) if (keep[b * L + l]) t = m.block(l, t);
        return m.classify(t);
      });
      expect(maxAbsDiff(logits.slice([b, 0], [1, -1]), alone)).toBeLessThan(1e-5);
    }
  });

  it('greedy gates: bias shifts decisions, pruned layers never run, and tensors do not leak', async () => {
    const m = model();
    const x = randomImages(8, m.config);
    const before = tf.memory().numTensors;
    const always = await forwardDynamic(m, x, { bias: new Array(m.depth).fill(1e6) });
    const never = await forwardDynamic(m, x, { bias: new Array(m.depth).fill(-1e6) });
    const pruned = await forwardDynamic(m, x, { bias: new Array(m.depth).fill(1e6), pruned: [false, true, false, true] });
    expect([...always.executed].every((e) => e === 1)).toBe(true);
    expect([...never.executed].every((e) => e === 0)).toBe(true);
    for (let b = 0; b < 8; b++) expect([...pruned.executed.subarray(b * 4, b * 4 + 4)]).toEqual([1, 0, 1, 0]);
    expect(maxAbsDiff(always.logits, m.forwardStatic(x))).toBeLessThan(1e-5);
    tf.dispose([always.logits, never.logits, pruned.logits]);
    expect(tf.memory().numTensors).toBe(before + 1); // only the static logits above are left
  });

  it('rejects a keep mask of the wrong length', async () => {
    const m = model();
    await expect(forwardDynamic(m, randomImages(2, m.config), { keep: new Uint8Array(3) })).rejects.toThrow(/keep mask must have B\*L = 8/);
  });
});
