/**
 * Listing speed of a workspace with 1,000 runs (the claim the test suite leaves here): a cold list (a new
 * process with only runs/index.json), a warm list (the index in memory: one stat per run, no parsing) and
 * a list without the index (every run.json parsed). Exits non-zero when the warm list takes 100 ms or more.
 *
 *   npm run bench:workspace [-- --runs 1000 --json]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newRunId, RunStore } from '../src-main/app/workspace/run-store';
import type { RunDoc } from '../src-main/app/workspace/schemas';

const WARM_BOUND_MS = 100;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function runDoc(id: string, createdAt: string): RunDoc {
  return {
    schemaVersion: 1,
    id,
    kind: 'count',
    name: id,
    status: 'succeeded',
    createdAt,
    updatedAt: createdAt,
    params: { steps: 1 },
    attempts: [],
    resumableKind: true,
  };
}

const count = arg('runs', 1000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skipvit-bench-workspace-'));
try {
  const runs = path.join(root, 'runs');
  fs.mkdirSync(runs);
  const base = Date.parse('2025-01-01T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const created = new Date(base + i * 1000);
    const id = newRunId('count', created);
    fs.mkdirSync(path.join(runs, id));
    fs.writeFileSync(path.join(runs, id, 'run.json'), JSON.stringify(runDoc(id, created.toISOString())));
  }
  new RunStore(runs).list(); // writes the index, as the first list after start-up does
  const time = (f: () => void, times = 1) => {
    const t0 = performance.now();
    for (let i = 0; i < times; i++) f();
    return (performance.now() - t0) / times;
  };
  const coldMs = time(() => new RunStore(runs).list());
  const warm = new RunStore(runs);
  warm.list();
  const warmMs = time(() => warm.list(), 10);
  const noIndexMs = time(() => {
    fs.rmSync(path.join(runs, 'index.json'));
    new RunStore(runs).list();
  });
  const out = { runs: count, coldMs, warmMs, noIndexMs, warmBoundMs: WARM_BOUND_MS, cores: os.cpus().length, loadAverage: os.loadavg()[0] };
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(out) + '\n');
  else {
    process.stdout.write(
      `list ${count} runs: cold with index ${coldMs.toFixed(1)} ms, warm ${warmMs.toFixed(1)} ms (bound ${WARM_BOUND_MS} ms), ` +
        `without index ${noIndexMs.toFixed(1)} ms (${out.cores} cores, load average ${out.loadAverage.toFixed(2)})\n`,
    );
  }
  process.exitCode = warmMs < WARM_BOUND_MS ? 0 : 1;
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
