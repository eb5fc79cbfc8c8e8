/**
 * npm run bundle:headless: the folder runs the CLI from outside the repository, with no node_modules
 * within reach and no `node` on PATH (a GPU server without Node).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
let tmp: string;
let bundle: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'skipvit-headless-'));
  bundle = path.join(tmp, 'skipvit-linux-x64');
  await run(process.execPath, ['--import', 'tsx', 'scripts/bundle-headless.ts', '--out', bundle, '--no-archive']);
  const emptyBin = path.join(tmp, 'bin');
  await fs.mkdir(emptyBin);
  // Nothing but the bundle: no PATH with node on it, no NODE_PATH, a HOME of its own.
  env = { PATH: emptyBin, HOME: tmp, LANG: 'C.UTF-8' };
  await fs.mkdir(path.join(tmp, 'elsewhere'));
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('the headless bundle', () => {
  it('holds the node binary, one CLI script, the job worker, dawn.node and the wasm files, and nothing from node_modules', async () => {
    for (const f of ['skipvit', 'node', 'skipvit.cjs', 'job-worker.js', 'dist/linux-x64/dawn.node', 'tfjs-backend-wasm-simd.wasm', 'resources/models']) {
      expect(existsSync(path.join(bundle, f)), f).toBe(true);
    }
    expect(existsSync(path.join(bundle, 'node_modules'))).toBe(false);
    expect((env.PATH ?? '').split(':').some((d) => existsSync(path.join(d, 'node')))).toBe(false);
  });

  it('runs `skipvit bench --random --preset micro --batch 8 --json` from a folder outside the repository', async () => {
    const { stdout } = await run(path.join(bundle, 'skipvit'), ['bench', '--random', '--preset', 'micro', '--batch', '8', '--seconds', '1', '--json'], {
      cwd: path.join(tmp, 'elsewhere'), env,
    });
    const r = JSON.parse(stdout);
    expect(r.kind).toBe('executor');
    expect(r.backend).toBe('wasm');
    expect(r.backendInfo.notUsed.map((n: { backend: string }) => n.backend)).toEqual(['webgpu', 'tensorflow']);
    expect(r.batches).toHaveLength(1);
    expect(r.batches[0].batchSize).toBe(8);
    expect(r.batches[0].static.imagesPerSec).toBeGreaterThan(0);
    expect(r.batches[0].dynamic.imagesPerSec).toBeGreaterThan(0);
  });

  it('serves the API, whose jobs run in the bundled worker thread (system info probe)', async () => {
    const child = spawn(path.join(bundle, 'skipvit'), ['serve', '--port', '0', '--workspace', path.join(tmp, 'ws')], { cwd: path.join(tmp, 'elsewhere'), env });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=\w+/.exec(text);
          if (m) resolve(m[0]);
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${text}`)));
      });
      const u = new URL(url);
      const res = await fetch(`${u.origin}/api/systemInfo`, {
        method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${u.searchParams.get('token')}` },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { ok: boolean; data: { backend: { name: string } } };
      expect(body.ok, JSON.stringify(body)).toBe(true);
      expect(body.data.backend.name).toBe('wasm');
    } finally {
      child.kill();
    }
  });
});
