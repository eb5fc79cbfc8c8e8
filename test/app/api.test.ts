/**
 * The API handlers behind the dispatcher (what both transports serve): the calls on a real workspace
 * with real jobs, and invalid requests, each refused with a typed error while nothing on disk changes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kinds as builtInKinds } from '../../src-main/app/jobs/kinds';
import { CALL_NAMES, CALLS, MAX_REQUEST_BYTES, type ApiResult, type ErrorCode } from '../../src-main/app/contract/api';
import { ClientSession } from '../../src-main/app/api/session';
import { openTestApi, snapshot, tempDir, writeModel } from './helpers';

function demoDir(): string {
  const demo = tempDir('skipvit-demo-');
  writeModel(path.join(demo, 'fashion-micro'), { kind: 'dynamic', dataset: { name: 'fashion-mnist' }, preset: 'micro' });
  return demo;
}

const session = new ClientSession(null);

describe('API calls', () => {
  it('lists, gets and protects models (workspace and read-only demo)', async () => {
    const api = openTestApi({ demoModels: demoDir() });
    writeModel(path.join(api.workspace.root, 'models', 'mine'), { kind: 'static', dataset: { name: 'cifar10' }, preset: 'tiny' });
    const list = await api.dispatch('modelsList', {}, session);
    expect(list).toMatchObject({
      ok: true,
      data: {
        models: [
          { id: 'mine', kind: 'static', dataset: 'cifar10', preset: 'tiny', source: 'workspace', readOnly: false },
          { id: 'demo:fashion-micro', kind: 'dynamic', dataset: 'fashion-mnist', source: 'demo', readOnly: true },
        ],
      },
    });
    const got = await api.dispatch('modelsGet', { id: 'demo:fashion-micro' }, session);
    expect(got.ok && (got.data as { files: { name: string }[] }).files.map((f) => f.name).sort()).toEqual(['model.json', 'weights.bin']);
    expect(await api.dispatch('modelsDelete', { id: 'mine' }, session)).toEqual({ ok: true, data: { id: 'mine', deleted: true } });
    expect(fs.existsSync(path.join(api.workspace.root, 'models', 'mine'))).toBe(false);
  });

  it('lists a model whose training has not finished as incomplete, and no job may read it (issue 15, finding 5)', async () => {
    const api = openTestApi();
    writeModel(path.join(api.workspace.root, 'models', 'training'), { kind: 'static', complete: false, bestEpoch: 1 });
    writeModel(path.join(api.workspace.root, 'models', 'done'), { kind: 'static', complete: true });
    writeModel(path.join(api.workspace.root, 'models', 'older'), { kind: 'static' }); // written before the marker existed
    const list = await api.dispatch('modelsList', {}, session);
    const byId = Object.fromEntries((list as { data: { models: { id: string; complete: boolean }[] } }).data.models.map((m) => [m.id, m.complete]));
    expect(byId).toEqual({ training: false, done: true, older: true });
    const start = await api.dispatch('jobsStart', { kind: 'count', params: { steps: 1, model: 'training' } }, session);
    expect(start).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/model training is incomplete: its training has not finished/) } });
    expect(fs.readdirSync(api.workspace.runs.root).filter((n) => !n.endsWith('.json'))).toEqual([]);
  });

  it('starts jobs, lists and reads runs, metrics (downsampled) and results', async () => {
    const api = openTestApi();
    const started = await api.dispatch('jobsStart', { kind: 'count', params: { steps: 300, seed: 3 }, name: 'three hundred' }, session);
    expect(started).toMatchObject({ ok: true, data: { run: { kind: 'count', name: 'three hundred', status: 'queued' } } });
    const id = (started as { data: { run: { id: string } } }).data.run.id;
    await api.runner.wait(id);
    const list = await api.dispatch('runsList', { kind: 'count', status: ['succeeded'] }, session);
    expect(list).toMatchObject({ ok: true, data: { total: 1, runs: [{ id, status: 'succeeded', resumable: false }] } });
    const detail = await api.dispatch('runsGet', { id }, session);
    expect(detail).toMatchObject({ ok: true, data: { id, params: { steps: 300, seed: 3, busyMs: 0 }, hasResult: true, checkpoint: { step: 300 } } });
    const metrics = await api.dispatch('runsMetrics', { id, maxPoints: 50 }, session);
    expect(metrics.ok).toBe(true);
    const m = (metrics as { data: { records: number; keys: string[]; series: { key: string; x: number[]; downsampled: boolean }[] } }).data;
    expect(m.records).toBe(300);
    expect(m.keys).toEqual(['loss']);
    expect(m.series[0]).toMatchObject({ key: 'loss', downsampled: true });
    expect(m.series[0].x).toHaveLength(50);
    expect(m.series[0].x[0]).toBe(1);
    expect(m.series[0].x[49]).toBe(300);
    const result = await api.dispatch('runsResult', { id }, session);
    expect(result).toMatchObject({ ok: true, data: { id, kind: 'count', result: { steps: 300 } } });
    expect(await api.dispatch('runsDelete', { id }, session)).toEqual({ ok: true, data: { id, deleted: true } });
    expect((await api.dispatch('runsList', {}, session)) as ApiResult<{ total: number }>).toMatchObject({ data: { total: 0 } });
  });

  it('reports the backend in use, why not faster ones, and the hardware', async () => {
    const api = openTestApi();
    const info = await api.dispatch('systemInfo', {}, session);
    expect(info.ok).toBe(true);
    const data = (info as { data: { backend: { name: string; notUsed: { backend: string; reason: string }[] }; hardware: { cpuCores: number } } }).data;
    expect(['tensorflow', 'wasm', 'cpu']).toContain(data.backend.name);
    // Auto tries webgpu (a hardware adapter only) and tensorflow before wasm: each one passed over says why.
    if (data.backend.name !== 'tensorflow') expect(data.backend.notUsed.map((n) => n.backend)).toEqual(expect.arrayContaining(['webgpu', 'tensorflow']));
    for (const n of data.backend.notUsed) expect(n.reason.length).toBeGreaterThan(0);
    expect(data.hardware.cpuCores).toBeGreaterThan(0);
  });

  it('lists the catalogue datasets with presence, size and whether they can be downloaded', async () => {
    const api = openTestApi({ registry: builtInKinds, registryUrl: undefined });
    const r = (await api.dispatch('datasetsList', {}, session)) as ApiResult<{ datasets: { name: string; present: boolean; sizeBytes: number; downloadable: boolean }[] }>;
    expect(r.ok).toBe(true);
    const byName = Object.fromEntries((r as { data: { datasets: { name: string }[] } }).data.datasets.map((d) => [d.name, d]));
    expect(byName['fashion-mnist']).toMatchObject({ present: true, downloadable: false });
    expect((byName['fashion-mnist'] as unknown as { sizeBytes: number }).sizeBytes).toBeGreaterThan(1e6);
    expect(byName.cifar10).toMatchObject({ downloadable: true });
    // The download job validates its params like every kind: a path is not a dataset name.
    const bad = await api.dispatch('jobsStart', { kind: 'dataset-fetch', params: { name: '../../etc' } }, session);
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('has a schema for every call name', () => {
    expect(Object.keys(CALLS).sort()).toEqual([...CALL_NAMES].sort());
  });
});

describe('invalid requests are refused with a typed error and change nothing', () => {
  it('refuses each of these', async () => {
    const api = openTestApi({ demoModels: demoDir() });
    const run = api.runner.start('count', { steps: 5 });
    await api.runner.wait(run.id);
    const unfinished = api.runner.start('count', { steps: 5, failAtStep: 2 });
    await api.runner.wait(unfinished.id);
    const before = snapshot(api.workspace.root);

    const cases: [string, string, unknown, ErrorCode, RegExp?][] = [
      ['unknown call', 'runsExplode', {}, 'unknown_call'],
      ['path as run id', 'runsGet', { id: '../../etc/passwd' }, 'bad_request', /not a path/],
      ['absolute path as run id', 'runsDelete', { id: '/etc/passwd' }, 'bad_request'],
      ['path as model id', 'modelsGet', { id: '../../etc/passwd' }, 'bad_request', /not a path/],
      ['path in job params (model)', 'jobsStart', { kind: 'count', params: { steps: 1, model: '../../etc/passwd' } }, 'outside_workspace'],
      ['wrong type', 'runsGet', { id: 42 }, 'bad_request'],
      ['input not an object', 'runsList', 'all of them', 'bad_request'],
      // Found by the fuzz suite: 100,000 nested arrays overflowed the stack of the size check (internal).
      ['deeply nested input', 'runsList', { kind: JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) }, 'bad_request', /nested deeper than 64 levels/],
      ['unknown field', 'runsGet', { id: run.id, force: true }, 'bad_request', /force/],
      ['unknown field in params', 'jobsStart', { kind: 'count', params: { steps: 1, rm: '-rf' } }, 'bad_request', /rm/],
      ['wrong param type', 'jobsStart', { kind: 'count', params: { steps: 'many' } }, 'bad_request', /params: invalid count params: steps|steps/],
      ['out-of-range param', 'jobsStart', { kind: 'count', params: { steps: -1 } }, 'bad_request'],
      ['unknown job kind', 'jobsStart', { kind: 'mine-bitcoin', params: {} }, 'unknown_kind'],
      // Kinds are looked up as own keys only: Object.prototype members are no kinds (issue 15, finding 2).
      ['Object.prototype member as job kind', 'jobsStart', { kind: 'constructor', params: {} }, 'unknown_kind', /unknown job kind "constructor"/],
      ['bad job kind name', 'jobsStart', { kind: '../../bin/sh', params: {} }, 'bad_request'],
      ['oversized payload', 'jobsStart', { kind: 'echo', params: { value: 'x'.repeat(MAX_REQUEST_BYTES) } }, 'payload_too_large'],
      ['run that does not exist', 'runsGet', { id: 'count-19990101-000000-0000' }, 'not_found'],
      ['delete a run that does not exist', 'runsDelete', { id: 'count-19990101-000000-0000' }, 'not_found'],
      ['model that does not exist', 'modelsGet', { id: 'nope' }, 'not_found'],
      ['delete a demo model', 'modelsDelete', { id: 'demo:fashion-micro' }, 'read_only'],
      ['metrics with maxPoints below 2', 'runsMetrics', { id: run.id, maxPoints: 1 }, 'bad_request'],
      ['list with limit 0', 'runsList', { limit: 0 }, 'bad_request'],
      ['list with an unknown status', 'runsList', { status: ['exploded'] }, 'bad_request'],
      ['cancel a finished run', 'jobsCancel', { id: run.id }, 'conflict'],
      ['resume a succeeded run', 'jobsResume', { id: run.id }, 'conflict'],
      ['result of a run without one', 'runsResult', { id: unfinished.id }, 'not_found'],
      ['bench result of a count run', 'benchResult', { id: run.id }, 'bad_request'],
      ['export from a non-search run', 'exportPoint', { run: run.id, point: 0 }, 'bad_request'],
      ['subscribe without a socket', 'jobsSubscribe', {}, 'needs_socket'],
      ['too many metric keys', 'runsMetrics', { id: run.id, keys: Array.from({ length: 65 }, (_, i) => `k${i}`) }, 'bad_request'],
    ];
    expect(cases.length).toBeGreaterThanOrEqual(15);
    for (const [what, call, input, code, message] of cases) {
      const result = await api.dispatch(call, input, session);
      expect(result.ok, what).toBe(false);
      if (result.ok) continue;
      expect(result.error.code, `${what}: ${result.error.message}`).toBe(code);
      expect(result.error.message.length, what).toBeGreaterThan(10);
      if (message) expect(result.error.message, what).toMatch(message);
    }
    expect(snapshot(api.workspace.root)).toEqual(before);
    expect(api.runner.active()).toEqual([]);
  });

  it('refuses to delete a running run or the model a job reads', async () => {
    const api = openTestApi();
    fs.mkdirSync(path.join(api.workspace.root, 'models'), { recursive: true });
    writeModel(path.join(api.workspace.root, 'models', 'in-use'), { kind: 'static' });
    const run = api.runner.start('count', { steps: 100_000, busyMs: 1, model: 'in-use' });
    expect(await api.dispatch('runsDelete', { id: run.id }, session)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await api.dispatch('modelsDelete', { id: 'in-use' }, session)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(fs.existsSync(api.workspace.runs.dir(run.id))).toBe(true);
    api.runner.cancel(run.id);
    await api.runner.wait(run.id);
  });
});
