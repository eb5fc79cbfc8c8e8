/**
 * The HTTP + WebSocket transport on a real server bound to 127.0.0.1: the token on every route and the
 * socket, the same handlers as IPC, and event fan-out to several clients. (The load test runs against
 * the real `skipvit serve` while real training runs: train-kill.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { JobEvent, WsServerFrame } from '../../src-main/app/contract/api';
import { newToken } from '../../src-main/app/server/auth';
import { startServer, type RunningServer } from '../../src-main/app/server/http-server';
import type { StudioApi } from '../../src-main/app/api/open';
import { openTestApi, tempDir } from './helpers';

const servers: RunningServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(api: StudioApi, rendererDir: string | null = null) {
  const token = newToken();
  const server = await startServer({ dispatch: api.dispatch, token, port: 0, rendererDir });
  servers.push(server);
  return { server, token, base: `http://127.0.0.1:${server.port}` };
}

function post(base: string, call: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/${call}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** A socket client that numbers calls and collects events. */
class SocketClient {
  readonly events: JobEvent[] = [];
  private next = 1;
  private pending = new Map<number, (r: unknown) => void>();
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as WsServerFrame;
      if (frame.type === 'event') this.events.push(frame.event);
      else this.pending.get(frame.id)?.(frame.result);
    });
  }
  static connect(url: string, headers: Record<string, string> = {}): Promise<SocketClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => resolve(new SocketClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }
  call(call: string, input: unknown): Promise<{ ok: boolean; data?: any; error?: any }> {
    const id = this.next++;
    this.ws.send(JSON.stringify({ id, call, input }));
    return new Promise((resolve) => this.pending.set(id, resolve as (r: unknown) => void));
  }
}

