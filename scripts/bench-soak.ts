/**
 * Soak test of `skipvit serve` (issue 15): the real server as a child process on a fresh workspace, several
 * clients starting REAL training jobs (micro preset on Fashion-MNIST), cancelling and resuming them in a
 * loop between reads, and one kill -9 of the server halfway, restarted on the same workspace (its start-up
 * repair marks the killed runs interrupted; the clients resume them).
 *
 * Reports requests served, errors by type, runs lost and the server's resident memory, and exits non-zero
 * when a bound is broken:
 * - runs lost must be 0: every run a client started exists at the end, parses, is in a final state, and a
 *   succeeded one has its complete model;
 * - no request may get `internal` or a 5xx (transport errors while the server is down are counted apart);
 * - memory: the restarted server's RSS at the end (every job settled) may exceed its RSS after warm-up (the
 *   first job it finished) by at most RSS_GROWTH_BOUND_MB, and neither process may peak above RSS_PEAK_BOUND_MB
 *   (a training job's worker holds its own tfjs wasm heap while it runs).
 *
 *   npm run bench:soak [-- --minutes 10 --clients 4 --json]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiCall, firstLine } from './bench-serve';

const RSS_GROWTH_BOUND_MB = 128;
const RSS_PEAK_BOUND_MB = 1024;
const FINAL = ['succeeded', 'failed', 'cancelled', 'interrupted'];
const TRAIN = {
  dataset: 'fashion-mnist',
  preset: 'micro',
  epochs: 1,
  batchSize: 32,
  maxTrainSamples: 480,
  valFraction: 0.005,
  maxTestSamples: 128,
  checkpointEvery: 3,
};

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const minutes = arg('minutes', 10);
const clients = arg('clients', 4);
const json = process.argv.includes('--json');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (m: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Server {
  child: ChildProcess;
  base: string;
  token: string;
  /** RSS samples in MB: at start, after warm-up (the first job it finished), the peak and the last. */
  rss: { start: number; warm: number | null; peak: number; last: number };
  /** Succeeded runs in the workspace when this process started answering (warm-up is one more). */
  succeededBefore: number | null;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function startServe(workspace: string): Promise<Server> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'skipvit.mjs'), 'serve', '--port', '0', '--workspace', workspace], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (/marked|error|warning/i.test(line)) log(`serve: ${line.trim()}`);
  });
  const url = new URL(await firstLine(child));
  const rss = rssMb(child.pid!);
  return {
    child,
    base: url.origin,
    token: url.searchParams.get('token')!,
    rss: { start: rss, warm: null, peak: rss, last: rss },
    succeededBefore: null,
  };
}

const counts = { requests: 0, errors: {} as Record<string, number>, started: 0, cancelled: 0, resumed: 0, succeeded: 0 };
const runs = new Set<string>();
let server: Server;
let restarting: Promise<void> | null = null;
const servers: Server[] = [];

function countError(type: string): void {
  counts.errors[type] = (counts.errors[type] ?? 0) + 1;
}

