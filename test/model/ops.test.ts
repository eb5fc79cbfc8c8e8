import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { gelu, mapRows } from '../../src-main/core/model/ops';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('wasm-friendly ops', () => {
  it('GELU equals the tanh formula within 1e-6', () => {
    const x = tf.linspace(-8, 8, 2001);
    const ref = x.mul(0.5).mul(tf.tanh(x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1));
    expect(gelu(x).sub(ref).abs().max().dataSync()[0]).toBeLessThan(1e-6);
  });

  for (const onHost of [true, false]) {
    it(`mapRows (${onHost ? 'host row copies' : 'tf.gather, the GPU path'}) changes exactly the chosen rows, through f on those rows only`, () => {
      const x = tf.randomNormal([7, 3, 2]);
      const idx = [0, 2, 3, 6];
      let seen: number[] = [];
      const same = mapRows(x, idx, (r) => ((seen = Array.from(r.dataSync())), r), onHost);
      expect(seen).toEqual(Array.from(tf.gather(x, tf.tensor1d(idx, 'int32')).dataSync()));
      expect(Array.from(same.dataSync())).toEqual(Array.from(x.dataSync()));
      const before = x.dataSync().slice();
      const changed = mapRows(x, idx, (r) => r.mul(2), onHost);
      const want = before.slice();
      for (const b of idx) for (let i = 0; i < 6; i++) want[b * 6 + i] *= 2;
      expect(Array.from(changed.dataSync())).toEqual(Array.from(want));
      expect(Array.from(x.dataSync())).toEqual(Array.from(before)); // x itself untouched
    });
  }
});
