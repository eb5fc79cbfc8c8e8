/**
 * `skipvit bench --backends wasm,webgpu --adapter software` (issue 18): the same executor benchmark on each
 * tfjs backend in one run, as a real child process; on SwiftShader here, so a tiny batch and time budget.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD, useSwiftShader } from './swiftshader';

useSwiftShader();

describe('skipvit bench --backends', () => {
  it('returns one result per backend, in order, each with its own backend and the adapter recorded', () => {
    const r = spawnSync(
      process.execPath,
      [path.resolve('bin/skipvit.mjs'), 'bench', '--backends', 'wasm,webgpu', '--adapter', 'software', '--random', '--preset', 'micro', '--keep', '0.5', '--batch', '2', '--seconds', '0.5', '--json'],
      { encoding: 'utf8', timeout: 240_000, env: { ...process.env, VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD } },
    );
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { backend: string; backends: { backend: string; backendInfo: { adapter?: { kind: string } }; batches: { static: { imagesPerSec: number }; dynamic: { imagesPerSec: number } }[] }[] };
    expect(doc.backends.map((b) => b.backend)).toEqual(['wasm', 'webgpu']);
    expect(doc.backend).toBe('wasm'); // the first's figures on top
    expect(doc.backends[1].backendInfo.adapter?.kind).toBe('software');
    for (const b of doc.backends) {
      expect(b.batches[0].static.imagesPerSec).toBeGreaterThan(0);
      expect(b.batches[0].dynamic.imagesPerSec).toBeGreaterThan(0);
    }
  });
});
