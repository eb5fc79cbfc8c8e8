/**
 * Issue 17, fix 3: an exported Pareto point runs in the studio as it ran on the search's front. A real search
 * of the demo dynamic model on Fashion-MNIST, its point exported, then the studio's eval job on the export:
 * the accuracy and the executed cost equal the front's figures (the export's own gate bias applied, the cost a
 * fraction of the original model's total).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kinds } from '../../src-main/app/jobs/kinds';
import { openTestApi } from './helpers';

interface Front {
  front: { index: number; accuracy: number; meanExecutedCost: number; gateBias: number[]; prunedLayers: number[] }[];
  batchSize: number;
  splits: { test: { images: number } };
}

describe('an exported point in the studio', () => {
  it("the eval job's accuracy and cost on the export equal the search front's", async () => {
    const api = openTestApi({ registry: kinds, registryUrl: undefined, demoModels: undefined });
    const search = api.runner.start('search', { model: 'demo:fashion-mnist-micro-dynamic', pop: 4, gens: 1, maxSamples: 64, maxTestSamples: 160, seed: 3 });
    const searched = await api.runner.wait(search.id);
    expect(searched.error).toBeUndefined();
    const result = api.workspace.runs.readResult(search.id) as unknown as Front;
    // The point whose bias matters most: the largest gate bias in magnitude.
    const point = [...result.front].sort((a, b) => Math.max(...b.gateBias.map(Math.abs)) - Math.max(...a.gateBias.map(Math.abs)))[0];
    expect(Math.max(...point.gateBias.map(Math.abs))).toBeGreaterThan(0.1);

    // Exported as the studio's "Export as ONNX" does: the folder plus one model.onnx checked in onnxruntime.
    const exp = api.runner.start('export', { run: search.id, point: point.index, format: 'onnx' });
    const exported = await api.runner.wait(exp.id);
    expect(exported.error).toBeUndefined();
    const written = api.workspace.runs.readResult(exp.id) as { onnx: { out: string } | null };
    expect(written.onnx?.out).toMatch(/model\.onnx$/);
    expect(fs.existsSync(written.onnx!.out)).toBe(true);

    const evaluation = api.runner.start('eval', { model: exp.id, split: 'test', maxSamples: result.splits.test.images, batchSize: result.batchSize });
    const evaluated = await api.runner.wait(evaluation.id);
    expect(evaluated.error).toBeUndefined();
    const r = api.workspace.runs.readResult(evaluation.id) as { accuracy: number; meanExecutedCost: number; images: number };
    expect(r.images).toBe(result.splits.test.images);
    expect(r.accuracy).toBe(point.accuracy);
    expect(r.meanExecutedCost).toBeCloseTo(point.meanExecutedCost, 9);

    // The same export on onnxruntime: the same images, the same accuracy as the front's.
    const onOrt = api.runner.start('eval', { model: exp.id, split: 'test', maxSamples: result.splits.test.images, batchSize: result.batchSize, engine: 'ort' });
    expect((await api.runner.wait(onOrt.id)).error).toBeUndefined();
    const o = api.workspace.runs.readResult(onOrt.id) as { accuracy: number; meanExecutedCost: number; engine: { engine: string } };
    expect(o.engine.engine).toBe('ort');
    expect(o.accuracy).toBe(point.accuracy);
    expect(o.meanExecutedCost).toBeCloseTo(point.meanExecutedCost, 6);
  });
});
