/**
 * `skipvit search | export | predict` as real child processes on Fashion-MNIST with a tiny 28x28 model,
 * and the search / export job kinds through the real runner.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClientSession } from '../../src-main/app/api/session';
import { kinds } from '../../src-main/app/jobs/kinds';
import { selfOwner } from '../../src-main/app/workspace/run-store';
import { Workspace } from '../../src-main/app/workspace/workspace';
import { initBackend } from '../../src-main/core/backend';
import { CATALOG } from '../../src-main/core/data';
import { predictFiles } from '../../src-main/core/export';
import { defaultMeta, saveModel, validateConfig, ViT } from '../../src-main/core/model';
import { openTestApi } from '../app/helpers';
import { tempDir } from '../train/synthetic';

const CLI = path.resolve('bin/skipvit.mjs');
const skipvit = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, SKIPVIT_BACKEND: 'wasm' } });
const json = (r: ReturnType<typeof skipvit>) => {
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

const CONFIG = validateConfig({
  imageSize: 28,
  channels: 1,
  patchSize: 7,
  dim: 16,
  depth: 4,
  heads: 2,
  mlpRatio: 2,
  numClasses: 10,
  gateHidden: 8,
  costs: 'reference',
});

/** A tiny dynamic model that says it was trained on Fashion-MNIST (random weights, gates spread out). */
async function writeTinyModel(dir: string): Promise<void> {
  const m = ViT.create(CONFIG, 5);
  for (const [name, v] of m.variables()) if (name.endsWith('.w')) v.assign(v.mul(8));
  const fm = CATALOG['fashion-mnist'];
  const dataset = { name: 'fashion-mnist', classNames: fm.classNames, height: 28, width: 28, channels: 1, mean: fm.mean, std: fm.std };
  await saveModel(dir, m, { ...defaultMeta(m, 'dynamic'), dataset, agent: { alpha: 0.5 } });
  m.dispose();
}

/** A grey 28x28 PNG, an RGB 40x56 PNG (resized and converted) and a JPEG. */
async function writeImages(dir: string): Promise<string[]> {
  const grey = new PNG({ width: 28, height: 28 });
  for (let i = 0; i < 28 * 28; i++) grey.data.set([(i * 7) % 256, (i * 7) % 256, (i * 7) % 256, 255], i * 4);
  const rgb = new PNG({ width: 40, height: 56 });
  for (let i = 0; i < 40 * 56; i++) rgb.data.set([i % 256, (i * 3) % 256, 90, 255], i * 4);
  const jpg = jpeg.encode({ width: 28, height: 28, data: Buffer.alloc(28 * 28 * 4, 128) }, 90);
  const files = [path.join(dir, 'grey.png'), path.join(dir, 'colour.png'), path.join(dir, 'photo.jpg')];
  await fs.writeFile(files[0], PNG.sync.write(grey));
  await fs.writeFile(files[1], PNG.sync.write(rgb));
  await fs.writeFile(files[2], jpg.data);
  return files;
}

let model: string;
let ws: string;
let tmp: string;

beforeAll(async () => {
  await initBackend('wasm');
  tmp = await tempDir('skipvit-cli-export-');
  model = path.join(tmp, 'model');
  ws = path.join(tmp, 'ws');
  await writeTinyModel(model);
});

