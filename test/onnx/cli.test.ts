/**
 * The CLI's ONNX paths as real child processes on the demo models: `export --format onnx`, `eval --engine ort`
 * on the file and on the model folder (same figures as tfjs), `predict --engine ort`, and a malformed or
 * foreign file refused with a clear error and exit code 1.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src-main/core/data';
import { DEMO_DYNAMIC } from './helpers';

const CLI = path.resolve('bin/skipvit.mjs');
const skipvit = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 240_000, env: { ...process.env, SKIPVIT_BACKEND: 'wasm' } });
const json = (r: ReturnType<typeof skipvit>) => {
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skipvit-onnx-cli-'));
});
afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('skipvit and ONNX', () => {
  it('export --format onnx writes one checked file; eval --engine ort on it and on the folder equals eval on tfjs', async () => {
    const file = path.join(dir, 'dyn.onnx');
    const ex = json(skipvit('export', '--format', 'onnx', '--model', DEMO_DYNAMIC, '--out', file, '--json'));
    expect(ex).toMatchObject({ out: file, graph: 'dynamic', layers: 8, check: { images: 256, decisionsDiffer: 0, provider: 'cpu' } });
    expect(ex.check.maxLogitDiff).toBeLessThan(1e-4);
    expect(skipvit('export', '--format', 'onnx', '--model', DEMO_DYNAMIC, '--out', file).stderr).toMatch(/exists; pass --force/);

    const limit = ['--limit', '1000', '--json'];
    const onFile = json(skipvit('eval', '--model', file, '--engine', 'ort', '--threads', '1', ...limit));
    const onFolder = json(skipvit('eval', '--model', DEMO_DYNAMIC, '--engine', 'ort', ...limit));
    const onTfjs = json(skipvit('eval', '--model', DEMO_DYNAMIC, '--engine', 'wasm', ...limit));
    expect(onFile.engine).toMatchObject({ engine: 'ort', device: 'cpu', threads: 1 });
    expect(onFolder.engine).toMatchObject({ engine: 'ort', device: 'cpu', threads: os.availableParallelism() });
    expect(onTfjs.engine).toMatchObject({ engine: 'tfjs', device: 'wasm' });
    for (const r of [onFile, onFolder]) {
      expect(r.accuracy).toBe(onTfjs.accuracy);
      expect(r.layerRates).toEqual(onTfjs.layerRates);
      expect(r.mode).toBe('dynamic');
    }
    expect(onTfjs.meanExecutedLayers).toBeLessThan(7.5); // it skips: the comparison of layer rates means something
  });

  it('predict --engine ort gives the tfjs predictions', async () => {
    const data = await loadDataset('fashion-mnist', { prefer: 'debian', limit: { test: 4 } });
    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      const png = new PNG({ width: 28, height: 28 });
      for (let p = 0; p < 784; p++) {
        const v = data.test.images[i * 784 + p];
        png.data.set([v, v, v, 255], p * 4);
      }
      const f = path.join(dir, `img${i}.png`);
      await fs.writeFile(f, PNG.sync.write(png));
      files.push(f);
    }
    const ort = json(skipvit('predict', '--model', DEMO_DYNAMIC, '--engine', 'ort', '--json', ...files));
    const tfjs = json(skipvit('predict', '--model', DEMO_DYNAMIC, '--json', ...files));
    expect(ort.engine.engine).toBe('ort');
    for (let i = 0; i < 3; i++) {
      expect(ort.predictions[i].executedLayers).toEqual(tfjs.predictions[i].executedLayers);
      expect(ort.predictions[i].top[0].class).toBe(tfjs.predictions[i].top[0].class);
      expect(Math.abs(ort.predictions[i].top[0].probability - tfjs.predictions[i].top[0].probability)).toBeLessThan(1e-5);
    }
  });

  it('refuses a malformed or foreign .onnx given to --engine ort with a clear error', async () => {
    const bad = path.join(dir, 'bad.onnx');
    await fs.writeFile(bad, 'this is not a model\n');
    const r = skipvit('eval', '--model', bad, '--engine', 'ort');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${bad}: not an ONNX model`);
    const truncated = path.join(dir, 'truncated.onnx');
    await fs.writeFile(truncated, (await fs.readFile(path.join(dir, 'dyn.onnx'))).subarray(0, 4000));
    const t = skipvit('eval', '--model', truncated, '--engine', 'ort');
    expect(t.status).toBe(1);
    expect(t.stderr).toMatch(/truncated\.onnx: not an ONNX model/);
    const tfjsOnOnnx = skipvit('eval', '--model', bad);
    expect(tfjsOnOnnx.status).not.toBe(0);
    expect(tfjsOnOnnx.stderr).toMatch(/is an ONNX file: evaluate it with --engine ort/);
    const badEngine = skipvit('eval', '--model', DEMO_DYNAMIC, '--engine', 'tensorrt');
    expect(badEngine.stderr).toMatch(/--engine must be tfjs, wasm or ort, got "tensorrt"/);
  });
});
