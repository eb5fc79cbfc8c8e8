/**
 * Acceptance of issue 6 with the REAL `train` kind behind the REAL `skipvit serve`: kill -9 of the
 * serving process mid-epoch leaves the run interrupted (after start-up repair) with files that parse,
 * and `skipvit runs resume` finishes it with the same final weights as an uninterrupted run of the same
 * seed, byte for byte. Also the load test: API requests while that training runs in its worker.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apiCall, firstLine, loadTest } from '../../scripts/bench-serve';
import { readDoc } from '../../src-main/app/workspace/documents';
import { readJsonl } from '../../src-main/app/workspace/jsonl';
import { RUN_DOC } from '../../src-main/app/workspace/schemas';
import { Workspace } from '../../src-main/app/workspace/workspace';
import { tempDir, until } from './helpers';

const CLI = path.resolve('bin/skipvit.mjs');
const TRAIN = {
  dataset: 'fashion-mnist', preset: 'micro', epochs: 1, batchSize: 32, maxTrainSamples: 640,
  valFraction: 0.005, maxTestSamples: 200, checkpointEvery: 3, seed: 11,
};
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function startServe(workspace: string) {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--workspace', workspace], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = new URL(await firstLine(child));
  const agent = new http.Agent({ keepAlive: true });
  const token = url.searchParams.get('token')!;
  const call = async (name: string, input: unknown) => (await apiCall(agent, url.origin, token, name, input)).body;
  return { child, url, token, call, agent, stderr: () => stderr };
}

describe('real training behind skipvit serve', () => {
  it('kill -9 mid-epoch: interrupted, files parse, resume ends with the same weights as an uninterrupted run', async () => {
    const ws = tempDir('skipvit-kill-');
    const serve = await startServe(ws);
    const ref = await serve.call('jobsStart', { kind: 'train', params: TRAIN });
    expect(ref.ok).toBe(true);
    const refId = ref.data.run.id as string;
    const victim = await serve.call('jobsStart', { kind: 'train', params: TRAIN });
    const id = victim.data.run.id as string;
    const latest = path.join(ws, 'runs', id, 'checkpoint', 'latest.json');
    await until(() => fs.existsSync(latest) && JSON.parse(fs.readFileSync(latest, 'utf8')).step >= 6, 240_000, 'a mid-epoch checkpoint');
    const refRun = await serve.call('runsGet', { id: refId });
    expect(refRun.data.status).toBe('succeeded');
    serve.child.kill('SIGKILL');
    await new Promise((r) => serve.child.once('exit', r));

    // Files written before the kill parse; the run still says "running" until the next start-up.
    const runDir = path.join(ws, 'runs', id);
    expect(readDoc(path.join(runDir, 'run.json'), RUN_DOC).status).toBe('running');
    const metrics = readJsonl(path.join(runDir, 'metrics.jsonl'));
    expect(metrics.records.length).toBeGreaterThan(0);
    // Killed once a checkpoint past step 6 was on disk; usually mid-epoch (640 images / 32 = 20 steps), but on a
    // loaded machine the kill may land later: the run then resumes from a later checkpoint, which must hold too.
    const killedAt = JSON.parse(fs.readFileSync(latest, 'utf8')).step as number;
    expect(killedAt).toBeGreaterThanOrEqual(6);
    console.log(`killed at checkpoint step ${killedAt} of 20`);

    const { workspace, repair } = Workspace.open(ws);
    expect(repair.interrupted).toEqual([id]);
    const doc = workspace.runs.read(id);
    expect(doc).toMatchObject({ status: 'interrupted', resumableKind: true });

    const resumed = spawnSync(process.execPath, [CLI, 'runs', 'resume', id, '--workspace', ws, '--json'], { encoding: 'utf8', timeout: 240_000 });
    expect(resumed.stderr).not.toMatch(/error/i);
    expect(resumed.status).toBe(0);
    const out = JSON.parse(resumed.stdout);
    expect(out.run).toMatchObject({ id, status: 'succeeded', outputModelId: id });
    const done = workspace.runs.read(id);
    expect(done.attempts.map((a) => [a.status, a.resumed])).toEqual([
      ['interrupted', false],
      ['succeeded', true],
    ]);
    const refResult = workspace.runs.readResult(refId)!;
    expect(out.result.steps).toBe(refResult.steps);
    expect(out.result.accuracy).toBe(refResult.accuracy);
    const a = fs.readFileSync(path.join(ws, 'models', refId, 'weights.bin'));
    const b = fs.readFileSync(path.join(ws, 'models', id, 'weights.bin'));
    expect(b.length).toBe(a.length);
    expect(b.equals(a)).toBe(true);
  });

  // The latency claims (p50 < 50 ms, p95 < 100 ms) are `npm run bench:serve`'s (a timed claim on a loaded 2-core
  // machine is noise); here: every request succeeds while the training keeps running in its worker.
  it('load: 200 requests from 20 concurrent clients while training runs in its worker all succeed', async () => {
    const serve = await startServe(tempDir('skipvit-load-'));
    const started = await serve.call('jobsStart', { kind: 'train', params: { ...TRAIN, epochs: 50, checkpointEvery: 200 } });
    const id = started.data.run.id as string;
    for (;;) {
      const run = await serve.call('runsGet', { id });
      expect(run.data.status).not.toMatch(/failed|interrupted/);
      if ((run.data.progress?.step ?? 0) >= 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const figures = await loadTest(serve.url.origin, serve.token, [
      ['runsList', {}],
      ['runsGet', { id }],
      ['runsMetrics', { id, maxPoints: 500 }],
      ['jobsList', {}],
      ['modelsList', {}],
    ]);
    console.log(`load while training: ${JSON.stringify(figures)}`);
    expect((await serve.call('runsGet', { id })).data.status).toBe('running');
    expect(figures).toMatchObject({ requests: 200, failures: 0 });
    serve.child.kill('SIGINT');
    await new Promise((r) => serve.child.once('exit', r));
    serve.agent.destroy();
  });
});
