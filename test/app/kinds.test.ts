/** Built-in job kinds run through the real runner and workers (small configurations). */
import { describe, expect, it } from 'vitest';
import { ClientSession } from '../../src-main/app/api/session';
import { kinds } from '../../src-main/app/jobs/kinds';
import { openTestApi } from './helpers';

describe('built-in job kinds', () => {
  it('bench (random model) writes a result that benchResult checks against SPEC 9 keys', async () => {
    const api = openTestApi({ registry: kinds, registryUrl: undefined });
    const session = new ClientSession(null);
    const started = await api.dispatch('jobsStart', { kind: 'bench', params: { preset: 'micro', keep: 0.5, batches: [1, 8], budgetSeconds: 0.3 } }, session);
    expect(started.ok).toBe(true);
    const id = (started as { data: { run: { id: string } } }).data.run.id;
    const end = await api.runner.wait(id);
    expect(end.error).toBeUndefined();
    expect(end.status).toBe('succeeded');
    const result = await api.dispatch('benchResult', { id }, session);
    expect(result).toMatchObject({ ok: true, data: { id, result: { backend: expect.any(String), batches: [{ batchSize: 1 }, { batchSize: 8 }] } } });
    const b = (result as { data: { result: { batches: { speedup?: number; idealSpeedup?: number }[] } } }).data.result.batches[1];
    expect(b.idealSpeedup).toBeGreaterThan(1);
    expect(await api.dispatch('searchResult', { id }, session)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});

describe('built-in job kinds on a trained model', () => {
  it('train produces a listed model; eval, agent and bench --model build on it', async () => {
    const api = openTestApi({ registry: kinds, registryUrl: undefined });
    const session = new ClientSession(null);
    const train = api.runner.start('train', {
      dataset: 'fashion-mnist', preset: 'micro', epochs: 1, batchSize: 32, maxTrainSamples: 128, valFraction: 0.005, maxTestSamples: 100,
    });
    const trained = await api.runner.wait(train.id);
    expect(trained.error).toBeUndefined();
    expect(trained).toMatchObject({ status: 'succeeded', outputModelId: train.id });
    const models = await api.dispatch('modelsList', {}, session);
    expect(models).toMatchObject({ ok: true, data: { models: [{ id: train.id, kind: 'static', dataset: 'fashion-mnist', preset: 'micro', sourceRun: train.id }] } });
    const accuracy = (models as { data: { models: { metrics: { accuracy: number } }[] } }).data.models[0].metrics.accuracy;
    expect(accuracy).toBeGreaterThanOrEqual(0);

    const evaluation = api.runner.start('eval', { model: train.id, maxSamples: 64 });
    expect((await api.runner.wait(evaluation.id)).status).toBe('succeeded');
    const result = api.workspace.runs.readResult(evaluation.id)!;
    expect(result).toMatchObject({ images: 64, meanExecutedCost: 1, executedLayersHistogram: expect.any(Array), layerRates: expect.any(Array) });
    // The Skips view's gallery: real test images as PNGs, each with the layers it ran, and the class names.
    const gallery = result.gallery as { index: number; label: number; executed: number[]; image: string }[];
    expect(gallery.length).toBe(48);
    expect(Buffer.from(gallery[0].image, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(gallery.every((g) => g.executed.length === 8 && g.label >= 0 && g.label < 10)).toBe(true);
    expect((result.classNames as string[])[0]).toBe('T-shirt/top');

    const agent = api.runner.start('agent', {
      model: train.id, epochs: 1, batchSize: 32, maxTrainSamples: 64, valFraction: 0.005, maxTestSamples: 64, alpha: 3,
    });
    const agentEnd = await api.runner.wait(agent.id);
    expect(agentEnd.error).toBeUndefined();
    expect(agentEnd).toMatchObject({ status: 'succeeded', modelId: train.id, outputModelId: agent.id });
    expect(api.workspace.models.get(agent.id)).toMatchObject({ kind: 'dynamic', metrics: { meanExecutedCost: expect.any(Number) } });

    const bench = api.runner.start('bench', { model: agent.id, batches: [8], budgetSeconds: 0.3 });
    const benched = await api.runner.wait(bench.id);
    expect(benched.error).toBeUndefined();
    expect(await api.dispatch('benchResult', { id: bench.id }, session)).toMatchObject({ ok: true, data: { result: { batches: [{ batchSize: 8 }] } } });
  });
});
