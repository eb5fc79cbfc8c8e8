/**
 * `npm run bench:engines`: the demo static and dynamic models on the studio's wasm engine (tfjs, one
 * thread) and on onnxruntime (their exported ONNX files) with 1 and 2 intra-op threads, at batch 1, 32 and
 * 256, on real Fashion-MNIST test images. Interleaved rounds (every configuration once per round, order
 * alternating) until a time budget, so load on the machine hits them alike. Images/s from the median wall
 * time per batch, and from the median process CPU time for the one-thread engines (robust to a loaded
 * machine: it counts only the cycles this process got). Goals (issue 19): ORT static >= 4x wasm static at
 * batch 32 on one thread; ORT dynamic / ORT static >= 1.3x at batch 256 (ideal: FLOPs, see flops.ts).
 *
 * Env: SECONDS (per configuration and batch size, default 3), BATCHES (default 1,32,256).
 */
import os from 'node:os';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src-main/core/backend';
import { table } from '../src-main/core/bench/table';
import { loadDataset, normalizeBatch } from '../src-main/core/data';
import { forwardDynamic, idealSpeedup, loadModel } from '../src-main/core/model';
import { OrtModel } from '../src-main/core/onnx/ort-model';
import { writeOnnx } from '../src-main/core/onnx/export';

const SECONDS = Number(process.env.SECONDS ?? 3);
const BATCHES = (process.env.BATCHES ?? '1,32,256').split(',').map(Number);
const POOL = 8; // distinct batches per size, cycled, so dynamic skipping sees varied inputs

await initBackend('wasm');
const data = await loadDataset('fashion-mnist', { prefer: 'debian' });
const { model: stat } = await loadModel('resources/models/fashion-mnist-micro-static');
const { model: dyn } = await loadModel('resources/models/fashion-mnist-micro-dynamic');
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-engines-'));
await writeOnnx(path.join(dir, 'static.onnx'), stat, { graph: 'static', dataset: data.info });
await writeOnnx(path.join(dir, 'dynamic.onnx'), dyn, { graph: 'dynamic', dataset: data.info });
const ort: Record<string, OrtModel> = {};
for (const t of [1, 2]) {
  ort[`static ort${t}`] = await OrtModel.load(path.join(dir, 'static.onnx'), { threads: t });
  ort[`dynamic ort${t}`] = await OrtModel.load(path.join(dir, 'dynamic.onnx'), { threads: t });
}
const { provider, onnxruntime } = ort['static ort1'].device;

type Run = (images: Float32Array, B: number) => Promise<void> | void;
const wasmRun = (dynamic: boolean): Run => (images, B) => {
  const x = tf.tensor4d(images, [B, 28, 28, 1]);
  const logits = dynamic ? forwardDynamic(dyn, x).logits : stat.forwardStatic(x);
  logits.dataSync();
  tf.dispose([x, logits]);
};
const configs: Record<string, Run> = {
  'static wasm1': wasmRun(false),
  'dynamic wasm1': wasmRun(true),
  ...Object.fromEntries(Object.entries(ort).map(([k, m]) => [k, async (images: Float32Array, B: number) => void (await m.run(images, B))])),
};
const names = Object.keys(configs);
const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];

interface Row { config: string; batch: number; wallIps: number; cpuIps: number | null; p50: number }
const rows: Row[] = [];
const executedMean: Record<number, number> = {};
for (const B of BATCHES) {
  const pool = Array.from({ length: POOL }, (_, i) => normalizeBatch(data.test, data.info, Int32Array.from({ length: B }, (_, j) => (i * B + j) % data.test.count)));
  let layers = 0;
  for (const images of pool) layers += (await ort['dynamic ort1'].run(images, B)).executed.reduce((s, e) => s + e, 0);
  executedMean[B] = layers / (POOL * B);
  const wall = Object.fromEntries(names.map((n) => [n, [] as number[]]));
  const cpu = Object.fromEntries(names.map((n) => [n, [] as number[]]));
  for (const n of names) for (let w = 0; w < 2; w++) await configs[n](pool[w % POOL], B); // warm-up
  const spent = Object.fromEntries(names.map((n) => [n, 0]));
  for (let round = 0; names.some((n) => spent[n] < SECONDS * 1000 || wall[n].length < 5); round++) {
    for (const n of round % 2 ? [...names].reverse() : names) {
      if (spent[n] >= SECONDS * 1000 && wall[n].length >= 5) continue;
      const images = pool[round % POOL];
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await configs[n](images, B);
      const t = performance.now() - t0;
      const c = process.cpuUsage(c0);
      wall[n].push(t);
      cpu[n].push((c.user + c.system) / 1000);
      spent[n] += t;
    }
  }
  for (const n of names) {
    const oneThread = n.endsWith('1');
    rows.push({ config: n, batch: B, wallIps: (B * 1000) / median(wall[n]), cpuIps: oneThread ? (B * 1000) / median(cpu[n]) : null, p50: median(wall[n]) });
  }
}

const at = (config: string, B: number) => rows.find((r) => r.config === config && r.batch === B);
console.log(`bench:engines  demo models, Fashion-MNIST test images, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`wasm: tfjs ${tf.version.tfjs} wasm backend (1 thread); ort: onnxruntime-node ${onnxruntime}, provider ${provider}; ${SECONDS} s per configuration and batch size\n`);
console.log(table(
  ['model', 'engine', 'batch', 'images/s (wall)', 'images/s (CPU time)', 'p50 ms/batch'],
  rows.map((r) => {
    const [model, engine] = r.config.split(' ');
    return [model, engine, r.batch, r.wallIps.toFixed(0), r.cpuIps === null ? '-' : r.cpuIps.toFixed(0), r.p50.toFixed(2)];
  }),
));
console.log('');
const ratio = (a: Row | undefined, b: Row | undefined, key: 'wallIps' | 'cpuIps') => (a && b && a[key] && b[key] ? (a[key]! / b[key]!).toFixed(2) : 'n/a');
const b32 = BATCHES.includes(32) ? 32 : BATCHES[0];
const b256 = BATCHES.includes(256) ? 256 : BATCHES[BATCHES.length - 1];
console.log(`ORT static / wasm static, batch ${b32}, 1 thread: ${ratio(at('static ort1', b32), at('static wasm1', b32), 'wallIps')}x wall, ${ratio(at('static ort1', b32), at('static wasm1', b32), 'cpuIps')}x CPU time (goal >= 4x)`);
const ideal = idealSpeedup(dyn.config, executedMean[b256], dyn.depth);
for (const t of [1, 2]) {
  const s = at(`static ort${t}`, b256);
  const d = at(`dynamic ort${t}`, b256);
  const sp = d && s ? d.wallIps / s.wallIps : NaN;
  console.log(
    `ORT dynamic / ORT static, batch ${b256}, ${t} thread${t > 1 ? 's' : ''}: ${sp.toFixed(2)}x wall` +
      (t === 1 ? `, ${ratio(d, s, 'cpuIps')}x CPU time` : '') +
      ` (goal >= 1.3x); ideal ${ideal.toFixed(2)}x at ${executedMean[b256].toFixed(2)} of ${dyn.depth} layers/image; efficiency ${(sp / ideal).toFixed(2)}`,
  );
}
const ws = at('static wasm1', b256);
const wd = at('dynamic wasm1', b256);
console.log(`wasm dynamic / wasm static, batch ${b256}: ${ratio(wd, ws, 'wallIps')}x wall, ${ratio(wd, ws, 'cpuIps')}x CPU time`);
for (const m of Object.values(ort)) await m.release();
await fs.rm(dir, { recursive: true, force: true });
