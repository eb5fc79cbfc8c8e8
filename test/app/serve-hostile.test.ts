/**
 * The real `skipvit serve` (a child process, so a crash shows as an exit) against a hostile client:
 * a WebSocket upgrade with `Origin: null` (sandboxed iframes, file:// pages), an oversized chunked body
 * (no Content-Length), and requests whose Host header names another site (DNS rebinding). Each must
 * get a clear refusal, and the server must keep answering afterwards (issue 15, findings 1 and 8).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { firstLine } from '../../scripts/bench-serve';
import { MAX_REQUEST_BYTES } from '../../src-main/app/contract/api';
import { rawRequest, tempDir } from './helpers';

const CLI = path.resolve('bin/skipvit.mjs');
let child: ReturnType<typeof spawn>;
let port: number;
let token: string;
let stderr = '';

beforeAll(async () => {
  child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--workspace', tempDir('skipvit-hostile-')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = new URL(await firstLine(child));
  port = Number(url.port);
  token = url.searchParams.get('token')!;
});

afterAll(async () => {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
  }
});

const request = (opts: { path: string; method?: string; headers?: Record<string, string>; body?: Buffer[] }) =>
  rawRequest({ port, ...opts });

/** Opens the socket with these headers; resolves with 'open' or the refusal's HTTP status. */
function upgrade(headers: Record<string, string>): Promise<'open' | number | Error> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/socket?token=${token}`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', (err) => resolve(err));
  });
}

async function stillServing(): Promise<void> {
  const res = await request({
    path: '/api/jobsList',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: [Buffer.from('{}')],
  });
  expect(res, `the server stopped answering; its stderr:\n${stderr}`).toMatchObject({ status: 200 });
  expect(child.exitCode).toBeNull();
}

describe('skipvit serve against hostile clients', () => {
  it('refuses a socket with Origin: null or an unparsable origin (403), and keeps serving', async () => {
    for (const origin of ['null', 'http://[', 'file://', '::::', 'http://evil.example']) {
      expect(await upgrade({ Origin: origin }), origin).toBe(403);
      await stillServing();
    }
    expect(await upgrade({ Origin: `http://127.0.0.1:${port}` })).toBe('open');
  });

  it('answers a socket frame that breaks the frame schema under its own id (found by the fuzz suite: the call hung)', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/socket?token=${token}`);
    await new Promise((r) => ws.once('open', r));
    const answer = new Promise<any>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    ws.send(JSON.stringify({ id: 7, call: 'x'.repeat(100), input: {} }));
    expect(await answer).toMatchObject({
      type: 'result',
      id: 7,
      result: { ok: false, error: { code: 'bad_request', message: expect.stringMatching(/call: /) } },
    });
    ws.close();
    await stillServing();
  });

  it('answers an oversized chunked body with 413 (not a cut connection), and keeps serving', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const body = [
      Buffer.from('{"kind":"echo","params":{"value":"'),
      ...Array.from({ length: (MAX_REQUEST_BYTES * 2) / chunk.length }, () => chunk),
    ];
    const res = await request({
      path: '/api/jobsStart',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      body,
    });
    expect(res).toMatchObject({ status: 413 });
    expect(JSON.parse((res as { body: string }).body).error).toMatchObject({ code: 'payload_too_large' });
    await stillServing();
  });

  it('refuses a Host header that is not this server (DNS rebinding), on HTTP and on the socket', async () => {
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    for (const host of [`evil.example:${port}`, `evil.example`, `127.0.0.1.nip.io:${port}`, `localhost:${port + 1}`]) {
      const res = await request({ path: '/api/jobsList', headers: { ...auth, Host: host }, body: [Buffer.from('{}')] });
      expect(res, host).toMatchObject({ status: 403 });
      expect(JSON.parse((res as { body: string }).body).error.code, host).toBe('forbidden');
      expect(await upgrade({ Host: host }), host).toBe(403);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      expect(await request({ path: '/api/jobsList', headers: { ...auth, Host: host }, body: [Buffer.from('{}')] }), host).toMatchObject({
        status: 200,
      });
    }
    await stillServing();
  });
});
