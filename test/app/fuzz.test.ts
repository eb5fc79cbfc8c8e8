/**
 * The standing fuzz suite of `skipvit serve` (issue 15): seeded, bounded requests generated from the API
 * contract (every call, every field: plausible, boundary, mistyped and hostile values, traversal strings in
 * every id, job params from each kind's schema), sent over HTTP and the WebSocket, mixed with hostile
 * HTTP (methods, paths, Host, Origin, token, cookie and body variants) and hostile socket upgrades.
 *
 * Asserted: every answer is a success or a typed error (never `internal`, never a 5xx, never a cut
 * connection), the server keeps answering, no file appears outside the workspace (nor in the read-only
 * demo models or the repository), and every file of the workspace parses afterwards.
 *
 * The runner takes jobs but runs none (maxHeavy = maxLight = 0): queued jobs exercise start, cancel,
 * resume and delete without training in the background. FUZZ_SEED=<n> replays another seed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { z } from 'zod';
import { CALL_NAMES, CALLS, ERROR_CODES, JOB_PARAMS, ModelIdSchema, RunIdSchema } from '../../src-main/app/contract/api';
import { HTTP_STATUS } from '../../src-main/app/contract/errors';
import { openStudioApi, type StudioApi } from '../../src-main/app/api/open';
import { newToken } from '../../src-main/app/server/auth';
import { startServer, type RunningServer } from '../../src-main/app/server/http-server';
import { readDoc } from '../../src-main/app/workspace/documents';
import { readJsonl } from '../../src-main/app/workspace/jsonl';
import { MODEL_META, RUN_DOC, WORKSPACE_DOC } from '../../src-main/app/workspace/schemas';
import { arbitraryFor, HOSTILE_STRINGS } from './fuzz/contract-arbitraries';
import { rawRequest } from './helpers';

const SEED = Number(process.env.FUZZ_SEED ?? 20_151_115);
/** Property runs; each sends BATCH requests at once. */
const RUNS = 420;
const BATCH = 5;
const DEMO_MODELS = path.resolve('resources', 'models');

let sandbox: string;
let workspaceDir: string;
let api: StudioApi;
let server: RunningServer;
let token: string;
let socket: WebSocket;
const pending = new Map<number, (frame: any) => void>();
let nextFrameId = 1;
const known = new Map<z.ZodType, string[]>();
const sent = { http: 0, socket: 0, hostile: 0, upgrades: 0 };
const answered: Record<string, number> = {};

/** Every file under dir (relative), with its size, to compare before and after. */
function tree(dir: string, skip?: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (p === skip) continue;
      if (e.isDirectory()) walk(p);
      out[path.relative(dir, p)] = e.isDirectory() ? -1 : fs.statSync(p).size;
    }
  };
  walk(dir);
  return out;
}

let sandboxBefore: Record<string, number>;
let demoBefore: Record<string, number>;
let repoBefore: string[];
const repoTop = () =>
  fs
    .readdirSync('.')
    .filter((n) => !['test-artifacts', 'out', '.cache', 'node_modules'].includes(n))
    .sort();

beforeAll(async () => {
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'skipvit-fuzz-'));
  workspaceDir = path.join(sandbox, 'a', 'b', 'workspace');
  const renderer = path.join(sandbox, 'renderer');
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
  fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'export {};');
  api = openStudioApi({ workspaceDir, demoModels: DEMO_MODELS, maxHeavy: 0, maxLight: 0 });
  // Something to find: queued and cancelled runs, a workspace model.
  const ids = [0, 1, 2].map((i) => api.runner.start('train', { epochs: 1, seed: i }).id);
  api.runner.cancel(ids[0]);
  fs.cpSync(path.join(DEMO_MODELS, 'fashion-mnist-micro-static'), path.join(workspaceDir, 'models', 'mine'), { recursive: true });
  known.set(RunIdSchema, ids);
  known.set(ModelIdSchema, ['mine', ...fs.readdirSync(DEMO_MODELS).map((d) => `demo:${d}`)]);
  token = newToken();
  server = await startServer({ dispatch: api.dispatch, token, port: 0, rendererDir: renderer });
  socket = await new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/socket?token=${token}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type === 'result') pending.get(frame.id)?.(frame.result);
  });
  sandboxBefore = tree(sandbox, workspaceDir);
  demoBefore = tree(DEMO_MODELS);
  repoBefore = repoTop();
}, 60_000);

