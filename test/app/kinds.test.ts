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