/** One API call; transport errors while the server is down are counted and retried after the restart. */
async function call(agent: http.Agent, name: string, input: unknown): Promise<any> {
  for (;;) {
    if (restarting) await restarting;
    const s = server;
    try {
      const res = await apiCall(agent, s.base, s.token, name, input);
      counts.requests++;
      if (res.status >= 500) countError(`http ${res.status} ${res.body?.error?.code ?? ''}`.trim());
      else if (!res.body.ok) countError(res.body.error.code);
      return res.body;
    } catch (err) {
      countError(`transport ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      await sleep(250);
    }
  }
}

/** Polls until the run is in a final state (or `until`, a time, passes); returns its status. */
async function settled(agent: http.Agent, id: string, until: number): Promise<string> {
  const end = until;
  for (;;) {
    const r = await call(agent, 'runsGet', { id });
    const status = r.ok ? (r.data.status as string) : 'missing';
    if (FINAL.includes(status) || status === 'missing' || Date.now() > end) return status;
    await sleep(400);
  }
}

async function client(n: number, deadline: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true });
  let cycle = 0;
  while (Date.now() < deadline) {
    cycle++;
    const started = await call(agent, 'jobsStart', {
      kind: 'train',
      params: { ...TRAIN, seed: n * 1000 + cycle },
      name: `soak ${n}.${cycle}`,
    });
    if (!started.ok) continue;
    const id = started.data.run.id as string;
    runs.add(id);
    counts.started++;
    // Reads in between, as the studio's views make them.
    for (const [name, input] of [
      ['runsList', { limit: 50 }],
      ['jobsList', {}],
      ['runsMetrics', { id, maxPoints: 200 }],
      ['modelsList', {}],
    ] as const) {
      await call(agent, name, input);
    }
    await sleep(300 + Math.random() * 4000);
    if (Math.random() < 0.7 && (await call(agent, 'jobsCancel', { id })).ok) counts.cancelled++;
    // Resume until it succeeds (a kill of the server interrupts it too), within this client's time.
    for (
      let status = await settled(agent, id, deadline);
      status !== 'succeeded' && Date.now() < deadline;
      status = await settled(agent, id, deadline)
    ) {
      if (status === 'queued' || status === 'running') {
        await call(agent, 'jobsCancel', { id });
        continue;
      }
      if (!(await call(agent, 'jobsResume', { id })).ok) break;
      counts.resumed++;
      await sleep(Math.random() * 3000);
      if (Math.random() < 0.3 && (await call(agent, 'jobsCancel', { id })).ok) counts.cancelled++;
    }
  }
  agent.destroy();
}

function sampleRss(): void {
  try {
    server.rss.last = rssMb(server.child.pid!);
    server.rss.peak = Math.max(server.rss.peak, server.rss.last);
  } catch {
    // the process is gone (killed on purpose)
  }
}

async function main(): Promise<number> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'skipvit-soak-'));
  const t0 = Date.now();
  const deadline = t0 + minutes * 60_000;
  log(`serving ${workspace} for ${minutes} min with ${clients} clients; one kill -9 at ${(minutes / 2).toFixed(1)} min`);
  server = await startServe(workspace);
  servers.push(server);
  const sampler = setInterval(() => {
    sampleRss();
    void (async () => {
      const s = server;
      if (s.rss.warm !== null || restarting) return;
      const agent = new http.Agent();
      const r = await apiCall(agent, s.base, s.token, 'runsList', { status: ['succeeded'], limit: 1 }).catch(() => null);
      agent.destroy();
      if (!r?.body?.ok) return;
      s.succeededBefore ??= r.body.data.total as number;
      if (r.body.data.total > s.succeededBefore) s.rss.warm = rssMb(s.child.pid!);
    })();
  }, 2000);
  const killer = setTimeout(
    () => {
      restarting = (async () => {
        sampleRss();
        log(`kill -9 of the server (pid ${server.child.pid}), RSS ${server.rss.last.toFixed(0)} MB`);
        server.child.kill('SIGKILL');
        await new Promise((r) => server.child.once('exit', r));
        server = await startServe(workspace);
        servers.push(server);
        log(`restarted on the same workspace (pid ${server.child.pid})`);
      })().finally(() => (restarting = null));
    },
    (deadline - t0) / 2,
  );

  await Promise.all(Array.from({ length: clients }, (_, n) => client(n, deadline)));
  clearTimeout(killer);
  if (restarting) await restarting;
  sampleRss();
  clearInterval(sampler);

  // Settle: cancel what is still queued or running, then check every run the clients started.
  log('load over: cancelling what is left and checking every run');
  const agent = new http.Agent({ keepAlive: true });
  for (const job of (await call(agent, 'jobsList', {})).data.jobs) await call(agent, 'jobsCancel', { id: job.id });
  for (let i = 0; i < 120 && (await call(agent, 'jobsList', {})).data.jobs.length > 0; i++) await sleep(500);
  const lost: string[] = [];
  const byStatus: Record<string, number> = {};
  for (const id of runs) {
    const r = await call(agent, 'runsGet', { id });
    if (!r.ok) {
      lost.push(`${id}: ${r.error.code} ${r.error.message}`);
      continue;
    }
    byStatus[r.data.status] = (byStatus[r.data.status] ?? 0) + 1;
    if (!FINAL.includes(r.data.status)) lost.push(`${id}: still ${r.data.status}`);
    if (r.data.status === 'succeeded') {
      counts.succeeded++;
      const m = await call(agent, 'modelsGet', { id: r.data.outputModelId ?? id });
      if (!m.ok || m.data.complete !== true)
        lost.push(`${id}: succeeded without a complete model (${m.ok ? 'incomplete' : m.error.message})`);
    }
  }
  agent.destroy();
  sampleRss();
  server.child.kill('SIGINT');
  await new Promise((r) => server.child.once('exit', r));
  fs.rmSync(workspace, { recursive: true, force: true });

  const unexpected = Object.entries(counts.errors)
    .filter(([type]) => type === 'internal' || type.startsWith('http 5'))
    .reduce((s, [, n]) => s + n, 0);
  // The restarted process serves to the end, when every job is settled: its end against its warm-up RSS is the
  // leak check. The killed one is measured at the kill, mid-training; both peaks are bounded.
  const memory = servers.map((s, i) => ({
    process: i === 0 ? 'first, killed mid-load' : 'restarted, to the end',
    startMb: Math.round(s.rss.start),
    warmMb: s.rss.warm === null ? null : Math.round(s.rss.warm),
    peakMb: Math.round(s.rss.peak),
    endMb: Math.round(s.rss.last),
    growthMb: s.rss.warm === null ? null : Math.round(s.rss.last - s.rss.warm),
  }));
  const last = memory[memory.length - 1];
  const memoryOk = memory.every((m) => m.peakMb <= RSS_PEAK_BOUND_MB) && last.growthMb !== null && last.growthMb <= RSS_GROWTH_BOUND_MB;
  const report = {
    minutes,
    clients,
    wallMinutes: (Date.now() - t0) / 60_000,
    requests: counts.requests,
    errorsByType: counts.errors,
    unexpectedErrors: unexpected,
    runs: runs.size,
    runsByStatus: byStatus,
    starts: counts.started,
    cancels: counts.cancelled,
    resumes: counts.resumed,
    runsLost: lost.length,
    lost,
    memory,
    rssGrowthBoundMb: RSS_GROWTH_BOUND_MB,
    rssPeakBoundMb: RSS_PEAK_BOUND_MB,
    cores: os.cpus().length,
    loadAverage: os.loadavg()[0],
  };
  if (json) process.stdout.write(JSON.stringify(report) + '\n');
  else {
    const lines = [
      `soak: ${report.wallMinutes.toFixed(1)} min, ${clients} clients, one kill -9 + restart (${report.cores} cores, load average ${report.loadAverage.toFixed(2)})`,
      `requests served: ${report.requests}`,
      `errors by type: ${JSON.stringify(report.errorsByType)} (unexpected: ${unexpected})`,
      `runs: ${report.runs} started (${JSON.stringify(byStatus)}); ${counts.cancelled} cancels, ${counts.resumed} resumes accepted`,
      `runs lost: ${lost.length}${lost.length ? '\n  ' + lost.join('\n  ') : ''}`,
      ...memory.map(
        (m) =>
          `server RSS (${m.process}): start ${m.startMb} MB, after warm-up ${m.warmMb ?? 'n/a'} MB, peak ${m.peakMb} MB, end ${m.endMb} MB, ` +
          `growth since warm-up ${m.growthMb ?? 'n/a'} MB`,
      ),
      `bounds: growth of the restarted server since its warm-up <= ${RSS_GROWTH_BOUND_MB} MB, peaks <= ${RSS_PEAK_BOUND_MB} MB: ${memoryOk ? 'held' : 'BROKEN'}`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
  return lost.length === 0 && unexpected === 0 && memoryOk && counts.succeeded > 0 ? 0 : 1;
}

process.exitCode = await main();
