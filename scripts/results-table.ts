/**
 * `npm run results`: writes docs/results/fashion-mnist.md from the figures `npm run train:demo` recorded in
 * docs/results/fashion-mnist.json and the benchmark JSON in docs/results/bench-demo.json
 * (`skipvit bench --model resources/models/fashion-mnist-micro-dynamic --static-model
 * resources/models/fashion-mnist-micro-static --json --out docs/results/bench-demo.json`).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { table } from '../src-main/core/bench/table';

const ROOT = path.resolve(import.meta.dirname, '..');
const dir = path.join(ROOT, 'docs', 'results');
const r = JSON.parse(await fs.readFile(path.join(dir, 'fashion-mnist.json'), 'utf8'));
const bench = await fs.readFile(path.join(dir, 'bench-demo.json'), 'utf8').then(JSON.parse, () => null);

const pct = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(2)}%`);
const min = (s: number | undefined) => (s === undefined ? '-' : `${(s / 60).toFixed(1)} min`);
const b256 = bench?.batches?.find((b: { batchSize: number }) => b.batchSize === 256);
const speedup = b256?.speedup ? `${b256.speedup.toFixed(2)}x` : '-';

const rows = [
  ['static micro ViT', r.static?.epochs, min(r.static?.wallSeconds), pct(r.static?.staticAccuracy), '-', '1.000', '8.00', '1.00x'],
  [`dynamic, alpha ${r.dynamic?.alpha}`, `+${r.dynamic?.epochs}`, min(r.dynamic?.wallSeconds), pct(r.dynamic?.staticAccuracy), pct(r.dynamic?.dynamicAccuracy), r.dynamic?.meanExecutedCost?.toFixed(3), r.dynamic?.meanExecutedLayers?.toFixed(2), speedup],
  [`dynamic, alpha ${r.dynamicLargeAlpha?.alpha}`, `+${r.dynamicLargeAlpha?.epochs}`, min(r.dynamicLargeAlpha?.wallSeconds), pct(r.dynamicLargeAlpha?.staticAccuracy), pct(r.dynamicLargeAlpha?.dynamicAccuracy), r.dynamicLargeAlpha?.meanExecutedCost?.toFixed(3), r.dynamicLargeAlpha?.meanExecutedLayers?.toFixed(2), '-'],
];
const transfer = [
  ['source: classes 0-4, static then dynamic', `${r.transferSourceStatic?.epochs} + ${r.transferSourceDynamic?.epochs}`, pct(r.transferSourceDynamic?.dynamicAccuracy), r.transferSourceDynamic?.meanExecutedCost?.toFixed(3)],
  ['fine-tuned on classes 5-9 (new head, agent kept)', `${r.transferFineTuned?.epochs}`, pct(r.transferFineTuned?.dynamicAccuracy), r.transferFineTuned?.meanExecutedCost?.toFixed(3)],
  ['from scratch on classes 5-9, same budget', `${r.transferScratchStatic?.epochs} + ${r.transferScratchDynamic?.epochs}`, pct(r.transferScratchDynamic?.dynamicAccuracy), r.transferScratchDynamic?.meanExecutedCost?.toFixed(3)],
];
const benchRows = (bench?.batches ?? []).map((b: any) =>
  b.skipped
    ? [b.batchSize, `skipped: ${b.skipped}`, '', '', '', '', '']
    : [b.batchSize, b.static.imagesPerSec.toFixed(0), b.dynamic.imagesPerSec.toFixed(0), `${b.speedup.toFixed(2)}x`, `${b.idealSpeedup.toFixed(2)}x`, b.efficiency.toFixed(2), b.memoryRatio.toFixed(2)],
);

const md = `# Fashion-MNIST: the demo models

Produced by \`npm run train:demo\` (stages: \`scripts/train-demo.ts\`; figures in \`fashion-mnist.json\` beside
this file) on ${r.dataset?.source ?? '?'} (${r.dataset?.train} train, ${r.dataset?.val} validation held out with a
fixed seed, ${r.dataset?.test} test images), backend **${r.backend?.name ?? '?'}** on a 2-core machine.
Accuracies are on the full test set; "executed cost" is the mean fraction of the total layer cost an image
ran (reference costs, later layers dearer), "layers" the mean number of the 8 blocks it ran.

${table(['model', 'epochs', 'wall time', 'static-path accuracy', 'dynamic accuracy', 'executed cost', 'layers', 'speedup @256'], rows)}

The dynamic rows are trained from the static model with the agent and joint fine-tuning of the backbone; the
"static-path accuracy" of a dynamic row is that fine-tuned backbone run with every layer.

## Transfer (split-transfer protocol)

${table(['model', 'epochs', 'dynamic accuracy (classes 5-9 test)', 'executed cost'], transfer)}

## Static versus dynamic speed (batch sizes)

${bench ? `\`skipvit bench --model resources/models/fashion-mnist-micro-dynamic --static-model resources/models/fashion-mnist-micro-static\`, backend ${bench.backend?.name}, ${bench.dataset?.images} test images:\n\n` + table(['batch', 'static img/s', 'dynamic img/s', 'speedup', 'ideal', 'efficiency', 'memory ratio'], benchRows) : '(not measured yet)'}
`;
await fs.writeFile(path.join(dir, 'fashion-mnist.md'), md);
console.log(md);
