import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { gelu } from '../../src-main/core/model/ops';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('wasm-friendly ops', () => {
  it('GELU equals the tanh formula within 1e-6', () => {
    const x = tf.linspace(-8, 8, 2001);
    const ref = x.mul(0.5).mul(tf.tanh(x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1));
    expect(gelu(x).sub(ref).abs().max().dataSync()[0]).toBeLessThan(1e-6);
  });
});