afterAll(async () => {
  socket?.terminate();
  await server?.close();
  await api?.close();
  if (sandbox) fs.rmSync(sandbox, { recursive: true, force: true });
});

// ---------------------------------------------------------------- requests

/** A request body; deep nesting is built when sent, so a failure report stays short. */
type Body = string | Buffer | null | { nestedArrays: number };

type Request =
  | { type: 'call'; via: 'http' | 'socket'; call: string; input: unknown }
  | { type: 'frame'; data: string }
  | { type: 'hostile'; method: string; path: string; headers: Record<string, string>; body: Body }
  | { type: 'upgrade'; path: string; headers: Record<string, string> };

const callNames = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...CALL_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
);

/** An input for `call`; jobsStart takes its params from the kind's own schema. */
function inputFor(call: string): fc.Arbitrary<unknown> {
  const opts = { known };
  if (call === 'jobsStart') {
    const kinds = Object.keys(JOB_PARAMS) as (keyof typeof JOB_PARAMS)[];
    return fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .constantFrom(...kinds)
          .chain((kind) =>
            fc.record({ kind: fc.constant(kind), params: arbitraryFor(JOB_PARAMS[kind], opts) }, { requiredKeys: ['kind'] }),
          ),
      },
      { weight: 2, arbitrary: arbitraryFor(CALLS.jobsStart.input, opts) },
    );
  }
  return Object.hasOwn(CALLS, call) ? arbitraryFor(CALLS[call as keyof typeof CALLS].input, opts) : fc.jsonValue({ maxDepth: 2 });
}

const apiCall: fc.Arbitrary<Request> = fc
  .tuple(callNames, fc.constantFrom<'http' | 'socket'>('http', 'http', 'socket'))
  .chain(([call, via]) => inputFor(call).map((input) => ({ type: 'call' as const, via, call, input })));

const garbageFrame: fc.Arbitrary<Request> = fc
  .oneof(
    fc.string({ maxLength: 60 }),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc
      .record({
        id: fc.oneof(fc.integer(), fc.string()),
        call: fc.constantFrom(...CALL_NAMES, 'nope'),
        input: fc.jsonValue({ maxDepth: 2 }),
      })
      .map((v) => JSON.stringify(v)),
  )
  .map((data) => ({ type: 'frame' as const, data }));

const hostPort = () => `127.0.0.1:${server.port}`;
const hostHeader = fc.oneof(
  { weight: 6, arbitrary: fc.constant('good') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'evil.example',
      'evil.example:1',
      'localhost:1',
      '[::1]:1',
      '127.0.0.1.nip.io',
      'a b',
      '::::',
      '[',
      'x'.repeat(300),
    ),
  },
);
const originHeader = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom('null', 'http://evil.example', 'file://', 'http://[', '::::', 'chrome-extension://abc', 'good') },
);
const authHeader = fc.oneof(
  { weight: 6, arbitrary: fc.constant('good') },
  { weight: 2, arbitrary: fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic abc', `Bearer ${'f'.repeat(48)}`, 'long') },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const pathArb = fc.oneof(
  fc.constantFrom(...CALL_NAMES).map((c) => `/api/${c}`),
  fc.constantFrom(
    '/',
    '/index.html',
    '/assets/app.js',
    '/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/assets/../../../etc/passwd',
    '/api/',
    '/api',
    '/api/../../x',
    '/api/%00',
    '/api/constructor',
    '/api/__proto__',
    '/api/socket',
    '//evil.example/x',
    '/%',
    '/%zz',
    '/' + 'a'.repeat(4000),
    '/?token=' + 'x'.repeat(100),
    '/api/runsList?token=',
  ),
  fc.webPath().map((p) => p || '/'),
);
const bodyArb = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('', '{', '{"a":', 'null', '[]', '"x"', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}'),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.integer({ min: 65, max: 200_000 }).map((depth) => ({ nestedArrays: depth })) },
  { weight: 1, arbitrary: fc.constant(null) },
);
/** Host, Origin and Authorization headers from their generated choices ('good': this server's own). */
function clientHeaders(r: { host: string; origin: string | undefined; auth: string | undefined }): Record<string, string> {
  const headers: Record<string, string> = {};
  if (r.host) headers.Host = r.host === 'good' ? hostPort() : r.host;
  if (r.origin) headers.Origin = r.origin === 'good' ? `http://${hostPort()}` : r.origin;
  if (r.auth !== undefined)
    headers.Authorization = r.auth === 'good' ? `Bearer ${token}` : r.auth === 'long' ? 'Bearer ' + 'x'.repeat(5000) : r.auth;
  return headers;
}

