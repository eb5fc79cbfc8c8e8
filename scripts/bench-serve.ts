/**
 * Load test of `skipvit serve` (issue 6): starts the real server as a child process on 127.0.0.1, starts
 * a real training job (micro preset on Fashion-MNIST) in its worker, then sends 200 API requests from
 * 20 concurrent keep-alive clients and reports success and latency (p50, p95, max). Exits non-zero when
 * a request fails, p50 is 50 ms or more, or p95 is 100 ms or more (the claims the test suite leaves here).
 *
 *   npm run bench:serve [-- --clients 20 --requests 200 --json]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface LoadFigures {
  requests: number;
  clients: number;
  failures: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  requestsPerSec: number;
}

/** POSTs one API call over a keep-alive agent; resolves with the status and parsed body. */
export function apiCall(agent: http.Agent, base: string, token: string, call: string, input: unknown): Promise<{ status: number; body: any }> {
  const body = JSON.stringify(input);
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}/api/${call}`,
      { method: 'POST', agent, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `clients` concurrent clients, each sending its share of `requests` calls back to back. */
export async function loadTest(base: string, token: string, calls: [string, unknown][], clients = 20, requests = 200): Promise<LoadFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let failures = 0;
  const perClient = Math.ceil(requests / clients);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; i < perClient && latencies.length < requests; i++) {
        const [call, input] = calls[(c + i) % calls.length];
        const start = performance.now();
        try {
          const res = await apiCall(agent, base, token, call, input);
          if (res.status !== 200 || res.body.ok !== true) failures++;
        } catch {
          failures++;
        }
        latencies.push(performance.now() - start);
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)];
  return { requests: latencies.length, clients, failures, p50Ms: q(0.5), p95Ms: q(0.95), maxMs: q(1), requestsPerSec: latencies.length / wall };
}

/** Reads the first stdout line of a starting `skipvit serve` (the URL with the token). */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', (line) => {
      rl.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (code ${code}) before printing its URL`)));
  });
}

async function main(): Promise<number> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const json = process.argv.includes('--json');
  const clients = arg('clients', 20);
  const requests = arg('requests', 200);
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'skipvit-bench-serve-'));
  const log = (m: string) => process.stderr.write(m + '\n');
  const child = spawn(process.execPath, [path.join(root, 'bin', 'skipvit.mjs'), 'serve', '--port', '0', '--workspace', workspace], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = new URL(await firstLine(child));
    const base = url.origin;
    const token = url.searchParams.get('token')!;
    const agent = new http.Agent({ keepAlive: true });
    const started = await apiCall(agent, base, token, 'jobsStart', {
      kind: 'train',
      params: { dataset: 'fashion-mnist', preset: 'micro', epochs: 20, batchSize: 32, maxTrainSamples: 4000 },
    });
    if (!started.body.ok) throw new Error(`could not start training: ${started.body.error.message}`);
    const runId = started.body.data.run.id as string;
    log(`training run ${runId} started; waiting for its first steps`);
    for (;;) {
      const run = (await apiCall(agent, base, token, 'runsGet', { id: runId })).body;
      if (!run.ok || ['failed', 'interrupted'].includes(run.data.status)) throw new Error(`training ended: ${run.data?.error ?? run.error?.message}`);
      if ((run.data.progress?.step ?? 0) >= 2) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const figures = await loadTest(base, token, [
      ['runsList', {}],
      ['runsGet', { id: runId }],
      ['runsMetrics', { id: runId, maxPoints: 500 }],
      ['jobsList', {}],
      ['modelsList', {}],
    ], clients, requests);
    const still = (await apiCall(agent, base, token, 'runsGet', { id: runId })).body.data.status;
    await apiCall(agent, base, token, 'jobsCancel', { id: runId });
    agent.destroy();
    const out = { ...figures, trainingStatusDuringLoad: still, cores: os.cpus().length, loadAverage: os.loadavg()[0] };
    if (json) process.stdout.write(JSON.stringify(out) + '\n');
    else {
      log(
        `${figures.requests} requests from ${figures.clients} clients while training ran (${still}): ${figures.failures} failed, ` +
          `p50 ${figures.p50Ms.toFixed(1)} ms, p95 ${figures.p95Ms.toFixed(1)} ms, max ${figures.maxMs.toFixed(1)} ms, ` +
          `${figures.requestsPerSec.toFixed(0)} req/s (${out.cores} cores, load average ${out.loadAverage.toFixed(2)})`,
      );
    }
    return figures.failures === 0 && figures.p50Ms < 50 && figures.p95Ms < 100 && still === 'running' ? 0 : 1;
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
