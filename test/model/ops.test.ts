import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { gatherRows, gelu, scatterRows } from '../../src-main/core/model/ops';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('wasm-friendly ops', () => {
  it('GELU equals the tanh formula within 1e-6', () => {
    const x = tf.linspace(-8, 8, 2001);
    const ref = x.mul(0.5).mul(tf.tanh(x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1));
    expect(gelu(x).sub(ref).abs().max().dataSync()[0]).toBeLessThan(1e-6);
  });

  it('row gather and scatter on the host equal tf.gather and the identity round trip', () => {
    const x = tf.randomNormal([7, 3, 2]);
    const idx = [0, 2, 3, 6];
    const g = gatherRows(x, idx);
    expect(Array.from(g.dataSync())).toEqual(Array.from(tf.gather(x, tf.tensor1d(idx, 'int32')).dataSync()));
    const back = scatterRows(x, idx, g);
    expect(Array.from(back.dataSync())).toEqual(Array.from(x.dataSync()));
    const changed = scatterRows(x, idx, g.mul(2));
    const want = x.dataSync().slice();
    for (const b of idx) for (let i = 0; i < 6; i++) want[b * 6 + i] *= 2;
    expect(Array.from(changed.dataSync())).toEqual(Array.from(want));
  });
});