describe('skipvit search / export / predict', () => {
  it('searches into a workspace run, exports its knee, refuses bad exports, and predicts on image files', async () => {
    const resultFile = path.join(tmp, 'search.json');
    const search = json(
      skipvit(
        'search',
        '--model',
        model,
        '--pop',
        '6',
        '--gens',
        '2',
        '--val-images',
        '64',
        '--test-images',
        '64',
        '--batch-size',
        '32',
        '--workspace',
        ws,
        '--out',
        resultFile,
        '--json',
      ),
    );
    expect(search).toMatchObject({
      run: expect.stringMatching(/^search-/),
      baseline: { accuracy: expect.any(Number), meanExecutedCost: expect.any(Number) },
      static: { accuracy: expect.any(Number) },
      knee: expect.any(Number),
      backend: 'wasm',
    });
    expect(search.front.length).toBeGreaterThan(0);
    expect(search.front[0]).toEqual(
      expect.objectContaining({
        index: 0,
        accuracy: expect.any(Number),
        meanExecutedCost: expect.any(Number),
        prunedLayers: expect.any(Array),
        prunedFraction: expect.any(Number),
        gateBias: expect.any(Array),
      }),
    );
    expect(search.hypervolume).toHaveLength(3);
    const { workspace } = Workspace.open(ws);
    expect(workspace.runs.read(search.run)).toMatchObject({ kind: 'search', status: 'succeeded' });
    expect(workspace.runs.readMetrics(search.run).records.map((r) => r.hypervolume)).toEqual(search.hypervolume);
    expect(JSON.parse(await fs.readFile(resultFile, 'utf8')).front).toEqual(search.front);

    const out = path.join(tmp, 'export-knee');
    const exported = json(skipvit('export', '--run', search.run, '--point', 'knee', '--out', out, '--workspace', ws, '--json'));
    const knee = search.front[search.knee];
    expect(exported).toMatchObject({
      out,
      config: { source: { run: search.run, point: search.knee, knee: true }, layers: { pruned: knee.prunedLayers } },
      accuracy: knee.accuracy,
    });
    expect(existsSync(path.join(out, 'charts', 'pareto.png'))).toBe(true);

    const again = skipvit('export', '--run', search.run, '--point', 'knee', '--out', out, '--workspace', ws);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/is not empty .*--force/);
    const unknown = skipvit('export', '--run', resultFile, '--point', '999', '--out', path.join(tmp, 'nope'));
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/point 999 is not on the front of .*search\.json/);
    expect(existsSync(path.join(tmp, 'nope'))).toBe(false);
    const doc = workspace.runs.read(search.run);
    // Owned by this (live) process, so the CLI's workspace repair leaves it running.
    workspace.runs.create({ ...doc, id: 'search-unfinished', status: 'running', endedAt: undefined, owner: selfOwner() });
    const unfinished = skipvit('export', '--run', 'search-unfinished', '--point', '0', '--out', path.join(tmp, 'nope'), '--workspace', ws);
    expect(unfinished.stderr).toMatch(/search run search-unfinished is running, not finished/);
    const forced = json(skipvit('export', '--run', resultFile, '--point', '0', '--out', out, '--force', '--json'));
    expect(forced.config.source).toMatchObject({ point: 0, resultFile });

    const images = await writeImages(tmp);
    const predicted = json(skipvit('predict', '--model', out, ...images, '--json'));
    expect(predicted.predictions.map((p: { file: string }) => p.file)).toEqual(images);
    const kept = forced.config.layers.kept as number[];
    for (const p of predicted.predictions) {
      expect(p.top).toHaveLength(3);
      expect(CATALOG['fashion-mnist'].classNames).toContain(p.top[0].name);
      expect(p.top[0].probability).toBeGreaterThanOrEqual(p.top[1].probability);
      for (const l of p.executedLayers) expect(kept).toContain(l);
    }
    expect(predicted.predictions[1]).toMatchObject({ width: 40, height: 56, resized: true, converted: true });
    // The command prints what the library computes in-process.
    expect((await predictFiles(out, images)).predictions).toEqual(predicted.predictions);

    await fs.writeFile(path.join(tmp, 'fake.png'), 'not an image');
    const bad = skipvit('predict', '--model', out, path.join(tmp, 'fake.png'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/fake\.png.*neither a PNG nor a JPEG/);
  });
});

describe('search and export job kinds', () => {
  it('run through the runner: searchResult has the SPEC keys, exportPoint makes a listed model', async () => {
    const api = openTestApi({ registry: kinds, registryUrl: undefined });
    const session = new ClientSession(null);
    await fs.cp(model, path.join(api.workspace.root, 'models', 'tiny-dynamic'), { recursive: true });
    const started = api.runner.start('search', { model: 'tiny-dynamic', pop: 4, gens: 1, maxSamples: 32, maxTestSamples: 32 });
    const premature = await api.dispatch('exportPoint', { run: started.id, point: 0 }, session);
    expect(premature).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const end = await api.runner.wait(started.id);
    expect(end.error).toBeUndefined();
    const result = await api.dispatch('searchResult', { id: started.id }, session);
    expect(result).toMatchObject({
      ok: true,
      data: { result: { run: started.id, modelId: 'tiny-dynamic', baseline: {}, knee: expect.any(Number) } },
    });
    expect(api.workspace.runs.readMetrics(started.id).records).toHaveLength(2);

    const exp = await api.dispatch('exportPoint', { run: started.id, point: 'knee' }, session);
    expect(exp.ok).toBe(true);
    const exportRun = (exp as { data: { run: { id: string } } }).data.run.id;
    const done = await api.runner.wait(exportRun);
    expect(done.error).toBeUndefined();
    expect(done).toMatchObject({ status: 'succeeded', outputModelId: exportRun });
    const out = api.workspace.runs.readResult(exportRun)!;
    expect(out).toMatchObject({ out: api.workspace.models.dir(exportRun), sourceRun: started.id, config: { schemaVersion: 1 } });
    expect(api.workspace.models.get(exportRun)).toMatchObject({ kind: 'dynamic', metrics: { accuracy: expect.any(Number) } });
  });
});
