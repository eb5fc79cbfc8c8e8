import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, parseBackendRequest, requestedFromEnv, requestFromEnv } from '../../src-main/core/backend';
import { useSwiftShader } from '../gpu/swiftshader';

useSwiftShader();

/** initBackend in a fresh process (Dawn reads the Vulkan driver list once per process). */
async function initInChild(args: string, env: Record<string, string>): Promise<{ ok: boolean; out: string }> {
  const code = `import { initBackend } from './src-main/core/backend.ts';
    try { const i = await initBackend(${args}); console.log(JSON.stringify(i)); } catch (e) { console.log('ERROR ' + e.message); }
    process.exit(0);`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { env: { ...process.env, ...env } });
  return { ok: !stdout.startsWith('ERROR'), out: stdout.trim() };
}

describe('backend selection', () => {
  it('auto picks wasm here and says why webgpu (only a software adapter) and tensorflow were not used', async () => {
    const info = await initBackend('auto');
    expect(info.name).toBe('wasm'); // no GPU, no tfjs-node-gpu on this machine
    expect(tf.getBackend()).toBe('wasm');
    expect(info.notUsed).toEqual([
      { backend: 'webgpu', reason: expect.stringMatching(/only a software WebGPU adapter was found \(google SwiftShader driver .*\), far slower than wasm; ask for it with --backend webgpu --adapter software/) },
      { backend: 'tensorflow', reason: expect.stringMatching(/tfjs-node-gpu is not installed \(it needs CUDA 11.2/) },
    ]);
    expect(info.adapter).toBeUndefined();
    expect(info.simd).toBe(true);
  });

  it('honours an explicit request, and refuses a backend that cannot load instead of falling back', async () => {
    const cpu = await initBackend('cpu');
    expect(cpu.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(cpu.notUsed.map((n) => n.backend)).toEqual(['webgpu', 'tensorflow', 'wasm']);
    await expect(initBackend('tensorflow')).rejects.toThrow(/backend "tensorflow" was requested but @tensorflow\/tfjs-node-gpu is not installed/);
    await expect(initBackend('webgpu')).rejects.toThrow(/backend "webgpu" was requested but only a software WebGPU adapter was found/);
    const gpu = await initBackend('webgpu', 'software');
    expect(tf.getBackend()).toBe('webgpu');
    expect(gpu.adapter).toEqual({
      vendor: 'google', architecture: 'swiftshader', device: expect.any(String), description: expect.stringMatching(/^SwiftShader driver/),
      driver: expect.stringMatching(/^SwiftShader driver/), kind: 'software',
    });
  });

  it('with no Vulkan driver at all: auto says there is no adapter, an explicit webgpu is an error', async () => {
    const env = { VK_ICD_FILENAMES: '/nonexistent/icd.json' };
    const auto = await initInChild(`'auto'`, env);
    expect(auto.ok).toBe(true);
    expect(JSON.parse(auto.out)).toMatchObject({ name: 'wasm', notUsed: [{ backend: 'webgpu', reason: expect.stringMatching(/^no WebGPU adapter: no GPU with a Vulkan, Metal or D3D12 driver was found/) }, { backend: 'tensorflow' }] });
    const explicit = await initInChild(`'webgpu', 'software'`, env);
    expect(explicit.out).toMatch(/^ERROR backend "webgpu" was requested but no software WebGPU adapter \(on Linux: a SwiftShader Vulkan driver/);
  });

  it('reads SKIPVIT_BACKEND (with an optional adapter) and rejects an unknown name or adapter', () => {
    process.env.SKIPVIT_BACKEND = 'CPU';
    expect(requestedFromEnv()).toBe('cpu');
    process.env.SKIPVIT_BACKEND = 'webgpu:software';
    expect(requestFromEnv()).toEqual({ backend: 'webgpu', adapter: 'software' });
    process.env.SKIPVIT_BACKEND = 'metal';
    expect(() => requestedFromEnv()).toThrow(/SKIPVIT_BACKEND="metal" is not a backend/);
    delete process.env.SKIPVIT_BACKEND;
    expect(requestFromEnv()).toEqual({ backend: 'auto', adapter: 'hardware' });
    expect(() => parseBackendRequest('webgpu:virtual', '--adapter')).toThrow(/--adapter="webgpu:virtual": the adapter must be hardware or software, got "virtual"/);
  });
});
