/**
 * The job runner with REAL worker threads running the seeded `count` job of test/app/fixtures: results,
 * failures, crashes, cancel, resume, queueing and event order.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../src-main/app/contract/api';
import { openTestApi, tempDir, until } from './helpers';

describe('JobRunner', () => {
  it('runs a job in a worker thread, streams events and writes result, metrics and checkpoint', async () => {
    const { runner, workspace } = openTestApi();
    const events: JobEvent[] = [];
    runner.events.subscribe(undefined, (e) => events.push(e));
    const run = runner.start('count', { steps: 30, seed: 1 });
    expect(run.status).toBe('queued');
    const done = await runner.wait(run.id);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(workspace.runs.readResult(run.id)!.steps).toBe(30);
    expect(workspace.runs.readMetrics(run.id).records).toHaveLength(30);
    const doc = workspace.runs.read(run.id);
    expect(doc.checkpoint?.step).toBe(30);
    expect(doc.attempts).toMatchObject([{ status: 'succeeded', resumed: false }]);
    expect(doc.owner).toBeUndefined();
    const mine = events.filter((e) => e.runId === run.id);
    expect(mine.map((e) => e.seq)).toEqual(mine.map((_, i) => i + 1));
    const statuses = mine.flatMap((e) => (e.type === 'status' ? [e.run.status] : []));
    expect(statuses).toEqual(['queued', 'running', 'succeeded']);
    expect(mine.filter((e) => e.type === 'metric')).toHaveLength(30);
    expect(mine.some((e) => e.type === 'progress')).toBe(true);
  });

  it('marks a run whose worker crashes mid-job as interrupted with its last checkpoint; resume ends bit-identical', async () => {
    const { runner, workspace } = openTestApi();
    const reference = runner.start('count', { steps: 40, seed: 7 });
    await runner.wait(reference.id);

    const crashed = runner.start('count', { steps: 40, seed: 7, crashAtStep: 17 });
    const end = await runner.wait(crashed.id);
    expect(end.status).toBe('interrupted');
    expect(end.resumable).toBe(true);
    expect(end.error).toMatch(/exited \(code 3\)/);
    const doc = workspace.runs.read(crashed.id);
    expect(doc.checkpoint?.step).toBe(16);
    expect(workspace.runs.readMetrics(crashed.id).records).toHaveLength(16);

    // Resume without the crash: same params otherwise (crashAtStep is a test hook, so drop it).
    workspace.runs.write({ ...doc, params: { ...doc.params, crashAtStep: undefined } });
    const resumed = runner.resume(crashed.id);
    expect(resumed.status).toBe('queued');
    const final = await runner.wait(crashed.id);
    expect(final.status).toBe('succeeded');
    expect(workspace.runs.readResult(crashed.id)).toEqual(workspace.runs.readResult(reference.id));
    const attempts = workspace.runs.read(crashed.id).attempts;
    expect(attempts.map((a) => [a.status, a.resumed])).toEqual([
      ['interrupted', false],
      ['succeeded', true],
    ]);
  });

  it('ends a job that throws as failed, with its message', async () => {
    const { runner } = openTestApi();
    const run = runner.start('count', { steps: 10, failAtStep: 3 });
    const end = await runner.wait(run.id);
    expect(end).toMatchObject({ status: 'failed', error: 'planned failure at step 3' });
  });

  it('cancels a running job (resumable afterwards) and a queued one', async () => {
    const { runner, workspace } = openTestApi();
    const running = runner.start('count', { steps: 10_000, busyMs: 5 });
    const queued = runner.start('count', { steps: 5 });
    await until(() => (runner.live(running.id)?.checkpoint?.step ?? 0) >= 3, 30_000, 'a few steps');
    expect(runner.live(queued.id)?.status).toBe('queued'); // one heavy job at a time
    expect(runner.cancel(queued.id).status).toBe('cancelled');
    runner.cancel(running.id);
    const end = await runner.wait(running.id);
    expect(end.status).toBe('cancelled');
    expect(end.resumable).toBe(true);
    expect(workspace.runs.read(queued.id).attempts).toEqual([]);
    expect(() => runner.cancel(running.id)).toThrow(/not queued or running/);
  });

  it('terminates a job that ignores cancel after the grace period', async () => {
    const { runner, workspace } = openTestApi({ cancelGraceMs: 300 });
    // 10 s of work per step, and the job checks the signal only between steps: the run can end before its
    // first step does only if the worker was terminated mid-step. (The time it takes is no test's claim.)
    const run = runner.start('count', { steps: 100, busyMs: 10_000 });
    await until(() => runner.live(run.id)?.status === 'running', 30_000, 'running');
    runner.cancel(run.id);
    const end = await runner.wait(run.id);
    expect(end.status).toBe('cancelled');
    expect(workspace.runs.read(run.id).checkpoint).toBeUndefined();
    expect(workspace.runs.readMetrics(run.id).records).toEqual([]);
  });

  it('a cancel that arrives after the job is done but before its worker exits keeps the run succeeded, with its result', async () => {
    const { runner, workspace } = openTestApi();
    // The worker lingers 3 s after posting `done` (a stray timer in the kind); the cancel comes in that window.
    const run = runner.start('echo', { value: 'kept', lingerMs: 3000 });
    const job = () => (runner as unknown as { jobs: Map<string, { outcome?: { type: string } }> }).jobs.get(run.id);
    await until(() => job()?.outcome?.type === 'done', 30_000, 'the worker to post done');
    runner.cancel(run.id);
    const end = await runner.wait(run.id);
    expect(end.status).toBe('succeeded');
    expect(workspace.runs.readResult(run.id)).toEqual({ value: 'kept' });
    expect(workspace.runs.read(run.id).status).toBe('succeeded');
  });

  it('runs light jobs beside a heavy one, and heavy ones one at a time', async () => {
    const { runner } = openTestApi();
    const a = runner.start('count', { steps: 10_000, busyMs: 2 });
    const b = runner.start('count', { steps: 3 });
    const light = runner.start('echo', { value: 'hi' });
    const end = await runner.wait(light.id);
    expect(end.status).toBe('succeeded');
    expect(runner.live(a.id)?.status).toBe('running');
    expect(runner.live(b.id)?.status).toBe('queued');
    runner.cancel(a.id);
    expect((await runner.wait(b.id)).status).toBe('succeeded');
  });

  it('counts a heavy job\'s cores against the budget: a job that does not fit waits, one that fits runs beside it', async () => {
    const { runner } = openTestApi({ maxHeavy: 3, cores: 3 });
    expect(runner.cores).toBe(3);
    const a = runner.start('count', { steps: 10_000, busyMs: 2, cores: 2 });
    const b = runner.start('count', { steps: 3, cores: 2 });
    const c = runner.start('count', { steps: 3, cores: 1 });
    expect((await runner.wait(c.id)).status).toBe('succeeded'); // 2 + 1 <= 3: ran beside a
    expect(runner.live(a.id)?.status).toBe('running');
    expect(runner.live(b.id)?.status).toBe('queued'); // 2 + 2 > 3: waits although a heavy slot is free
    expect(runner.coresInUse()).toBe(2);
    runner.cancel(a.id);
    expect((await runner.wait(b.id)).status).toBe('succeeded');
    // A job asking for more than the whole budget still runs, alone.
    const big = runner.start('count', { steps: 2, cores: 8 });
    expect((await runner.wait(big.id)).status).toBe('succeeded');
  });

  it('validates params and input models in the main thread before writing anything', () => {
    const { runner, workspace } = openTestApi();
    expect(() => runner.start('count', { steps: 'many' })).toThrow(/invalid count params: steps/);
    expect(() => runner.start('count', { steps: 1, bogus: 1 })).toThrow(/Unrecognized key/);
    expect(() => runner.start('nope', {})).toThrow(/unknown job kind "nope"/);
    for (const inherited of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(() => runner.start(inherited, {}), inherited).toThrow(`unknown job kind "${inherited}"`);
    }
    expect(() => runner.start('count', { steps: 1, model: 'missing' })).toThrow(/no model "missing"/);
    expect(fs.readdirSync(workspace.runs.root).filter((n) => !n.endsWith('.json'))).toEqual([]);
  });

  it('shutdown interrupts running jobs, which stay resumable', async () => {
    const api = openTestApi();
    const run = api.runner.start('count', { steps: 10_000, busyMs: 2 });
    await until(() => (api.runner.live(run.id)?.checkpoint?.step ?? 0) >= 2, 30_000, 'steps');
    await api.runner.shutdown();
    const doc = api.workspace.runs.read(run.id);
    expect(doc.status).toBe('interrupted');
    expect(fs.existsSync(path.join(api.workspace.runs.dir(run.id), 'checkpoint', 'state.json'))).toBe(true);
  });

  it('runs jobs at a lower CPU priority than the app, relative to its own: never raising it (issue 15, finding 9)', () => {
    const jobNiceness = (appNice: number) => {
      const child = spawnSync('nice', ['-n', String(appNice), process.execPath, '--import', 'tsx', 'test/app/fixtures/job-niceness.ts', tempDir()], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(child.status, child.stderr).toBe(0);
      return JSON.parse(child.stdout) as { app: number; job: number };
    };
    // An app started at nice 15 (or whatever this test runs at, plus 15): its jobs run lower still, capped at 19.
    const low = jobNiceness(15);
    expect(low.app).toBeGreaterThanOrEqual(15);
    expect(low.job).toBe(Math.min(19, low.app + 10));
    const normal = jobNiceness(0);
    expect(normal.job).toBe(Math.min(19, normal.app + 10));
  });
});