const hostile: fc.Arbitrary<Request> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'),
    path: pathArb,
    host: hostHeader,
    origin: originHeader,
    auth: authHeader,
    cookie: fc.constantFrom(undefined, 'a=b', `skipvit_token_1=${'0'.repeat(48)}`, 'good', ';;;', '='),
    contentType: fc.constantFrom(
      undefined,
      'application/json',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
    ),
    body: bodyArb,
  })
  .map((r) => {
    const headers = clientHeaders(r);
    if (r.cookie) headers.Cookie = r.cookie === 'good' ? `skipvit_token_${server.port}=${token}` : r.cookie;
    if (r.contentType) headers['Content-Type'] = r.contentType;
    return {
      type: 'hostile' as const,
      method: r.method,
      path: r.path,
      headers,
      body: r.method === 'GET' || r.method === 'HEAD' ? null : r.body,
    };
  });
const upgrade: fc.Arbitrary<Request> = fc
  .record({
    path: fc.constantFrom('/api/socket', '/api/socket?token=bad', '/x', '/api/socket/..', '/%'),
    host: hostHeader,
    origin: originHeader,
    auth: authHeader,
  })
  .map((r) => ({ type: 'upgrade' as const, path: r.path, headers: clientHeaders(r) }));

const requestArb: fc.Arbitrary<Request> = fc.oneof(
  { weight: 12, arbitrary: apiCall },
  { weight: 1, arbitrary: garbageFrame },
  { weight: 4, arbitrary: hostile },
  { weight: 1, arbitrary: upgrade },
);

// ---------------------------------------------------------------- sending and judging

interface Answer {
  status: number;
  body: string;
}

async function httpRequest(
  method: string,
  urlPath: string,
  headers: Record<string, string>,
  body: string | Buffer | null,
): Promise<Answer> {
  const answer = await rawRequest({ port: server.port, method, path: urlPath, headers, body: body === null ? [] : [body] });
  if (answer instanceof Error) throw answer;
  return answer;
}

/** An ApiResult that is a success or a typed error other than internal. */
function judgeResult(result: any, what: string): string {
  expect(typeof result === 'object' && result !== null, `${what}: not an ApiResult: ${JSON.stringify(result)}`).toBe(true);
  if (result.ok === true) return 'ok';
  expect(result.ok, what).toBe(false);
  expect(ERROR_CODES, `${what}: unknown error code in ${JSON.stringify(result)}`).toContain(result.error?.code);
  expect(result.error.code, `${what}: ${result.error.message}`).not.toBe('internal');
  expect(typeof result.error.message).toBe('string');
  return result.error.code;
}

function judgeHttpApi(a: Answer, what: string): string {
  let result: any;
  try {
    result = JSON.parse(a.body);
  } catch {
    throw new Error(`${what}: HTTP ${a.status} with a body that is not JSON: ${a.body.slice(0, 200)}`);
  }
  const code = judgeResult(result, what);
  expect(a.status, `${what}: status of ${code}`).toBe(code === 'ok' ? 200 : HTTP_STATUS[code as keyof typeof HTTP_STATUS]);
  return code;
}

