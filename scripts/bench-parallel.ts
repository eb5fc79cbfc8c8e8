/**
 * Every core (issue 16): what data-parallel training and parallel evaluation buy on this machine.
 *
 *   npm run bench:parallel [-- --steps 8 --rounds 2 --workers 2 --eval-images 4096 --out FILE]
 *
 * Training: the `micro` preset on Fashion-MNIST (Debian's copy, else the embedded subset) at global batch
 * 64 and 128, with 1 worker (the step in this thread) and N workers (data-parallel threads). Images per
 * second over `steps` timed steps after 2 warm-up steps (the threads' start-up and the validation are not
 * in the window: they are once per run). Evaluation: the static path over `eval-images` test images at
 * batch 256, 1 thread against N (threads already started). Configurations alternate over `rounds`
 * rounds (1w, Nw, Nw, 1w...) so a change in the machine's load falls on both; the median is reported.
 * Scaling efficiency = N-worker throughput / (N x 1-worker). The load average before and after is printed:
 * on a machine shared with other jobs the wall-clock figures are lower bounds of what N cores give (with
 * Linux's autogroup scheduling a process gets its group's share of a busy machine however many threads it
 * runs), so the CPU cost per image (all threads, process.cpuUsage) is printed too: CPU efficiency =
 * images per CPU-second with N workers / with 1, the part of the scaling the threads' overhead leaves.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../src-main/core/backend';
import { loadDataset, type Dataset, type ImageSet } from '../src-main/core/data';
import { takeItems } from '../src-main/core/data/subset';
import { presetConfig } from '../src-main/core/model/config';
import { ViT } from '../src-main/core/model/vit';
import { InferPool } from '../src-main/core/parallel/infer-pool';
import { evaluate, trainStatic } from '../src-main/core/train';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const steps = flag('steps', 8);
const rounds = flag('rounds', 2);
const N = flag('workers', 2);
const evalImages = flag('eval-images', 4096);
const outIndex = process.argv.indexOf('--out');
const out = outIndex >= 0 ? process.argv[outIndex + 1] : null;
const WARM = 2;

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const first = (set: ImageSet, n: number) => takeItems(set, Int32Array.from({ length: Math.min(n, set.count) }, (_, i) => i));

await initBackend('wasm');
const full = await loadDataset('fashion-mnist');
const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'skipvit-bench-parallel-'));

interface Rate {
  /** Images per wall-clock second. */
  wall: number;
  /** Images per CPU second of the whole process (every thread): what the work costs, whatever the load. */
  cpu: number;
}

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Training images per second of `steps` steps of micro at batch `bs` with `workers` threads. */
async function trainingRate(bs: number, workers: number): Promise<Rate> {
  const total = WARM + steps;
  const data: Dataset = { info: full.info, train: first(full.train, bs * total), val: first(full.val, 64), test: first(full.test, 64) };
  const at: { wall: number; cpu: number }[] = [];
  const r = await trainStatic(
    { data, preset: 'micro', epochs: 1, batchSize: bs, seed: 0, out: path.join(tmp, `t-${bs}-${workers}-${Date.now()}`) },
    { workers, checkpointEvery: 1_000_000, onProgress: (p) => p.phase === 'train' && (at[p.step] = { wall: performance.now(), cpu: cpuSeconds() }) },
  );
  r.model.dispose();
  const images = bs * steps;
  return { wall: (images * 1000) / (at[total].wall - at[WARM].wall), cpu: images / (at[total].cpu - at[WARM].cpu) };
}

/** Images per second of evaluate() (static path, batch 256) over evalImages test images. */
async function evalRate(model: ViT, pool: InferPool | undefined): Promise<Rate> {
  const [t0, c0] = [performance.now(), cpuSeconds()];
  const r = await evaluate(model, full.test, full.info, { mode: 'static', batchSize: 256, limit: evalImages, pool });
  return { wall: r.images / ((performance.now() - t0) / 1000), cpu: r.images / (cpuSeconds() - c0) };
}

/** Medians of both figures and the scaling efficiencies: wall N-worker / (N x 1-worker), and CPU cost per image 1w / Nw. */
function summary(one: Rate[], many: Rate[]) {
  const m1 = { wall: median(one.map((r) => r.wall)), cpu: median(one.map((r) => r.cpu)) };
  const mN = { wall: median(many.map((r) => r.wall)), cpu: median(many.map((r) => r.cpu)) };
  return { one: m1, many: mN, efficiency: mN.wall / (N * m1.wall), cpuEfficiency: mN.cpu / m1.cpu };
}
const fmt = (s: ReturnType<typeof summary>) =>
  `1 worker ${s.one.wall.toFixed(1)} img/s, ${N} workers ${s.many.wall.toFixed(1)} img/s, efficiency ${s.efficiency.toFixed(2)}; ` +
  `per CPU-second ${s.one.cpu.toFixed(1)} vs ${s.many.cpu.toFixed(1)} img (CPU efficiency ${s.cpuEfficiency.toFixed(2)})`;

console.log(`bench:parallel: ${os.availableParallelism()} cores available, workers ${N}, ${full.info.name} (${full.info.source}); load average before: ${load()}`);
const training: ({ batchSize: number } & ReturnType<typeof summary>)[] = [];
for (const bs of [64, 128]) {
  const one: Rate[] = [];
  const many: Rate[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [1, N] : [N, 1];
    for (const w of order) (w === 1 ? one : many).push(await trainingRate(bs, w));
  }
  const s = summary(one, many);
  training.push({ batchSize: bs, ...s });
  console.log(`training micro, batch ${bs}: ${fmt(s)}  (load ${load()})`);
}

const cfg = presetConfig('micro', { imageSize: 28, channels: 1, numClasses: 10 });
const model = ViT.create(cfg, 0);
const t0 = performance.now();
const pool = await InferPool.start(model, N);
const startup = (performance.now() - t0) / 1000;
const one: Rate[] = [];
const many: Rate[] = [];
try {
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [1, N] : [N, 1];
    for (const w of order) (w === 1 ? one : many).push(await evalRate(model, w === 1 ? undefined : pool));
  }
} finally {
  await pool.close();
}
const evaluation = { batchSize: 256, images: Math.min(evalImages, full.test.count), ...summary(one, many), poolStartSeconds: startup };
console.log(`evaluation (static, batch 256, ${evaluation.images} images): ${fmt(evaluation)}  (threads' start-up ${startup.toFixed(1)} s, not in the window; load ${load()})`);
console.log(`load average after: ${load()}`);
await fs.rm(tmp, { recursive: true, force: true });
const result = { workers: N, cores: os.availableParallelism(), steps, rounds, training, evaluation, loadAverageAfter: os.loadavg() };
if (out) await fs.writeFile(out, JSON.stringify(result, null, 2) + '\n');
