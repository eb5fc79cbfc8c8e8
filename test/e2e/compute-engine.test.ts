/**
 * The compute page's engine (the core model code bundled for the browser) on WebGPU in Debian's Chromium,
 * on SwiftShader (SPEC 4: --enable-unsafe-webgpu --use-webgpu-adapter=swiftshader, a page from 127.0.0.1):
 * one dynamic forward and one training step, compared with the same code on wasm in the same page.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, ROOT } from './harness';

/** node:* imports of backend.ts are on Node-only branches: in the page they resolve to inert stand-ins. */
const nodeStubs: Plugin = {
  name: 'node-stubs',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, namespace: 'node-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'node-stub' }, () => ({
      contents:
        'export const existsSync = () => false; export const readdirSync = () => []; export const createRequire = () => { throw new Error("no require in a page"); };' +
        'export const fileURLToPath = (u) => String(u); const path = { join: (...p) => p.join("/"), dirname: (p) => p, sep: "/" }; export default path;',
      loader: 'js',
    }));
  },
};

let dir: string;
let server: http.Server;
let origin: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipvit-compute-page-'));
  await build({
    entryPoints: [path.join(ROOT, 'test', 'e2e', 'compute', 'engine-check.ts')],
    outfile: path.join(dir, 'engine.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    external: ['webgpu', '@tensorflow/tfjs-node-gpu'],
    plugins: [nodeStubs],
    logLevel: 'error',
  });
  const wasmDir = path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  for (const f of fs.readdirSync(wasmDir)) if (f.endsWith('.wasm')) fs.copyFileSync(path.join(wasmDir, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>compute</title><script type="module" src="engine.js"></script>');
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  server = http.createServer((req, res) => {
    const file = path.join(dir, path.basename(new URL(req.url ?? '/', 'http://x').pathname) || 'index.html');
    if (!fs.existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' }).end(fs.readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (server) await new Promise((r) => server.close(r)); // absent when the page's build failed
  fs.rmSync(dir, { recursive: true, force: true });
});

type Check = { backend: string; adapter: { kind: string; description: string } | null; dynamicLogits: number[]; loss: number; grads: Record<string, number[]>; gradNorm: number; after: number[] };

const maxAbs = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('the compute page engine in Chromium', () => {
  it('trains one step and runs one dynamic forward on WebGPU (SwiftShader) as it does on wasm', async () => {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'skipvit-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--no-first-run', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--disable-background-networking'],
    });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${origin}/index.html`);
      await page.waitForFunction(() => 'runEngineCheck' in globalThis, undefined, { timeout: 60_000 });
      const run = (backend: string) =>
        page.evaluate((b) => (globalThis as unknown as { runEngineCheck(b: string): Promise<unknown> }).runEngineCheck(b), backend) as Promise<Check>;
      const wasm = await run('wasm');
      const gpu = await run('webgpu');
      expect(errors).toEqual([]);
      expect(wasm.backend).toBe('wasm');
      expect(gpu.backend).toBe('webgpu');
      expect(gpu.adapter?.kind).toBe('software');
      expect(maxAbs(gpu.dynamicLogits, wasm.dynamicLogits)).toBeLessThan(1e-4);
      expect(Math.abs(gpu.loss - wasm.loss)).toBeLessThan(1e-4);
      for (const [name, g] of Object.entries(wasm.grads)) {
        const scale = Math.max(1e-12, ...g.map(Math.abs));
        expect(maxAbs(gpu.grads[name], g) / scale, name).toBeLessThan(1e-3);
      }
      expect(gpu.gradNorm).toBeGreaterThan(0);
      expect(Math.abs(gpu.gradNorm - wasm.gradNorm) / wasm.gradNorm).toBeLessThan(1e-3);
      // After the AdamW step both engines hold the same weights.
      expect(maxAbs(gpu.after, wasm.after)).toBeLessThan(1e-3);
    } finally {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});