/** An unanswered request is a failure of its own, named, rather than a suite timeout. */
function answeredWithin(p: Promise<void>, r: Request, ms = 20_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s: ${JSON.stringify(r).slice(0, 400)}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Any HTTP answer: no 5xx, and a JSON body (the API's) is a success or a typed error. */
function judgeAny(a: Answer, what: string): string {
  expect(a.status, `${what}: HTTP ${a.status} ${a.body.slice(0, 200)}`).toBeLessThan(500);
  if (a.body.startsWith('{')) judgeResult(JSON.parse(a.body), what);
  return String(a.status);
}

async function send(r: Request): Promise<void> {
  const what = JSON.stringify(r).slice(0, 300);
  let outcome: string;
  if (r.type === 'call' && r.via === 'http') {
    sent.http++;
    const body = r.input === undefined ? '' : JSON.stringify(r.input);
    const a = await httpRequest(
      'POST',
      `/api/${encodeURIComponent(r.call)}`,
      { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body,
    );
    // A name like ".." leaves /api/ once the path is normalised: then it is a plain (refused) page request.
    outcome = (CALL_NAMES as readonly string[]).includes(r.call) ? judgeHttpApi(a, what) : judgeAny(a, what);
  } else if (r.type === 'call' || r.type === 'frame') {
    sent.socket++;
    const id = nextFrameId++;
    const data = r.type === 'call' ? JSON.stringify({ id, call: r.call, input: r.input }) : r.data;
    if (r.type === 'frame') {
      socket.send(data); // the answer (if any) goes to id -1 or to an id the frame named itself
      outcome = 'frame';
    } else {
      const result = await new Promise<any>((resolve) => {
        pending.set(id, resolve);
        socket.send(data);
      });
      pending.delete(id);
      outcome = judgeResult(result, what);
      if (r.call === 'jobsSubscribe' && result.ok)
        socket.send(JSON.stringify({ id: nextFrameId++, call: 'jobsUnsubscribe', input: { subscriptionId: result.data.subscriptionId } }));
    }
  } else if (r.type === 'hostile') {
    sent.hostile++;
    const body =
      r.body !== null && typeof r.body === 'object' && 'nestedArrays' in r.body
        ? '['.repeat(r.body.nestedArrays) + ']'.repeat(r.body.nestedArrays)
        : r.body;
    outcome = judgeAny(await httpRequest(r.method, r.path, r.headers, body), what);
  } else {
    sent.upgrades++;
    outcome = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}${r.path}${r.path.includes('?') ? '' : `?token=${token}`}`, {
        headers: r.headers,
      });
      ws.once('open', () => {
        ws.terminate();
        resolve('101');
      });
      ws.once('unexpected-response', (_q, res) => {
        res.resume();
        resolve(String(res.statusCode));
      });
      ws.once('error', reject);
    });
    expect(['101', '400', '401', '403', '404'], what).toContain(outcome);
  }
  answered[outcome] = (answered[outcome] ?? 0) + 1;
}

// ---------------------------------------------------------------- the suite

describe('fuzz: skipvit serve against generated requests', () => {
  it(`${RUNS * BATCH} seeded requests from the contract and hostile clients: typed answers only, nothing outside the workspace`, async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.array(requestArb, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        await Promise.all(batch.map((r) => answeredWithin(send(r), r)));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    const total = sent.http + sent.socket + sent.hostile + sent.upgrades;
    console.log(
      `fuzz seed ${SEED}: ${total} requests (${JSON.stringify(sent)}) in ${((performance.now() - started) / 1000).toFixed(1)} s; answers ${JSON.stringify(answered)}`,
    );
    expect(total).toBeGreaterThanOrEqual(2000);

    // The server still answers, over both transports.
    const list = await httpRequest('POST', '/api/runsList', { Authorization: `Bearer ${token}` }, '{}');
    expect(judgeHttpApi(list, 'runsList after the fuzz')).toBe('ok');
    expect(socket.readyState).toBe(WebSocket.OPEN);

    // Nothing outside the workspace, nothing in the read-only demo models or the repository.
    expect(tree(sandbox, workspaceDir)).toEqual(sandboxBefore);
    expect(tree(DEMO_MODELS)).toEqual(demoBefore);
    expect(repoTop()).toEqual(repoBefore);

    // Every file in the workspace parses.
    const problems: string[] = [];
    for (const [rel, size] of Object.entries(tree(workspaceDir))) {
      const file = path.join(workspaceDir, rel);
      if (size < 0) continue;
      try {
        if (rel.endsWith('.tmp')) problems.push(`${rel}: a temp file was left behind`);
        else if (path.basename(rel) === 'run.json') readDoc(file, RUN_DOC);
        else if (rel === 'workspace.json') readDoc(file, WORKSPACE_DOC);
        else if (path.basename(rel) === 'meta.json') readDoc(file, MODEL_META);
        else if (rel.endsWith('.jsonl')) expect(readJsonl(file).skipped, rel).toBe(0);
        else if (rel.endsWith('.json')) JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (err) {
        problems.push(`${rel}: ${(err as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
