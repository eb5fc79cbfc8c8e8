import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, requestedFromEnv } from '../../src-main/core/backend';

describe('backend selection', () => {
  it('auto picks the fastest backend that loads and says why the faster ones were not used', async () => {
    const info = await initBackend('auto');
    expect(info.name).toBe('wasm'); // no tfjs-node-gpu on this machine
    expect(tf.getBackend()).toBe('wasm');
    expect(info.notUsed).toEqual([{ backend: 'tensorflow', reason: expect.stringMatching(/tfjs-node-gpu is not installed/) }]);
    expect(info.simd).toBe(true);
  });

  it('honours an explicit request, and refuses a backend that cannot load instead of falling back', async () => {
    const cpu = await initBackend('cpu');
    expect(cpu.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(cpu.notUsed.map((n) => n.backend)).toEqual(['tensorflow', 'wasm']);
    await expect(initBackend('tensorflow')).rejects.toThrow(/backend "tensorflow" was requested but @tensorflow\/tfjs-node-gpu is not installed/);
  });

  it('reads SKIPVIT_BACKEND and rejects an unknown name', () => {
    process.env.SKIPVIT_BACKEND = 'CPU';
    expect(requestedFromEnv()).toBe('cpu');
    process.env.SKIPVIT_BACKEND = 'metal';
    expect(() => requestedFromEnv()).toThrow(/SKIPVIT_BACKEND="metal" is not a backend/);
    delete process.env.SKIPVIT_BACKEND;
    expect(requestedFromEnv()).toBe('auto');
  });
});
