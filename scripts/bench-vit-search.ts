/**
 * Measures the ViT search (issue 8 part 2): genome evaluations per second on a micro ViT over Fashion-MNIST
 * validation images; the unpruned genome's speed inside the search against a plain evaluate() over the same
 * images (what one evaluation would cost without the pre-uploaded tensors); the cache hit rate; the
 * test-phase time.
 *
 * Model: --model DIR, else the demo dynamic model (resources/models/fashion-mnist-micro-dynamic) when it
 * exists, else a micro ViT with random weights (its gates start near "run everything", so it measures the
 * executor's dense case; a trained agent skips more and evaluates faster).
 *
 * Usage: npm run bench:vit-search -- [--model DIR] [--pop 8] [--gens 2] [--val-images 2000] [--test-images 500] [--json out.json]
 * Prints one JSON line (all figures) and readable lines.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../src-main/core/backend';
import { loadDatasetForModel } from '../src-main/core/data';
import { defaultMeta, inferenceOf, loadModel, presetConfig, readModelMeta, saveModel, ViT } from '../src-main/core/model';
import { runSearch } from '../src-main/core/search/vit-search';
import { evaluate } from '../src-main/core/train';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const pop = Number(arg('pop', '8'));
const gens = Number(arg('gens', '2'));
const valImages = Number(arg('val-images', '2000'));
const testImages = Number(arg('test-images', '500'));
const jsonOut = arg('json', '');
const DEMO = path.resolve('resources/models/fashion-mnist-micro-dynamic');

const backend = await initBackend();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-vit-search-'));
let modelDir = arg('model', existsSync(path.join(DEMO, 'model.json')) ? DEMO : '');
// The model's own validation split (data/validation-split.ts); a random model has none, so the loader's default.
const data = await loadDatasetForModel(modelDir, modelDir ? (await readModelMeta(modelDir)).meta.validationSplit : undefined, 'fashion-mnist');
const modelSource = modelDir ? 'trained' : 'random weights';
if (!modelDir) {
  const m = ViT.create(presetConfig('micro', { imageSize: 28, channels: 1, numClasses: 10 }), 0);
  modelDir = path.join(tmp, 'micro-random');
  await saveModel(modelDir, m, {
    ...defaultMeta(m, 'dynamic'),
    dataset: {
      name: 'fashion-mnist',
      classNames: data.info.classNames,
      height: 28,
      width: 28,
      channels: 1,
      mean: data.info.mean,
      std: data.info.std,
    },
  });
  m.dispose();
}

// Reference: one plain evaluate() of the unpruned model over the same validation images (normalising and
// uploading every batch as it goes), after one unmeasured warm-up batch.
const { model, meta } = await loadModel(modelDir);
await evaluate(model, data.val, data.info, { mode: 'dynamic', limit: 256 });
let t = performance.now();
const plain = await evaluate(model, data.val, data.info, { mode: 'dynamic', limit: valImages, inference: inferenceOf(model, meta) });
const plainSeconds = (performance.now() - t) / 1000;
model.dispose();

t = performance.now();
const r = await runSearch({ model: modelDir, data, pop, gens, valImages, testImages, seed: 0 });
const totalSeconds = (performance.now() - t) / 1000;
rmSync(tmp, { recursive: true, force: true });

const result = {
  bench: 'vit-search',
  model: modelDir,
  modelSource,
  backend: backend.name,
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  // Other work on the machine slows every figure here: note it with the result.
  loadAverage1m: os.loadavg()[0],
  pop,
  gens,
  valImages: r.splits.val.images,
  testImages: r.splits.test.images,
  evaluations: r.evaluations,
  uniqueEvaluations: r.uniqueEvaluations,
  cacheHitRate: r.cacheHits / r.evaluations,
  evaluationsPerSec: r.evaluationsPerSec,
  msPerEvaluation: 1000 / r.evaluationsPerSec,
  searchImagesPerSec: r.imagesPerSec,
  meanValExecutedCost: r.evaluated.reduce((s, e) => s + e.valExecutedCost, 0) / r.evaluated.length,
  // The seed genome (unpruned, zero bias) is the plain model: its forward time compares with plain evaluate().
  seedGenomeImagesPerSec: 1000 / r.evaluated[0].valLatencyMs,
  seedGenomeExecutedCost: r.evaluated[0].valExecutedCost,
  plainEvaluateImagesPerSec: plain.images / plainSeconds,
  plainEvaluateExecutedCost: plain.meanExecutedCost,
  searchSeconds: r.searchSeconds,
  testSeconds: r.testSeconds,
  totalSeconds,
  frontSize: r.front.length,
  hypervolume: r.hypervolume,
};
console.log(JSON.stringify(result));
console.log(
  `ViT search on ${modelSource} micro ViT (${backend.name}, ${result.cpus} cores, load ${result.loadAverage1m.toFixed(1)}): ` +
    `${result.evaluationsPerSec.toFixed(3)} evaluations/s (${result.msPerEvaluation.toFixed(0)} ms per genome on ${result.valImages} val images, ` +
    `${result.searchImagesPerSec.toFixed(0)} images/s, mean executed cost ${(result.meanValExecutedCost * 100).toFixed(0)}%)`,
);
console.log(
  `unpruned zero-bias genome in the search: ${result.seedGenomeImagesPerSec.toFixed(0)} images/s; plain evaluate() of the same model on the same images: ` +
    `${result.plainEvaluateImagesPerSec.toFixed(0)} images/s (executed cost ${(result.plainEvaluateExecutedCost * 100).toFixed(0)}%)`,
);
console.log(
  `${result.evaluations} genomes asked, ${result.uniqueEvaluations} run (cache hits ${(result.cacheHitRate * 100).toFixed(0)}%); ` +
    `search ${result.searchSeconds.toFixed(1)} s, test phase ${result.testSeconds.toFixed(1)} s (${result.frontSize} front points x ${result.testImages} images + 2)`,
);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2));
