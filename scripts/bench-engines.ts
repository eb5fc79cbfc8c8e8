/**
 * `npm run bench:engines`: the demo static and dynamic models on the studio's wasm engine (tfjs, one
 * thread) and on onnxruntime with 1 and 2 intra-op threads, at batch 1, 32 and 256, on real Fashion-MNIST
 * test images (core/bench/engine-bench.ts; `skipvit bench --engines` runs the same). Prints the table and
 * the issue-19 goal ratios: ORT static >= 4x wasm static at batch 32 on one thread; ORT dynamic / ORT
 * static >= 1.3x at batch 256 (ideal from FLOPs, with efficiency).
 *
 * Env: SECONDS (per configuration and batch size, default 3), BATCHES (default 1,32,256).
 */
import { initBackend } from '../src-main/core/backend';
import { runEngineBench, renderEngineBench, type EngineBenchRow } from '../src-main/core/bench/engine-bench';
import { loadDataset } from '../src-main/core/data';
import { loadModel } from '../src-main/core/model';

const seconds = Number(process.env.SECONDS ?? 3);
const batches = (process.env.BATCHES ?? '1,32,256').split(',').map(Number);

await initBackend('wasm');
const data = await loadDataset('fashion-mnist', { prefer: 'debian' });
const load = async (where: string) => ({ ...(await loadModel(where)), where });
const staticModel = await load('resources/models/fashion-mnist-micro-static');
const dynamicModel = await load('resources/models/fashion-mnist-micro-dynamic');
const r = await runEngineBench({ staticModel, dynamicModel, data, batches, ortThreads: [1, 2], secondsPerBatch: seconds });
console.log(`bench:engines  demo models on Fashion-MNIST test images (Debian's copy)\n${renderEngineBench(r)}\n`);

const at = (model: string, engine: string, B: number): EngineBenchRow | undefined =>
  r.batches.find((b) => b.batchSize === B)?.rows.find((x) => x.model === model && x.engine === engine);
const ratio = (a?: number | null, b?: number | null) => (a && b ? `${(a / b).toFixed(2)}x` : 'n/a');
const b32 = batches.includes(32) ? 32 : batches[0];
const b256 = batches.includes(256) ? 256 : batches[batches.length - 1];
const [ws, os1] = [at('static', 'tfjs-wasm', b32), at('static', 'ort-cpu x1', b32)];
console.log(`ORT static / wasm static, batch ${b32}, one thread: ${ratio(os1?.imagesPerSec, ws?.imagesPerSec)} wall, ${ratio(os1?.imagesPerSecCpu, ws?.imagesPerSecCpu)} CPU time (goal >= 4x)`);
const last = r.batches.find((b) => b.batchSize === b256)!;
for (const s of last.speedups) {
  console.log(
    `${s.engine} dynamic / static, batch ${b256}: ${s.speedup.toFixed(2)}x wall${s.speedupCpu !== null ? `, ${s.speedupCpu.toFixed(2)}x CPU time` : ''}; ` +
      `ideal ${last.ideal.toFixed(2)}x, efficiency ${s.efficiency.toFixed(2)}${s.engine.startsWith('ort') ? ' (goal >= 1.3x)' : ''}`,
  );
}
for (const m of [staticModel, dynamicModel]) m.model.dispose();
