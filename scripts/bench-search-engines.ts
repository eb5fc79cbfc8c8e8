/**
 * `npm run bench:search-engines`: the NSGA-II search of the demo dynamic model (SPEC 2) run twice in one
 * process with the same seed, once on the studio's wasm engine (tfjs) and once on onnxruntime (every genome
 * fed to one session of the dynamic ONNX graph as gate_bias / prune_mask inputs). Reports evaluations per
 * second on each (issue 19 goal: ORT >= 3x) and how far the two fronts differ: the engines take the same
 * skip decisions (test/onnx), so the same seed should give the same genomes and objective vectors up to
 * float rounding.
 *
 * Env: POP (default 10), GENS (2), VAL (validation images per genome, 1000), TEST (test images, 1000),
 * THREADS (onnxruntime intra-op threads, default the machine's cores).
 */
import os from 'node:os';
import { initBackend } from '../src-main/core/backend';
import { table } from '../src-main/core/bench/table';
import { runSearch, type VitSearchResult } from '../src-main/core/search/vit-search';

const env = (k: string, d: number) => Number(process.env[k] ?? d);
await initBackend('wasm');
// No data passed: the search loads the model's dataset with the validation split it was trained with.
const common = {
  model: 'resources/models/fashion-mnist-micro-dynamic', pop: env('POP', 10), gens: env('GENS', 2),
  valImages: env('VAL', 1000), testImages: env('TEST', 1000), seed: 0,
};
const results: Record<string, VitSearchResult> = {};
for (const engine of ['tfjs', 'ort'] as const) {
  results[engine] = await runSearch({ ...common, engine, threads: engine === 'ort' ? env('THREADS', os.availableParallelism()) : undefined });
}
const { tfjs: w, ort: o } = results;
console.log(`bench:search-engines  demo dynamic model, pop ${common.pop}, gens ${common.gens}, ${common.valImages} validation images per genome; ` +
  `${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
console.log(table(
  ['engine', 'device', 'threads', 'genomes run', 'search s', 'evaluations/s', 'val images/s', 'front points', 'final hypervolume'],
  [w, o].map((r) => [r.engine.engine, r.engine.device, r.engine.threads, r.uniqueEvaluations, r.searchSeconds.toFixed(1), r.evaluationsPerSec.toFixed(2), r.imagesPerSec.toFixed(0), r.front.length, r.hypervolume.at(-1)!.toFixed(5)]),
));
console.log(`\nORT / wasm evaluations per second: ${(o.evaluationsPerSec / w.evaluationsPerSec).toFixed(2)}x (goal >= 3x)`);
// Same seed, same decisions: the same sequence of genomes, objectives equal up to rounding.
const n = Math.min(w.evaluated.length, o.evaluated.length);
let sameGenome = 0;
let maxObjectiveDiff = 0;
for (let i = 0; i < n; i++) {
  const a = w.evaluated[i];
  const b = o.evaluated[i];
  if (a.prunedLayers.join() === b.prunedLayers.join() && a.gateBias.every((x, l) => x === b.gateBias[l])) sameGenome++;
  a.objectives.forEach((x, k) => (maxObjectiveDiff = Math.max(maxObjectiveDiff, Math.abs(x - b.objectives[k]))));
}
const key = (r: VitSearchResult) => r.front.map((p) => `${p.prunedLayers.join('.')}|${p.gateBias.map((b) => b.toFixed(6)).join(',')}`).join(' ');
console.log(`genomes: ${sameGenome}/${n} identical in order; max |objective difference| ${maxObjectiveDiff.toExponential(2)}; ` +
  `fronts ${key(w) === key(o) ? 'identical' : 'DIFFER'} (${w.front.length} vs ${o.front.length} points); ` +
  `hypervolume ${w.hypervolume.at(-1)!.toFixed(6)} vs ${o.hypervolume.at(-1)!.toFixed(6)}; ` +
  `test accuracy of the points max |diff| ${Math.max(0, ...w.front.map((p, i) => Math.abs(p.accuracy - (o.front[i]?.accuracy ?? NaN)))).toExponential(2)}`);
