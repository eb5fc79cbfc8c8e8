/** Export of a search point (issue 8 part 3): pruned model, config.json, report, import back. */
import { existsSync, promises as fs, readdirSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { exportPoint, importExport, pruneModel } from '../../src-main/core/export';
import { defaultMeta, forwardDynamic, inferenceOf, loadModel, saveModel, ViT } from '../../src-main/core/model';
import { runSearch, type VitSearchResult } from '../../src-main/core/search/vit-search';
import { evaluate } from '../../src-main/core/train';
import { syntheticDataset, tempDir, TINY } from '../train/synthetic';

const data = syntheticDataset(64, (i) => i % 2);
let modelDir: string;
let source: ViT;
let result: VitSearchResult;
/** The front point with the most pruned layers. */
let point: VitSearchResult['front'][number];
let out: string;

beforeAll(async () => {
  await initBackend('wasm');
  source = ViT.create(TINY, 7);
  for (const [name, v] of source.variables()) if (name.endsWith('.w')) v.assign(v.mul(8));
  modelDir = await tempDir('skipvit-export-src-');
  await saveModel(modelDir, source, { ...defaultMeta(source, 'dynamic'), agent: { alpha: 0.5 } });
  result = await runSearch({ model: modelDir, data, pop: 8, gens: 3, valImages: 48, seed: 3, batchSize: 16 });
  point = result.front.reduce((a, b) => (b.prunedLayers.length > a.prunedLayers.length ? b : a));
  out = path.join(await tempDir('skipvit-export-'), 'point');
  await exportPoint({ result: JSON.parse(JSON.stringify(result)), point: point.index, out, data });
});

const pruneFlags = (p: { prunedLayers: number[] }) => Array.from({ length: TINY.depth }, (_, l) => p.prunedLayers.includes(l));

describe('export', () => {
  it('writes config.json, the tfjs model, report.md and PNG charts', async () => {
    expect(point.prunedLayers.length).toBeGreaterThan(0); // the test exercises real pruning
    for (const f of ['config.json', 'model.json', 'weights.bin', 'report.md', 'charts/pareto.png', 'charts/hypervolume.png']) {
      expect(existsSync(path.join(out, f)), f).toBe(true);
    }
    const png = PNG.sync.read(await fs.readFile(path.join(out, 'charts/pareto.png')));
    expect([png.width, png.height]).toEqual([960, 560]);
    const report = await fs.readFile(path.join(out, 'report.md'), 'utf8');
    expect(report).toContain('![Search front: accuracy versus compute](charts/pareto.png)');
    expect(report).toContain(`${point.prunedLayers.length} of ${TINY.depth} encoder layers are removed`);
    const config = JSON.parse(await fs.readFile(path.join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      schemaVersion: 1,
      format: 'skipvit-export',
      source: { model: modelDir, point: point.index, run: null },
      architecture: { depth: TINY.depth - point.prunedLayers.length, sourceDepth: TINY.depth, dim: TINY.dim },
      dataset: { name: 'synthetic', preprocessing: { layout: 'NHWC', mean: [0.5], std: [0.25] } },
      layers: { pruned: point.prunedLayers, sourceCosts: source.costs },
      metrics: {
        search: { testAccuracy: point.accuracy, valAccuracy: point.valAccuracy },
        measured: { accuracy: point.accuracy, matchesSearch: true, backend: 'wasm' },
      },
    });
    expect(config.layers.kept).toEqual(pruneFlags(point).flatMap((p, l) => (p ? [] : [l])));
    expect(config.layers.gateBias).toEqual(config.layers.kept.map((l: number) => point.gateBias[l]));
    // Only the committed folder is left: no staging folder beside it.
    expect(readdirSync(path.dirname(out))).toEqual(['point']);
  });

  it('removes the pruned layers physically: weights.bin shrinks by exactly their parameters', async () => {
    const perLayer = [...source.variables()]
      .filter(([name]) => /^(blocks|gates|values)\.0\./.test(name))
      .reduce((n, [, v]) => n + v.size, 0);
    const full = (await fs.stat(path.join(modelDir, 'weights.bin'))).size;
    const exported = (await fs.stat(path.join(out, 'weights.bin'))).size;
    expect(exported).toBe(full - point.prunedLayers.length * perLayer * 4);
    const { meta } = await loadModel(out);
    expect(meta.config.depth).toBe(TINY.depth - point.prunedLayers.length);
    expect(meta.costs).toEqual(meta.sourceLayers!.map((l) => source.costs[l]));
    expect(meta.sourceDepth).toBe(TINY.depth);
  });

  it("loads back through importExport, and runs as its metadata says, with the front's test accuracy and cost", async () => {
    const imported = await importExport(out);
    const r = await evaluate(imported.model, data.test, data.info, {
      mode: 'dynamic',
      inference: inferenceOf(imported.model, imported.meta),
      batchSize: result.batchSize,
    });
    expect(r.accuracy).toBe(point.accuracy);
    // Executed cost as a fraction of the ORIGINAL model's total (meta.sourceCosts), as on the front.
    expect(r.meanExecutedCost).toBeCloseTo(point.meanExecutedCost, 12);
    expect(imported.config.metrics.measured.accuracy).toBe(point.accuracy);
    expect(imported.config.metrics.measured.meanExecutedCost).toBeCloseTo(point.meanExecutedCost, 12);
    imported.model.dispose();
  });

  it('predicts exactly as the unexported model with the same genome, on the same original layers', async () => {
    const { model: exported, meta } = await loadModel(out);
    const x = tf.tensor4d(
      new Float32Array(12 * 64).map((_, i) => Math.sin(i * 0.37) * 2),
      [12, 8, 8, 1],
    );
    const a = forwardDynamic(source, x, { bias: point.gateBias, pruned: pruneFlags(point) });
    const b = forwardDynamic(exported, x, { bias: meta.gateBias });
    expect(Array.from(b.logits.dataSync())).toEqual(Array.from(a.logits.dataSync()));
    const L = TINY.depth;
    const kept = meta.sourceLayers!;
    for (let i = 0; i < 12; i++) {
      const ranOriginal = Array.from({ length: L }, (_, l) => l).filter((l) => a.executed[i * L + l]);
      const ranExported = kept.filter((_, k) => b.executed[i * kept.length + k]);
      expect(ranExported).toEqual(ranOriginal);
    }
    tf.dispose([x, a.logits, b.logits]);
    exported.dispose();
  });

  it('refuses bad exports clearly and leaves the target untouched', async () => {
    const parsed = JSON.parse(JSON.stringify(result));
    await expect(exportPoint({ result: parsed, point: 99, out: path.join(path.dirname(out), 'x'), data })).rejects.toThrow(
      /point 99 is not on the front .*indices 0\.\./,
    );
    await expect(exportPoint({ result: parsed, point: point.index, out, data })).rejects.toThrow(/is not empty .* --force/);
    await expect(exportPoint({ result: { front: [] }, point: 0, out: path.join(path.dirname(out), 'y'), data })).rejects.toThrow(
      /not a ViT search result/,
    );
    await expect(
      exportPoint({ result: { ...parsed, knee: null }, point: 'knee', out: path.join(path.dirname(out), 'z'), data }),
    ).rejects.toThrow(/suggests no knee/);
    const foreign = await tempDir('skipvit-export-foreign-');
    await fs.writeFile(path.join(foreign, 'notes.txt'), 'mine');
    await expect(exportPoint({ result: parsed, point: 0, out: foreign, force: true, data })).rejects.toThrow(
      /refusing to replace .*notes\.txt/,
    );
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
    const wrongModel = await tempDir('skipvit-export-other-');
    const other = ViT.create({ ...TINY, depth: 3 }, 1);
    await saveModel(wrongModel, other, defaultMeta(other, 'dynamic'));
    await expect(exportPoint({ result: parsed, point: 0, out: path.join(foreign, '..', 'w'), modelDir: wrongModel, data })).rejects.toThrow(
      /has 3 layers, but the search result searched a model with 4/,
    );
    expect(readdirSync(path.dirname(out))).toEqual(['point']);
  });

  it('replaces an earlier export with --force, and import refuses a folder changed after export', async () => {
    const again = await exportPoint({ result: JSON.parse(JSON.stringify(result)), point: 0, out, force: true, data });
    expect(again.config.source.point).toBe(0);
    const copy = path.join(await tempDir('skipvit-export-copy-'), 'copy');
    await fs.cp(out, copy, { recursive: true });
    const config = JSON.parse(await fs.readFile(path.join(copy, 'config.json'), 'utf8'));
    await fs.writeFile(
      path.join(copy, 'config.json'),
      JSON.stringify({ ...config, layers: { ...config.layers, gateBias: config.layers.gateBias.map((b: number) => b + 1) } }),
    );
    await expect(importExport(copy)).rejects.toThrow(/other gate biases than config.json/);
    await fs.writeFile(path.join(copy, 'config.json'), JSON.stringify({ ...config, schemaVersion: 9 }));
    await expect(importExport(copy)).rejects.toThrow(/schema version 9 is not supported/);
    await fs.rm(path.join(copy, 'config.json'));
    await expect(importExport(copy)).rejects.toThrow(/not an export folder: it has no config.json/);
  });

  it('copies an export into a workspace as a model', async () => {
    const ws = await tempDir('skipvit-ws-');
    const imported = await importExport(out, { workspace: ws, modelId: 'exported-knee' });
    imported.model.dispose();
    expect(imported.modelId).toBe('exported-knee');
    expect(existsSync(path.join(ws, 'models', 'exported-knee', 'model.json'))).toBe(true);
    await expect(importExport(out, { workspace: ws, modelId: 'exported-knee' })).rejects.toThrow(/already has a model "exported-knee"/);
  });

  it("pruneModel keeps the kept layers' parameters under renumbered names", () => {
    const { model, sourceLayers } = pruneModel(source, [true, false, true, false]);
    expect(sourceLayers).toEqual([1, 3]);
    const a = source.variables().get('blocks.3.fc1.w')!;
    const b = model.variables().get('blocks.1.fc1.w')!;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(() => pruneModel(source, [true, true, true, true])).toThrow(/every layer is pruned/);
    model.dispose();
  });
});