describe('skipvit serve transport', () => {
  it('answers 401 on every HTTP route and the socket without the right token', async () => {
    const api = openTestApi();
    const { base, server } = await serve(api);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
    const wrong = { Authorization: `Bearer ${newToken()}` };
    const attempts: [string, RequestInit][] = [
      ['/', {}],
      ['/index.html', {}],
      ['/assets/app.js', {}],
      ['/?token=nope', {}],
      ['/api/runsList', { method: 'POST', body: '{}' }],
      ['/api/runsList', { method: 'GET' }],
      ['/api/systemInfo', { method: 'POST', body: '{}', headers: wrong }],
      ['/api/jobsStart', { method: 'POST', body: JSON.stringify({ kind: 'echo', params: { value: 'x' } }) }],
      ['/api/noSuchCall', { method: 'POST', body: '{}' }],
      ['/api/runsList', { method: 'POST', body: '{}', headers: { Cookie: `skipvit_token_${server.port}=${newToken()}` } }],
    ];
    for (const [route, init] of attempts) {
      const res = await fetch(base + route, init);
      expect(res.status, route).toBe(401);
    }
    const body = await (await post(base, 'runsList', {})).json();
    expect(body).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    await expect(SocketClient.connect(`ws://127.0.0.1:${server.port}/api/socket`)).rejects.toThrow('HTTP 401');
    await expect(SocketClient.connect(`ws://127.0.0.1:${server.port}/api/socket?token=${newToken()}`)).rejects.toThrow('HTTP 401');
    expect(api.runner.active()).toEqual([]);
    expect(fs.readdirSync(api.workspace.runs.root).filter((n) => !n.endsWith('.json'))).toEqual([]);
  });

  it('works with the token in the header, the query, or the cookie the query sets', async () => {
    const api = openTestApi();
    const renderer = tempDir('skipvit-renderer-');
    fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
    fs.mkdirSync(path.join(renderer, 'assets'));
    fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
    const { base, token, server } = await serve(api, renderer);
    const page = await fetch(`${base}/?token=${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>studio</title>');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const cookie = page.headers.get('set-cookie')!.split(';')[0];
    expect(cookie).toBe(`skipvit_token_${server.port}=${token}`);
    const js = await fetch(`${base}/assets/app.js`, { headers: { Cookie: cookie } });
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toBe('console.log(1)');
    // Unknown paths (client routes) get index.html; traversal never leaves the renderer folder.
    expect(await (await fetch(`${base}/runs/abc`, { headers: { Cookie: cookie } })).text()).toContain('studio');
    expect(await (await fetch(`${base}/..%2f..%2f..%2fetc%2fpasswd`, { headers: { Cookie: cookie } })).text()).not.toContain('root:');
    const viaCookie = await post(base, 'runsList', {}, { Cookie: cookie });
    expect(await viaCookie.json()).toEqual({ ok: true, data: { runs: [], total: 0 } });
    const viaHeader = await post(base, 'jobsStart', { kind: 'echo', params: { value: 'hi' } }, { Authorization: `Bearer ${token}` });
    expect(viaHeader.status).toBe(200);
    const viaQuery = await fetch(`${base}/api/jobsList?token=${token}`, { method: 'POST', body: '{}' });
    expect(viaQuery.status).toBe(200);
    const socket = await SocketClient.connect(`ws://127.0.0.1:${server.port}/api/socket`, { Cookie: cookie });
    expect(await socket.call('runsList', {})).toMatchObject({ ok: true, data: { total: 1 } });
    socket.ws.close();
  });

  it('shows how to build the renderer when it is not built', async () => {
    const { base, token } = await serve(openTestApi(), null);
    const text = await (await fetch(`${base}/?token=${token}`)).text();
    expect(text).toContain('npm run build');
  });

  it('maps typed errors to HTTP statuses: 400, 404, 405, 413', async () => {
    const api = openTestApi();
    const { base, token } = await serve(api);
    const auth = { Authorization: `Bearer ${token}` };
    const bad = await post(base, 'runsGet', { id: '../../etc/passwd' }, auth);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: 'bad_request', issues: [{ path: ['id'] }] });
    expect((await post(base, 'runsGet', { id: 'count-20000101-000000-0000' }, auth)).status).toBe(404);
    expect((await post(base, 'noSuchCall', {}, auth)).status).toBe(404);
    expect((await fetch(`${base}/api/runsList`, { headers: auth })).status).toBe(405);
    const notJson = await fetch(`${base}/api/runsList`, { method: 'POST', headers: auth, body: '{nope' });
    expect(notJson.status).toBe(400);
    const huge = await fetch(`${base}/api/jobsStart`, { method: 'POST', headers: auth, body: JSON.stringify({ kind: 'echo', params: { value: 'x'.repeat(2 << 20) } }) }).catch((e: Error) => e);
    // Either the 413 answer arrives, or the server cut the upload short; never a 2xx.
    if (!(huge instanceof Error)) expect(huge.status).toBe(413);
    const sub = await post(base, 'jobsSubscribe', {}, auth);
    expect((await sub.json()).error.code).toBe('needs_socket');
    expect(api.runner.active()).toEqual([]);
  });

  it('refuses a socket opened by a page of another origin', async () => {
    const { server, token } = await serve(openTestApi());
    await expect(
      SocketClient.connect(`ws://127.0.0.1:${server.port}/api/socket?token=${token}`, { Origin: 'http://evil.example' }),
    ).rejects.toThrow('HTTP 403');
  });

  it('gives two clients watching one job the same events in the same order', async () => {
    const api = openTestApi();
    const { server, token } = await serve(api);
    const url = `ws://127.0.0.1:${server.port}/api/socket?token=${token}`;
    const [a, b] = await Promise.all([SocketClient.connect(url), SocketClient.connect(url)]);
    const started = await a.call('jobsStart', { kind: 'count', params: { steps: 50, busyMs: 2 } });
    const runId = started.data.run.id as string;
    expect((await a.call('jobsSubscribe', { runId })).ok).toBe(true);
    expect((await b.call('jobsSubscribe', { runId })).ok).toBe(true);
    await api.runner.wait(runId);
    await new Promise((r) => setTimeout(r, 100));
    // Each first gets a snapshot of the run's state at subscription time, then the same live stream.
    const live = (c: SocketClient) => c.events.slice(1).map((e) => `${e.seq}:${e.type}`);
    expect(a.events[0]).toMatchObject({ type: 'status', runId });
    expect(b.events[0]).toMatchObject({ type: 'status', runId });
    const la = live(a);
    const lb = live(b);
    const from = Math.max(a.events[1].seq, b.events[1].seq);
    const tail = (l: string[]) => l.filter((x) => Number(x.split(':')[0]) >= from);
    expect(tail(la)).toEqual(tail(lb));
    expect(tail(la).length).toBeGreaterThan(50);
    expect(la.at(-1)).toMatch(/:status$/);
    for (const c of [a, b]) {
      const seqs = c.events.slice(1).map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(c.events.at(-1)).toMatchObject({ type: 'status', run: { status: 'succeeded' } });
    }
    expect(await a.call('jobsUnsubscribe', { subscriptionId: 'nope' })).toEqual({ ok: true, data: { unsubscribed: false } });
    a.ws.close();
    b.ws.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(api.runner.events.subscriberCount).toBe(0);
  });
});
