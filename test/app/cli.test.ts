/**
 * The CLI side of the workspace: `skipvit serve`, `runs list|show|delete`, `models list`, as real child
 * processes over a real workspace.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { firstLine } from '../../scripts/bench-serve';
import { openTestApi, writeModel } from './helpers';

const CLI = path.resolve('bin/skipvit.mjs');
const skipvit = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('skipvit serve', () => {
  it('prints the URL with the token first, warns off loopback, answers 401 without the token, stops on SIGINT', async () => {
    const api = openTestApi();
    const child = spawn(process.execPath, [CLI, 'serve', '--host', '0.0.0.0', '--port', '0', '--workspace', api.workspace.root], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const line = await firstLine(child);
    expect(line).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
    const url = new URL(line);
    expect((await fetch(`${url.origin}/`)).status).toBe(401);
    expect((await fetch(`${url.origin}/api/runsList`, { method: 'POST', body: '{}' })).status).toBe(401);
    const socket = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${url.port}/api/socket`);
      ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve(101));
    });
    expect(socket).toBe(401);
    const ok = await fetch(`${url.origin}/api/runsList?token=${url.searchParams.get('token')}`, { method: 'POST', body: '{}' });
    expect(await ok.json()).toEqual({ ok: true, data: { runs: [], total: 0 } });
    expect(stderr).toMatch(/warning: serving on 0\.0\.0\.0/);
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
  });
});

describe('skipvit runs / models', () => {
  it('lists, shows and deletes runs and lists models, with --json keys runs[] and models[]', async () => {
    const api = openTestApi();
    const ws = api.workspace.root;
    const run = api.runner.start('count', { steps: 4 });
    await api.runner.wait(run.id);
    writeModel(path.join(ws, 'models', 'fm-static'), { kind: 'static', dataset: { name: 'fashion-mnist' }, preset: 'micro' });
    writeModel(path.join(ws, 'models', 'fm-training'), { kind: 'static', dataset: { name: 'fashion-mnist' }, complete: false });

    const list = skipvit('runs', 'list', '--workspace', ws, '--json');
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ runs: [{ id: run.id, kind: 'count', status: 'succeeded' }], total: 1 });
    const human = skipvit('runs', 'list', '--workspace', ws);
    expect(human.stdout).toContain(run.id);

    const show = skipvit('runs', 'show', run.id, '--workspace', ws, '--json');
    expect(JSON.parse(show.stdout)).toMatchObject({ run: { id: run.id, params: { steps: 4 } }, result: { steps: 4 } });

    const models = skipvit('models', 'list', '--workspace', ws, '--json');
    expect(JSON.parse(models.stdout).models).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'fm-static', kind: 'static', dataset: 'fashion-mnist', readOnly: false })]),
    );
    expect(skipvit('models', 'list', '--workspace', ws).stdout).toMatch(/fm-training .*incomplete/);

    const bad = skipvit('runs', 'show', '../../etc/passwd', '--workspace', ws);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/not a path/);
    const resume = skipvit('runs', 'resume', run.id, '--workspace', ws);
    expect(resume.status).toBe(1);
    expect(resume.stderr).toMatch(/already succeeded/);

    const del = skipvit('runs', 'delete', run.id, '--workspace', ws, '--json');
    expect(JSON.parse(del.stdout)).toEqual({ id: run.id, deleted: true });
    expect(JSON.parse(skipvit('runs', 'list', '--workspace', ws, '--json').stdout)).toEqual({ runs: [], total: 0 });
    expect(skipvit('runs', 'frobnicate', '--workspace', ws).status).toBe(2);
  });
});
