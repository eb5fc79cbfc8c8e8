/**
 * `npm run bench:rows`: the executor's row moves (src-main/core/model/rows.ts) compared in one process on
 * the wasm backend: one micro ViT layer at batch 256 with half the samples running it, the row moves alone
 * (f = identity) and the whole layer (f = the block). Process CPU time per call, median of rounds in which
 * every variant runs once (so load on the machine hits them alike).
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src-main/core/backend';
import { table } from '../src-main/core/bench/table';
import { presetConfig, ViT } from '../src-main/core/model';
import { mapRows, type RowMoves } from '../src-main/core/model/rows';
import { Rng } from '../src-main/core/util/rng';

const backend = await initBackend('wasm');
const B = Number(process.env.BATCH ?? 256);
const rounds = Number(process.env.ROUNDS ?? 40);
const config = presetConfig('micro', { imageSize: 28, channels: 1, numClasses: 10 });
const model = ViT.create(config, 0);
const rng = new Rng(0);
const x = tf.tidy(() => model.embed(tf.randomNormal([B, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D)); // [B, N, D]
const run = Array.from({ length: B }, (_, b) => b).filter(() => rng.next() < 0.5);
const moves: RowMoves[] = ['wasm-heap', 'host', 'gather'];
const what = {
  'row moves alone': (m: RowMoves) => mapRows(x, run, (r) => r.clone(), m),
  'layer (moves + block)': (m: RowMoves) => mapRows(x, run, (r) => model.block(0, r as tf.Tensor3D), m),
};
const cpuMs = (f: () => tf.Tensor) => {
  const c = process.cpuUsage();
  const y = tf.tidy(f);
  y.dataSync();
  const u = process.cpuUsage(c);
  y.dispose();
  return (u.user + u.system) / 1000;
};
const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];
const results: Record<string, Record<RowMoves, number>> = {};
for (const [name, f] of Object.entries(what)) {
  const times = Object.fromEntries(moves.map((m) => [m, [] as number[]])) as Record<RowMoves, number[]>;
  for (let i = 0; i < 3; i++) for (const m of moves) cpuMs(() => f(m)); // warm-up
  for (let i = 0; i < rounds; i++) for (const m of i % 2 ? [...moves].reverse() : moves) times[m].push(cpuMs(() => f(m)));
  results[name] = Object.fromEntries(moves.map((m) => [m, median(times[m])])) as Record<RowMoves, number>;
}
console.log(`backend ${backend.name}; micro ViT layer, batch ${B}, ${run.length} samples run it; CPU ms per call, median of ${rounds}`);
console.log(
  table(
    ['what', ...moves.map((m) => `${m} ms`), 'host / wasm-heap', 'gather / wasm-heap'],
    Object.entries(results).map(([name, r]) => [
      name,
      ...moves.map((m) => r[m].toFixed(3)),
      (r.host / r['wasm-heap']).toFixed(2),
      (r.gather / r['wasm-heap']).toFixed(2),
    ]),
  ),
);
console.log(JSON.stringify({ backend: backend.name, batch: B, runs: run.length, rounds, cpuMs: results }));
