/**
 * `npm run results`: writes docs/results/fashion-mnist.md from the figures `npm run train:demo` recorded in
 * docs/results/fashion-mnist.json and the benchmark JSON in docs/results/bench-demo.json
 * (`skipvit bench --model resources/models/fashion-mnist-micro-dynamic --static-model
 * resources/models/fashion-mnist-micro-static --json --out docs/results/bench-demo.json`).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { scatterSvg, type ScatterPoint } from '../src-main/core/bench/scatter-svg';
import { table as textTable } from '../src-main/core/bench/table';
import { meanSd, pairedTTest, type MeanSd } from '../src-main/core/stats';

/** An aligned text table in a fenced block, so it reads the same in a terminal and rendered. */
const table = (header: string[], rows: unknown[][]) => '```\n' + textTable(header, rows as (string | number)[][]) + '\n```';

const ROOT = path.resolve(import.meta.dirname, '..');
const dir = path.join(ROOT, 'docs', 'results');
const r = JSON.parse(await fs.readFile(path.join(dir, 'fashion-mnist.json'), 'utf8'));
const bench = await fs.readFile(path.join(dir, 'bench-demo.json'), 'utf8').then(JSON.parse, () => null);
const search = await fs.readFile(path.join(dir, 'search-demo.json'), 'utf8').then(JSON.parse, () => null);
const executor = await fs.readFile(path.join(dir, 'bench-executor.json'), 'utf8').then(JSON.parse, () => null);

/** `--part paired`: the twin against the static model on the same images, controls, memory (train-demo.ts). */
const paired = r.paired;
/** "p = 0.034" / "p < 1e-8". */
const pText = (p: number) => (p < 1e-4 ? `p < 1e-${Math.floor(-Math.log10(p))}` : `p = ${p.toPrecision(2)}`);
const pct = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(2)}%`);
/** Accuracy difference in points, two decimals: a - b. */
const points = (a: number, b: number) => ((a - b) * 100).toFixed(2);
/** One sentence per distinct provenance, naming the rows it covers: "label, label: provenance." */
function provenanceNotes<T>(rows: T[], label: (row: T) => string, provenance: (row: T) => string | undefined): string[] {
  const notes = [...new Set(rows.flatMap((x) => provenance(x) ?? []))];
  return notes.map((note) => `${rows.filter((x) => provenance(x) === note).map(label).join(', ')}: ${note}.`);
}
const min = (s: number | undefined) => (s === undefined ? '-' : `${(s / 60).toFixed(1)} min`);
/** A stage's wall time; "from step N" when it resumed from checkpoints that did not keep the time before. */
const stageMin = (d: { wallSeconds?: number; wallSecondsFromStep?: number } | undefined) =>
  `${min(d?.wallSeconds)}${d?.wallSecondsFromStep ? ` from step ${d.wallSecondsFromStep.toLocaleString('en')}` : ''}`;
const b256 = bench?.batches?.find((b: { batchSize: number }) => b.batchSize === 256);
const speedup = b256?.speedup ? `${b256.speedup.toFixed(2)}x` : '-';

const rows = [
  [`static micro ViT${r.static?.layerDrop ? `, LayerDrop ${r.static.layerDrop}` : ''}`, r.static?.epochs, stageMin(r.static), pct(r.static?.staticAccuracy), '-', '1.000', '8.00', '1.00x'],
  [`dynamic, alpha ${r.dynamic?.alpha}${r.dynamic?.reward ? `, ${r.dynamic.reward} reward` : ''}`, `+${r.dynamic?.epochs}`, stageMin(r.dynamic), pct(r.dynamic?.staticAccuracy), pct(r.dynamic?.dynamicAccuracy), r.dynamic?.meanExecutedCost?.toFixed(3), r.dynamic?.meanExecutedLayers?.toFixed(2), speedup],
  [`dynamic, alpha ${r.dynamicLargeAlpha?.alpha}${r.dynamicLargeAlpha?.reward ? `, ${r.dynamicLargeAlpha.reward} reward` : ''}`, `+${r.dynamicLargeAlpha?.epochs}`, stageMin(r.dynamicLargeAlpha), pct(r.dynamicLargeAlpha?.staticAccuracy), pct(r.dynamicLargeAlpha?.dynamicAccuracy), r.dynamicLargeAlpha?.meanExecutedCost?.toFixed(3), r.dynamicLargeAlpha?.meanExecutedLayers?.toFixed(2), '-'],
];
const transfer = [
  ['source: classes 0-4, static then dynamic', `${r.transferSourceStatic?.epochs} + ${r.transferSourceDynamic?.epochs}`, pct(r.transferSourceDynamic?.dynamicAccuracy), r.transferSourceDynamic?.meanExecutedCost?.toFixed(3)],
  ['fine-tuned on classes 5-9 (new head, agent kept)', `${r.transferFineTuned?.epochs}`, pct(r.transferFineTuned?.dynamicAccuracy), r.transferFineTuned?.meanExecutedCost?.toFixed(3)],
  ['from scratch on classes 5-9, same budget', `${r.transferScratchStatic?.epochs} + ${r.transferScratchDynamic?.epochs}`, pct(r.transferScratchDynamic?.dynamicAccuracy), r.transferScratchDynamic?.meanExecutedCost?.toFixed(3)],
];
// The LayerDrop ablation: the main part with other rates (`--part ablation`). Every row has the same agent stage
// (train-demo.ts E.ablationAgent); on the main static model that stage is `--part reward`'s row of the same reward and alpha.
const ldAgent = r.ablationDynamicLayerDrop0 ?? { reward: 'correct', alpha: 0.15, epochs: r.dynamic?.epochs };
const ablation = [
  ...[0, 0.2].map((rate) => ({ rate, s: r[`ablationStaticLayerDrop${rate}`], d: r[`ablationDynamicLayerDrop${rate}`], main: false })),
  { rate: r.static?.layerDrop ?? 0, s: r.static, d: r[`reward_${ldAgent.reward ?? 'correct'}_${ldAgent.alpha}`], main: true },
]
  .filter((a) => a.s)
  .sort((a, b) => a.rate - b.rate);
const ablationRows = ablation.map((a) => [
  `${a.rate}${a.main ? ' (the demo static model)' : ''}`,
  pct(a.s?.staticAccuracy),
  pct(a.d?.dynamicAccuracy),
  a.d?.meanExecutedCost?.toFixed(3) ?? '-',
  a.d?.meanExecutedLayers?.toFixed(2) ?? '-',
  a.d ? points(a.d.dynamicAccuracy, a.s.staticAccuracy) : '-',
]);
const ablationNotes = provenanceNotes(ablation, (a) => `LayerDrop ${a.rate}`, (a) => a.s.provenance);
const rowText = (a: (typeof ablation)[number]) =>
  `${a.rate ? `with LayerDrop ${a.rate}` : 'without LayerDrop'} the twin reaches ${pct(a.d?.dynamicAccuracy)} at ${((a.d?.meanExecutedCost ?? NaN) * 100).toFixed(1)}% of the layer cost, ${points(a.d?.dynamicAccuracy ?? NaN, a.s.staticAccuracy)} points from its static model`;
const withTwin = ablation.filter((a) => a.d);
// Judged on the twin's loss against its own static model: what LayerDrop is for. One seed per row, so a
// difference under about 0.33 points (one standard error of a test accuracy) is not read as an effect.
const leastLoss = [...withTwin].sort((a, b) => b.d.dynamicAccuracy - b.s.staticAccuracy - (a.d.dynamicAccuracy - a.s.staticAccuracy))[0];
const ablationSentence =
  withTwin.length > 1
    ? `${withTwin.map(rowText).join('; ').replace(/^w/, 'W')}. ` +
      `The twin loses least against its own static model at LayerDrop ${leastLoss.rate}; the static models themselves rank ${[...withTwin]
        .sort((a, b) => b.s.staticAccuracy - a.s.staticAccuracy)
        .map((a) => `${a.rate} (${pct(a.s.staticAccuracy)})`)
        .join(', ')}, so what LayerDrop buys the twin it partly costs the static model. One seed per row and no paired test here, so a difference under about 0.33 points (one standard error of one test accuracy) is not read as an effect; the main twin's paired test is above.`
    : '';
const benchRows = (bench?.batches ?? []).map((b: any) =>
  b.skipped
    ? [b.batchSize, `skipped: ${b.skipped}`, '', '', '', '', '']
    : [b.batchSize, b.static.imagesPerSec.toFixed(0), b.dynamic.imagesPerSec.toFixed(0), `${b.speedup.toFixed(2)}x`, `${(b.speedupCpu ?? NaN).toFixed(2)}x`, `${b.idealSpeedup.toFixed(2)}x`, b.efficiency.toFixed(2), b.memoryRatio.toFixed(2)],
);
const executorRows = (executor?.batches ?? []).map((b: any) =>
  b.skipped ? [b.batchSize, `skipped: ${b.skipped}`, '', '', '', '', ''] : [b.batchSize, b.static.imagesPerSec.toFixed(0), b.dynamic.imagesPerSec.toFixed(0), `${b.speedup.toFixed(2)}x`, `${b.idealSpeedup.toFixed(2)}x`, b.efficiency.toFixed(2), (b.efficiencyCpu ?? NaN).toFixed(2)],
);
type FrontPoint = { index: number; accuracy: number; meanExecutedCost: number; prunedLayers: number[]; prunedFraction: number };
const front: FrontPoint[] = search?.front ?? [];
const knee = front[search?.knee];
const pruned33 = front.filter((p) => p.prunedFraction >= 0.33).sort((a, b) => b.accuracy - a.accuracy)[0];
const searchRow = (label: string, p: FrontPoint | undefined) =>
  p ? [label, `#${p.index}`, pct(p.accuracy), p.meanExecutedCost.toFixed(3), p.prunedLayers.join(' ') || '-', `${(p.prunedFraction * 100).toFixed(1)}%`] : [label, '-', '-', '-', '-', '-'];
const bestAcc = [...front].sort((a, b) => b.accuracy - a.accuracy)[0];

// The narrative under the main table, computed from the figures so that it stays true for any run.
const staticAcc = r.static?.staticAccuracy ?? 0;
const dynAcc = r.dynamic?.dynamicAccuracy ?? 0;
const dynCost = r.dynamic?.meanExecutedCost ?? 1;
const gap = (dynAcc - staticAcc) * 100;
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
const valHistory: { valAccuracy: number }[] = r.static?.history ?? [];
const lastValGain = valHistory.length >= 2 ? (valHistory.at(-1)!.valAccuracy - valHistory.at(-2)!.valAccuracy) * 100 : NaN;
/** The 2-hour budget, judged only on a run of the plain command that started from empty checkpoints. */
function endToEndTarget(e: { wallSeconds: number; finishedAt: string; alreadyDone: string[] } | undefined): string {
  if (!e) return 'the whole of `npm run train:demo` within 2 hours: not timed end to end yet.';
  if (e.alreadyDone.length) return `the whole of \`npm run train:demo\` within 2 hours: not judged; its last run (${min(e.wallSeconds)}, ${e.finishedAt.slice(0, 10)}) started with ${e.alreadyDone.join(', ')} already done.`;
  return `the whole of \`npm run train:demo\` within 2 hours: ${min(e.wallSeconds)} from empty checkpoints (finished ${e.finishedAt.slice(0, 16).replace('T', ' ')} UTC), ${met(e.wallSeconds <= 7200)}.`;
}
const targets = [
  `static test accuracy at least 88%: ${pct(staticAcc)}, ${met(staticAcc >= 0.88)} (validation ${pct(valHistory.at(-1)?.valAccuracy)}, ${lastValGain >= 0 ? '+' : ''}${lastValGain.toFixed(2)} points in the last epoch).`,
  `dynamic twin at most 70% of the layer cost: ${(dynCost * 100).toFixed(1)}%, ${met(dynCost <= 0.7)}.`,
  `dynamic accuracy no lower than static minus 0.5 points: ${gap >= 0 ? '+' : ''}${gap.toFixed(2)} points, ${met(gap >= -0.5)}.`,
  `the thesis reports dynamic models beating their static twins: ${gap > 0 ? 'this one does' : gap === 0 ? 'this one ties' : 'this one does not'} (by ${Math.abs(gap).toFixed(2)} points${paired ? `; McNemar ${pText(paired.twinMinusStatic.mcnemar.pValue)}, see the paired test below` : ''}).`,
  endToEndTarget(r.endToEnd),
];
const layerRates: number[] = r.dynamic?.layerRates ?? [];
const always = layerRates.flatMap((x, l) => (x >= 0.99 ? [l] : []));
const rarely = layerRates.flatMap((x, l) => (x <= 0.01 ? [l] : []));
const memoryRatio = b256?.memoryRatio;
const layerSentence = layerRates.length
  ? `Per-layer execution rates of the twin on the test set: ${layerRates.map((x, l) => `${l}: ${(x * 100).toFixed(0)}%`).join(', ')}` +
    ` (${always.length ? `layer${always.length > 1 ? 's' : ''} ${always.join(', ')} run for nearly every image` : 'no layer runs for every image'}${rarely.length ? `, layer${rarely.length > 1 ? 's' : ''} ${rarely.join(', ')} for almost none` : ''}).` +
    (memoryRatio !== undefined ? ` Working-memory ratio dynamic/static at batch 256: ${memoryRatio.toFixed(2)}${memoryRatio > 0.99 ? ' (the peak is reached in a layer that every image runs, so skipping does not lower it)' : ''}.` : '')
  : '';
// Wall time per part as the sum of its stages' own wall times: a stage skipped on a rerun (its output kept)
// keeps the time it took when it ran, so the sum is what the part costs from empty checkpoints.
const PART_STAGES = {
  main: ['static', 'dynamic'],
  large: ['dynamicLargeAlpha'],
  transfer: ['transferSourceStatic', 'transferSourceDynamic', 'transferFineTuned', 'transferScratchStatic', 'transferScratchDynamic'],
} as const;
const partWall = (stages: readonly string[]) => stages.reduce((a, k) => a + (r[k]?.wallSeconds ?? NaN), 0);
const parts = Object.entries(PART_STAGES)
  .map(([p, stages]) => `${p} ${min(partWall(stages))} (${stages.map((k) => `${k} ${stageMin(r[k])}`).join(' + ')})`)
  .join('; ');

// The reward ablation (`--part reward`): the agent stage on the main static model, each reward over alphas.
type RewardRow = { reward: string; alpha: number; d: any };
const rewardRows: RewardRow[] = Object.entries(r)
  .flatMap(([k, d]) => (k.startsWith('reward_') ? [{ reward: k.split('_')[1], alpha: Number(k.split('_')[2]), d }] : []))
  .sort((a, b) => a.reward.localeCompare(b.reward) || a.alpha - b.alpha);
const rewardTable = rewardRows.map(({ reward, alpha, d }) => [
  reward, alpha, pct(d.dynamicAccuracy), d.meanExecutedCost.toFixed(3), d.meanExecutedLayers.toFixed(2), pct(d.staticAccuracy),
  points(d.dynamicAccuracy, r.static?.staticAccuracy ?? NaN),
]);
/** Accuracy of one reward's curve at the given cost, read off the straight line between its two nearest points. */
function accuracyAtCost(reward: string, cost: number): number | null {
  const pts = rewardRows.filter((x) => x.reward === reward).map((x) => x.d).sort((a, b) => a.meanExecutedCost - b.meanExecutedCost);
  const hi = pts.findIndex((d) => d.meanExecutedCost >= cost);
  if (hi <= 0) return null;
  const [a, b] = [pts[hi - 1], pts[hi]];
  const t = (cost - a.meanExecutedCost) / (b.meanExecutedCost - a.meanExecutedCost);
  return a.dynamicAccuracy + t * (b.dynamicAccuracy - a.dynamicAccuracy);
}
const rewardSentence = (() => {
  // Every 5% of the layer cost where both curves have a point on each side.
  const grid = Array.from({ length: 19 }, (_, i) => 0.05 * (i + 1));
  const at = grid.map((c) => ({ c, conf: accuracyAtCost('confidence', c), corr: accuracyAtCost('correct', c) })).filter((x) => x.conf !== null && x.corr !== null);
  if (!at.length) return '';
  const diffs = at.map(({ conf, corr }) => (conf! - corr!) * 100);
  // One seed per point: a test accuracy near 87% on 10,000 images has a standard error of about 0.33 points.
  const verdict = diffs.every((x) => Math.abs(x) < 0.33)
    ? 'Every difference is inside one standard error of a single test accuracy (about 0.33 points): over the costs both curves cover, the confidence reward is not measurably better.'
    : diffs.every((x) => x > -0.33)
      ? 'The confidence reward is ahead where the difference exceeds one standard error of a single test accuracy (about 0.33 points) and level elsewhere.'
      : 'The curves cross by more than one standard error of a single test accuracy (about 0.33 points): neither reward is better everywhere.';
  return 'Read off each curve at the same cost (straight lines between neighbouring alphas): ' +
    at.map(({ c, conf, corr }, i) => `at ${(c * 100).toFixed(0)}% of the layer cost, confidence ${pct(conf!)} against correct ${pct(corr!)} (${diffs[i] >= 0 ? '+' : ''}${diffs[i].toFixed(2)} points)`).join('; ') + '. ' + verdict;
})();
// The main twin's longer agent stage beside the thesis reward trained as long (`--part reward`'s rewardLong row).
const longRuns = [r.dynamic, ...Object.entries(r).flatMap(([k, d]) => (k.startsWith('rewardLong_') ? [d as any] : []))].filter((d) => d?.dynamicAccuracy !== undefined);
const longRows = longRuns.map((d) => [d.reward ?? 'correct', d.alpha, d.epochs, pct(d.dynamicAccuracy), d.meanExecutedCost.toFixed(3), d.meanExecutedLayers.toFixed(2), points(d.dynamicAccuracy, r.static?.staticAccuracy ?? NaN)]);
const longNotes = provenanceNotes(longRuns, (d) => `${d.reward} ${d.alpha}`, (d) => d.provenance);
const rewardNotes = provenanceNotes(rewardRows, (x) => `${x.reward} ${x.alpha}`, (x) => x.d.provenance);

// ---- Does the twin hold up (issue 17): seeds, the paired test, controls, attempts, memory, a deeper backbone. ----
const pm = (m: MeanSd, scale = 100, digits = 2) => `${(m.mean * scale).toFixed(digits)}${m.sd === null ? '' : ` +/- ${(m.sd * scale).toFixed(digits)}`}`;
const pending = (command: string, note = '') => `\`${command}\`${note ? ` (${note})` : ''}`;
// The main row over seeds: seed 0 is the main part; `--part seeds` adds staticSeed<r> / dynamicSeed<r>.
const seedKeys = Object.keys(r).filter((k) => /^staticSeed\d+$/.test(k)).map((k) => Number(k.slice('staticSeed'.length))).sort((a, b) => a - b);
const seedPairs = [0, ...seedKeys].map((seed) => ({
  seed,
  static: seed === 0 ? r.static : r[`staticSeed${seed}`],
  twin: seed === 0 ? r.dynamic : r[`dynamicSeed${seed}`],
}));
const staticSeeds = seedPairs.filter((p) => p.static?.staticAccuracy !== undefined);
const twinSeeds = seedPairs.filter((p) => p.twin?.dynamicAccuracy !== undefined);
// The main twin's FLOP fraction was measured by `--part paired`; the seeds' stages record their own.
const twinFlops = (p: (typeof seedPairs)[number]): number | undefined => p.twin.flopFraction ?? (p.seed === 0 ? paired?.twin.flopFraction : undefined);
// Paired per seed: twin r minus the static model it was trained from (static seed r), in points.
const seedDiffs = twinSeeds.filter((p) => p.static?.staticAccuracy !== undefined).map((p) => 100 * (p.twin.dynamicAccuracy - p.static.staticAccuracy));
const seedStats = {
  staticAcc: meanSd(staticSeeds.map((p) => p.static.staticAccuracy)),
  twinAcc: meanSd(twinSeeds.map((p) => p.twin.dynamicAccuracy)),
  twinCost: meanSd(twinSeeds.map((p) => p.twin.meanExecutedCost)),
  twinFlops: meanSd(twinSeeds.map(twinFlops).filter((x): x is number => x !== undefined)),
  diff: meanSd(seedDiffs.map((d) => d / 100)),
};
const seedRows = [
  [`static micro ViT (${staticSeeds.length} seed${staticSeeds.length > 1 ? 's' : ''})`, pm(seedStats.staticAcc), '1.000', '1.000'],
  [`dynamic twin (${twinSeeds.length} seed${twinSeeds.length > 1 ? 's' : ''})`, pm(seedStats.twinAcc), pm(seedStats.twinCost, 1, 3), pm(seedStats.twinFlops, 1, 3)],
  ['dynamic - static (points)', pm(seedStats.diff), '', ''],
];
const missingSeeds = [1, 2].filter((s) => !twinSeeds.some((p) => p.seed === s));
const seedNote = missingSeeds.length
  ? `${twinSeeds.length} of 3 seeds so far (${twinSeeds.length > 1 ? 'the standard deviation is of that many' : 'so no standard deviation'}); ` +
    `seed${missingSeeds.length > 1 ? 's' : ''} ${missingSeeds.join(' and ')} not yet run: ${pending(`DEMO_SEEDS=${missingSeeds.join(',')} npm run train:demo -- --part seeds`, 'static 20 epochs + twin 5 epochs per seed, about 2 h each on a free core here')}.`
  : `Mean +/- sample standard deviation over seeds ${twinSeeds.map((p) => p.seed).join(', ')} (static seed r, its twin agent seed r + 1).`;
// The seed as the unit of replication: does the recipe lose accuracy draw after draw? (Student's paired t over seeds.)
const seedT = seedDiffs.length > 1 ? pairedTTest(seedDiffs) : null;
const seedTSentence = seedT
  ? ` Taking the seed as the unit (one paired difference per seed: ${seedDiffs.map((d) => d.toFixed(2)).join(', ')} points), Student's paired t-test gives t(${seedT.df}) = ${seedT.t.toFixed(2)}, ${pText(seedT.pValue)}, 95% CI of the mean difference [${seedT.low.toFixed(2)}, ${seedT.high.toFixed(2)}] points: ${seedT.pValue < 0.05 ? `at the 5% level the recipe's twin is ${seedT.mean < 0 ? 'less' : 'more'} accurate than its static model from one draw to the next.` : `with ${seedT.n} seeds this test cannot tell at the 5% level whether a new draw of the recipe would lose accuracy.`}`
  : '';
// Each seed's twin against its own static model on the same test images, and pooled over seeds (`--part paired`).
const ps = r.pairedSeeds;
const seedTests = ps?.seeds.length > 1
  ? ` Each twin against the static model it came from, on the same ${ps.testImages.toLocaleString('en')} test images (\`${ps.command}\`): ${ps.seeds
      .map((x: any) => `seed ${x.seed} ${x.twinAccuracy >= x.staticAccuracy ? '+' : ''}${points(x.twinAccuracy, x.staticAccuracy)} points (McNemar ${pText(x.twinMinusStatic.mcnemar.pValue)})`)
      .join(', ')}; pooled over the ${ps.pooled.n.toLocaleString('en')} (seed, image) pairs, ${ps.pooled.onlySecond} only the twin got right and ${ps.pooled.onlyFirst} only the static model, McNemar ${pText(ps.pooled.pValue)} (the pooled test takes every (seed, image) pair as independent: it asks about these ${ps.seeds.length} pairs of models on these images, not about a new draw). ${ps.pooled.pValue < 0.05 ? `At the 5% level these twins are, together, ${ps.pooled.onlySecond < ps.pooled.onlyFirst ? 'less' : 'more'} accurate than their static models.` : 'At the 5% level the two are not distinguishable over these seeds.'}`
  : '';

// One row per control, attempt or deeper model: the JSON key, its label, and the command that produces it.
type Row = { label: string; d: any; command: string; note?: string; dynamic: boolean };
const cmd = (part: string) => `npm run train:demo -- --part ${part}`;
const attemptLabels: Record<string, string> = {
  attemptDistill: 'attempt: distillation from the static teacher (KL weight 1, T 2)',
  attemptConsolidation: 'attempt: + 1 consolidation epoch (gates frozen, greedy paths)',
  attemptCurriculum: 'attempt: curriculum over the first 2 epochs (forceRun)',
  attemptFlopCosts: 'attempt: undiscounted returns (gamma 1), FLOP-proportional costs',
};
const deepDepth = Number(Object.keys(r).find((k) => /^deepStatic\d+$/.test(k))?.slice('deepStatic'.length) ?? 12);
const controlRows: Row[] = [
  { label: `control: static fine-tuned +${r.dynamic?.epochs ?? 5} epochs at lr 1e-4 (compute-matched)`, d: r.controlComputeMatched, command: cmd('controls'), note: 'about 25 min on a free core', dynamic: false },
  {
    label: `control: static with the least useful layers removed${r.controlPrunedStatic ? ` (${r.controlPrunedStatic.removed.join(', ')})` : ''} to the twin's FLOPs, fine-tuned 1 epoch`,
    d: r.controlPrunedStatic, command: `${cmd('controls')} --only pruned`, note: 'about 10 min on a free core', dynamic: false },
];
const attemptRows: Row[] = Object.entries(attemptLabels).map(([k, label]) => ({ label, d: r[k], command: cmd('attempts'), note: 'about 25 min per attempt on a free core', dynamic: true }));
const deepRows: Row[] = [
  { label: `deeper backbone: static, depth ${deepDepth}`, d: r[`deepStatic${deepDepth}`], command: cmd('deep'), note: 'about 2.3 h with --workers 2 here (1.5x the FLOPs of micro per image); DEMO_DEEP_DEPTH=16 for 16', dynamic: false },
  { label: `deeper backbone: twin, depth ${deepDepth}`, d: r[`deepDynamic${deepDepth}`], command: cmd('deep'), note: 'after the static one, about 40 min', dynamic: true },
];
const staticRef = paired?.static.accuracy ?? r.static?.staticAccuracy;
// The deeper twin against its own static model on the same test images (`--part deep`, after both stages).
const deepTwin = r[`deepDynamic${deepDepth}`];
const deepPair = r[`deepPaired${deepDepth}`];
// Did the extra depth give the model accuracy to spare, and how does its twin compare with the micro twins?
const deepStatic = r[`deepStatic${deepDepth}`];
const deepAgainstMicro = deepPair && deepTwin && deepStatic?.vsDemoStatic
  ? ` The depth-${deepDepth} static model is itself ${points(deepStatic.staticAccuracy, staticRef)} points from the micro one (McNemar ${pText(deepStatic.vsDemoStatic.mcnemar.pValue)}): ${deepStatic.staticAccuracy > staticRef && deepStatic.vsDemoStatic.mcnemar.pValue < 0.05 ? 'the extra depth bought accuracy' : `${deepStatic.epochs} epochs of the same recipe did not turn the extra depth into accuracy here`}. Its twin runs at FLOP fraction ${deepTwin.flopFraction.toFixed(3)} (the micro twins: ${pm(seedStats.twinFlops, 1, 3)}) and is ${points(deepPair.twinAccuracy, deepPair.staticAccuracy)} points from its static model (the micro twins: ${pm(seedStats.diff)}, so ${Math.abs(deepPair.twinAccuracy - deepPair.staticAccuracy - seedStats.diff.mean) <= (seedStats.diff.sd ?? 0) ? 'within' : 'outside'} one standard deviation of theirs): one seed here, so not read as an effect of depth.`
  : '';
const deepSentence = deepPair && deepTwin
  ? `At depth ${deepDepth} the twin reaches ${pct(deepPair.twinAccuracy)} at FLOP fraction ${deepTwin.flopFraction.toFixed(3)} (reference cost ${deepTwin.meanExecutedCost.toFixed(3)}) against its own static model's ${pct(deepPair.staticAccuracy)}: ${deepPair.twinAccuracy >= deepPair.staticAccuracy ? '+' : ''}${points(deepPair.twinAccuracy, deepPair.staticAccuracy)} points on the same ${deepPair.testImages.toLocaleString('en')} test images (paired bootstrap 95% CI [${(deepPair.twinMinusStatic.bootstrap.low * 100).toFixed(2)}, ${(deepPair.twinMinusStatic.bootstrap.high * 100).toFixed(2)}]; ${deepPair.twinMinusStatic.mcnemar.onlySecond} images only the twin got right, ${deepPair.twinMinusStatic.mcnemar.onlyFirst} only the static model; McNemar ${pText(deepPair.twinMinusStatic.mcnemar.pValue)}; one seed). The table's "vs static" column for these two rows is against the micro static model, as for every row.${deepAgainstMicro}`
  : '';
/** The reference cost of the layers a pruned model kept (the costs from the search's record of the same model). */
function prunedReferenceCost(removed: number[]): string {
  const costs: number[] | undefined = search?.costs;
  if (!costs) return '-';
  const total = costs.reduce((a, c) => a + c, 0);
  return (costs.reduce((a, c, l) => a + (removed.includes(l) ? 0 : c), 0) / total).toFixed(3);
}
function comparisonRow(x: Row): unknown[] {
  const acc = x.dynamic ? x.d.dynamicAccuracy : x.d.staticAccuracy;
  const cost = x.dynamic ? x.d.meanExecutedCost.toFixed(3) : x.d.control === 'pruned-static' ? prunedReferenceCost(x.d.removed) : '1.000';
  const vs = x.d.vsDemoStatic;
  return [x.label, pct(acc), cost, x.d.flopFraction?.toFixed(3) ?? '-', points(acc, staticRef), vs ? pText(vs.mcnemar.pValue) : '-', stageMin(x.d)];
}
const rp = paired?.randomPolicy;
const twinVsRandom = rp?.runs.map((x: any) => x.twinMinusRandom);
const mainRows = paired
  ? [
      ['static micro ViT (the demo model)', pct(paired.static.accuracy), '1.000', '1.000', '0.00', '-', stageMin(r.static)],
      [`dynamic twin (the demo model)`, pct(paired.twin.accuracy), paired.twin.meanExecutedCost.toFixed(3), paired.twin.flopFraction.toFixed(3), points(paired.twin.accuracy, paired.static.accuracy), pText(paired.twinMinusStatic.mcnemar.pValue), stageMin(r.dynamic)],
      [`control: random policy at the twin's per-layer rates (${rp.runs.length} seeds)`, `${pm(rp.accuracy)}%`, pm(rp.meanExecutedCost, 1, 3), pm(rp.flopFraction, 1, 3), (100 * (rp.accuracy.mean - paired.static.accuracy)).toFixed(2), '-', 'evaluation'],
    ]
  : [];
// The twin at the pruned control's FLOPs (one gate bias, chosen on validation images; evaluation only).
const eq = r.twinAtPrunedFlops;
const eqRows = eq
  ? [[`twin at the pruned control's FLOPs (gate bias ${eq.bias.toFixed(2)} on every layer)`, pct(eq.accuracy), eq.meanExecutedCost.toFixed(3), eq.flopFraction.toFixed(3), points(eq.accuracy, staticRef), pText(eq.vsDemoStatic.mcnemar.pValue), 'evaluation']]
  : [];
const comparisonTable = table(
  ['row', 'test accuracy', 'reference cost', 'FLOP fraction', 'vs static (points)', 'McNemar vs static', 'wall time'],
  [...mainRows, ...[...controlRows, ...attemptRows, ...deepRows].filter((x) => x.d).map(comparisonRow), ...eqRows],
);
// Where a row's figures came from, when not from one uninterrupted run of its command (a resume across sessions).
const comparisonNotes = provenanceNotes([...controlRows, ...attemptRows, ...deepRows].filter((x) => x.d), (x) => x.label, (x) => x.d.provenance);
// Rows that need trainings not run yet: the command for each, never a number.
const pendingRows = [...controlRows, ...attemptRows, ...deepRows].filter((x) => !x.d);
const pendingList = pendingRows.length
  ? `Not yet run (long trainings; each stage resumes from its checkpoints, so run the same command again after a stop):\n\n${pendingRows.map((x) => `- ${x.label}: ${pending(x.command, x.note)}`).join('\n')}\n`
  : '';
const doneAttempts = attemptRows.filter((x) => x.d);
// Each attempt at the twin's FLOP fraction (one gate bias; `${key}AtTwinFlops`): a recipe change moves the cost as well
// as the accuracy, so the attempts are ranked by their accuracy at the twin's compute, paired against the twin.
const atTwin = Object.keys(attemptLabels).flatMap((k) => (r[`${k}AtTwinFlops`] ? [{ key: k, label: attemptLabels[k], a: r[`${k}AtTwinFlops`] }] : []));
const atTwinTable = atTwin.length
  ? table(
      ['attempt at the twin\'s FLOP fraction', 'gate bias', 'FLOP fraction', 'test accuracy', 'minus twin (points, 95% CI)', 'McNemar vs twin', 'vs static (points)'],
      atTwin.map(({ label, a }) => [
        label.replace(/^attempt: /, ''), a.bias.toFixed(2), a.flopFraction.toFixed(3), pct(a.accuracy),
        `${(a.minusTwin.bootstrap.difference * 100).toFixed(2)} [${(a.minusTwin.bootstrap.low * 100).toFixed(2)}, ${(a.minusTwin.bootstrap.high * 100).toFixed(2)}]`,
        pText(a.minusTwin.mcnemar.pValue), points(a.accuracy, staticRef),
      ]),
    )
  : '';
// The same rows as a picture: test accuracy against FLOP fraction, the static model's accuracy as a line.
const PLOT = 'fashion-mnist-tradeoff.svg';
const plotPoints: ScatterPoint[] = paired
  ? [
      { label: 'static (the demo model)', x: 1, y: paired.static.accuracy * 100, group: 'static' },
      ...(staticSeeds.length > 1 ? [{ label: `static, ${staticSeeds.length} seeds (mean +/- sd)`, x: 1, y: seedStats.staticAcc.mean * 100, yErr: (seedStats.staticAcc.sd ?? 0) * 100, group: 'static' }] : []),
      { label: 'dynamic twin (the demo model)', x: paired.twin.flopFraction, y: paired.twin.accuracy * 100, group: 'twin' },
      ...(twinSeeds.length > 1 && seedStats.twinFlops.sd !== null
        ? [{ label: `twin, ${twinSeeds.length} seeds (mean +/- sd)`, x: seedStats.twinFlops.mean, xErr: seedStats.twinFlops.sd, y: seedStats.twinAcc.mean * 100, yErr: (seedStats.twinAcc.sd ?? 0) * 100, group: 'twin' }]
        : []),
      ...(eq ? [{ label: 'twin at the pruned control\'s FLOPs', x: eq.flopFraction, y: eq.accuracy * 100, group: 'twin' }] : []),
      { label: `random policy (${rp.runs.length} seeds, mean +/- sd)`, x: rp.flopFraction.mean, xErr: rp.flopFraction.sd ?? 0, y: rp.accuracy.mean * 100, yErr: (rp.accuracy.sd ?? 0) * 100, group: 'control' },
      ...controlRows.filter((x) => x.d).map((x) => ({ label: x.d.control === 'pruned-static' ? `pruned static (layers ${x.d.removed.join(', ')} removed)` : 'static + extra epochs (compute-matched)', x: x.d.flopFraction, y: x.d.staticAccuracy * 100, group: 'control' })),
      ...attemptRows.filter((x) => x.d).map((x) => ({ label: x.label, x: x.d.flopFraction, y: x.d.dynamicAccuracy * 100, group: 'attempt' })),
      ...deepRows.filter((x) => x.d).map((x) => ({ label: x.label, x: x.d.flopFraction, y: (x.dynamic ? x.d.dynamicAccuracy : x.d.staticAccuracy) * 100, group: 'deep' })),
    ]
  : [];
if (plotPoints.length) {
  await fs.writeFile(
    path.join(dir, PLOT),
    scatterSvg(plotPoints, { title: `Fashion-MNIST, micro ViT${deepRows.some((x) => x.d) ? ` (and depth ${deepDepth})` : ''}: test accuracy against compute`, xLabel: 'FLOP fraction (executed FLOPs per image over the static model\'s)', yLabel: 'test accuracy (%)', reference: { y: paired.static.accuracy * 100, label: 'static micro model' } }),
  );
}
const bestAttempt = [...atTwin].sort((a, b) => b.a.accuracy - a.a.accuracy)[0];
const helps = atTwin.filter(({ a }) => a.minusTwin.bootstrap.difference > 0 && a.minusTwin.mcnemar.pValue < 0.05);
const attemptSentence = !doneAttempts.length
  ? ' No attempt has been run yet, so no recipe change is the default: the trainer keeps its defaults until one is measured to help.'
  : !bestAttempt
    ? ` ${doneAttempts.length} attempt${doneAttempts.length > 1 ? 's have' : ' has'} run but none has been compared at the twin's compute yet (\`${cmd('attempts')}\` does it after each stage).`
    : ` At the twin's compute (each attempt's gates shifted by one bias to the twin's FLOP fraction ${bestAttempt.a.targetFlopFraction.toFixed(3)}, the twin ${pct(bestAttempt.a.twinAccuracy)}), the best attempt is ${bestAttempt.label.replace(/^attempt: /, '')}: ${pct(bestAttempt.a.accuracy)}, ${(bestAttempt.a.minusTwin.bootstrap.difference * 100).toFixed(2)} points from the twin (McNemar ${pText(bestAttempt.a.minusTwin.mcnemar.pValue)}). ${helps.length ? `${helps.map((h) => h.label.replace(/^attempt: /, '')).join('; ')} beat${helps.length > 1 ? '' : 's'} the twin at the 5% level at equal compute.` : `None of the ${atTwin.length} compared beats the twin at the 5% level at equal compute, so none becomes the default: the trainer keeps its recipe.`}`;
const headline = (() => {
  const rows = [...(paired ? [{ label: 'the demo twin', acc: paired.twin.accuracy, cost: paired.twin.flopFraction, p: paired.twinMinusStatic.mcnemar.pValue }] : []),
    ...doneAttempts.map((x) => ({ label: x.label, acc: x.d.dynamicAccuracy, cost: x.d.flopFraction, p: x.d.vsDemoStatic?.mcnemar.pValue }))];
  const holding = rows.filter((x) => x.acc >= staticRef && x.cost < 1);
  if (holding.length) return `holds for ${holding.map((x) => `${x.label} (${points(x.acc, staticRef)} points, FLOP fraction ${x.cost.toFixed(3)}, McNemar ${x.p === undefined ? 'not computed' : pText(x.p)})`).join('; ')}.`;
  if (deepPair && deepPair.twinAccuracy >= deepPair.staticAccuracy && deepTwin.flopFraction < 1) {
    return `holds for the deeper backbone's twin (depth ${deepDepth}): ${points(deepPair.twinAccuracy, deepPair.staticAccuracy)} points against its own static model at FLOP fraction ${deepTwin.flopFraction.toFixed(3)}, McNemar ${pText(deepPair.twinMinusStatic.mcnemar.pValue)}${deepPair.twinMinusStatic.mcnemar.pValue < 0.05 ? '' : ' (at least as accurate, though not distinguishable at the 5% level)'}; not for micro, where no dynamic row reaches the static model (${pct(staticRef)}).`;
  }
  const notRun = attemptRows.length - doneAttempts.length;
  const deepRun = deepRows.every((x) => x.d) && deepPair;
  const notYet = [...(notRun ? [`${notRun === attemptRows.length ? 'none' : `${notRun}`} of the ${attemptRows.length} attempts`] : []), ...(deepRun ? [] : ['the deeper backbone'])];
  const deepToo = deepPair ? `; nor at depth ${deepDepth}, where the twin is ${points(deepPair.twinAccuracy, deepPair.staticAccuracy)} points from its own static model (McNemar ${pText(deepPair.twinMinusStatic.mcnemar.pValue)})` : '';
  return `does not hold here: no micro dynamic row measured so far is as accurate as the static micro model (${pct(staticRef)}) at a lower cost${deepToo}${notYet.length ? `; not yet run: ${notYet.join(' and ')}, so this verdict is not final` : ''}.`;
})();
// Is per-input skipping better than fixed pruning? Only at the nearest whole number of layers to the twin's FLOPs.
const pr = r.controlPrunedStatic;
const prunedSentence = pr && paired
  ? ` Fixed pruning: without layers ${pr.removed.join(', ')} (removed greedily, each time the one whose removal cost the least validation accuracy: ${pr.order.map((o: any) => `${o.removed} -> ${pct(o.valAccuracy)}`).join(', ')}) and fine-tuned one epoch (the wall time is the fine-tune's alone), the static model reaches ${pct(pr.staticAccuracy)} at FLOP fraction ${pr.flopFraction.toFixed(3)}, against the twin's ${pct(paired.twin.accuracy)} at ${paired.twin.flopFraction.toFixed(3)}: the twin is ${points(paired.twin.accuracy, pr.staticAccuracy)} points ahead but runs ${((paired.twin.flopFraction - pr.flopFraction) * 100).toFixed(1)} points more of the FLOPs (${pr.removed.length} layers removed is the nearest whole number to the twin's fraction; one fewer would give ${(pr.order.at(-2)?.flopFraction ?? NaN).toFixed(3)}), so this comparison alone does not settle whether per-input skipping beats fixed pruning at equal compute.${eq ? ` At equal compute: with one bias of ${eq.bias.toFixed(2)} added to every gate (bisection on validation images to the pruned model's FLOP fraction), the twin runs ${eq.flopFraction.toFixed(3)} of the FLOPs on the test images and reaches ${pct(eq.accuracy)}, ${eq.accuracy >= pr.staticAccuracy ? '+' : ''}${points(eq.accuracy, pr.staticAccuracy)} points against the pruned model on the same images (paired bootstrap 95% CI [${(eq.twinMinusPruned.bootstrap.low * 100).toFixed(2)}, ${(eq.twinMinusPruned.bootstrap.high * 100).toFixed(2)}], McNemar ${pText(eq.twinMinusPruned.mcnemar.pValue)}; ${eq.twinMinusPruned.mcnemar.onlySecond} images only the twin got right, ${eq.twinMinusPruned.mcnemar.onlyFirst} only the pruned model): ${eq.twinMinusPruned.mcnemar.pValue >= 0.05 ? 'at the 5% level per-input skipping and fixed pruning are not distinguishable at this compute' : eq.accuracy > pr.staticAccuracy ? 'at the 5% level per-input skipping beats fixed pruning at this compute' : 'at the 5% level fixed pruning beats per-input skipping at this compute'}.` : ''}`
  : '';
const pairedSection = paired
  ? `## Does the twin hold up? Seeds, a paired test, controls and attempts

Seeds (the main row; reference cost: the mean fraction of the reference layer costs run, which weigh later layers
more; FLOP fraction: executed FLOPs per image, gates included, over the static model's, every block weighing the same):

${table(['row', 'test accuracy (%)', 'reference cost', 'FLOP fraction'], seedRows)}

${seedNote}${seedTests}${seedTSentence}

**Paired test, twin against static on the same ${paired.testImages.toLocaleString('en')} test images** (\`${paired.command}\`, evaluation only):
the twin is ${points(paired.twin.accuracy, paired.static.accuracy)} points from the static model (paired bootstrap 95% CI
[${(paired.twinMinusStatic.bootstrap.low * 100).toFixed(2)}, ${(paired.twinMinusStatic.bootstrap.high * 100).toFixed(2)}] points, ${paired.twinMinusStatic.bootstrap.resamples.toLocaleString('en')} resamples); ${paired.twinMinusStatic.mcnemar.onlySecond} images only the twin got right, ${paired.twinMinusStatic.mcnemar.onlyFirst}
only the static model, McNemar's exact test ${pText(paired.twinMinusStatic.mcnemar.pValue)}. ${paired.twinMinusStatic.mcnemar.pValue < 0.05 ? `At the 5% level the twin is ${paired.twin.accuracy < paired.static.accuracy ? 'less' : 'more'} accurate than its static model: the gap is not noise.` : 'At the 5% level the two are not distinguishable on these images.'}

Controls and attempts, each against the same static model on the same images (McNemar's exact test per row):

${comparisonTable}
${comparisonNotes.length ? `\n${comparisonNotes.join(' ')}\n` : ''}
![Test accuracy against FLOP fraction for every row above: a point above the dashed line and left of 1 would be the thesis headline](${PLOT})

${pendingList}${pendingList ? '\n' : ''}The random policy runs layer l for each image with the twin's rate for that layer (${rp.rates.map((x: number) => x.toFixed(2)).join(', ')}), drawn
independently of the image (seeds ${rp.runs.map((x: any) => x.seed).join(', ')}), on the twin's own weights: the same compute, layer by layer,
without the agent's choice. The twin is ahead of it by ${twinVsRandom.map((x: any) => (x.bootstrap.difference * 100).toFixed(2)).join(', ')} points (McNemar ${twinVsRandom.map((x: any) => pText(x.mcnemar.pValue)).join(', ')}): the per-input
choice is worth about ${(100 * (paired.twin.accuracy - rp.accuracy.mean)).toFixed(1)} points at this cost.${prunedSentence}${attemptSentence}
${atTwinTable ? `\n${atTwinTable}\n` : ''}
**The thesis headline (a dynamic model at least as accurate as its static twin at a lower cost)** ${headline}

**Memory.** At batch ${paired.memory.batch} (tf.profile, \`src-main/core/bench/forward-memory.ts\`): peak bytes dynamic/static
${paired.memory.peakRatio.toFixed(2)} (${(paired.memory.twin.peakBytes / 2 ** 20).toFixed(1)} MiB both); activation bytes processed per image ${(paired.memory.processedBytesPerImage.twin / 2 ** 20).toFixed(2)} MiB against
${(paired.memory.processedBytesPerImage.static / 2 ** 20).toFixed(2)} MiB, a ratio of ${paired.memory.processedRatio.toFixed(2)} (the bytes of every tensor the forward pass produces, gates and the executor's
gathers and scatters included). Why the peak does not move: both paths hold one activation at a time between blocks,
so the peak is what one block needs while it processes its input, and every block of the static path processes the
full batch with tensors of the same shapes. Layer${paired.memory.alwaysRun.length > 1 ? 's' : ''} ${paired.memory.alwaysRun.join(' and ')} run${paired.memory.alwaysRun.length > 1 ? '' : 's'} for every image, so the twin's
first block${paired.memory.alwaysRun.length > 1 ? 's' : ''} process${paired.memory.alwaysRun.length > 1 ? '' : 'es'} the full batch too and reach${paired.memory.alwaysRun.length > 1 ? '' : 'es'} the same peak; later blocks run on subsets of the batch, which cuts the
bytes processed, but a subset's tensors are never larger than the full batch's. Skipping saves activation traffic and
compute, not the memory a batch needs; the peak would fall only if no layer ran for every image.

The deeper backbone (\`${cmd('deep')}\`) is where "dynamic >= static" is most likely to show: \`micro\` has little capacity
to spare. ${deepSentence ? `Both stages used the main recipe${helps.length ? ' (without the attempt that helped above)' : ', the best found above'} (static ${deepStatic.epochs} epochs, the twin ${deepTwin.epochs}). ` : ''}${deepSentence || 'Its rows above say when it has run; it needs hours on this machine (data-parallel training buys little at the demo\'s batch of 64 on 2 cores: \`npm run bench:parallel\`).'}
`
  : '';

// The end-to-end rerun (issue 16): `npm run train:demo` again from empty checkpoints in a fresh clone; that clone's
// fashion-mnist.json is committed verbatim as train-demo-rerun.json. A run from empty checkpoints rewrites every
// stage of the three parts, so those keys are the rerun's own; the rest of that file is the clone's starting copy.
const rerun = await fs.readFile(path.join(dir, 'train-demo-rerun.json'), 'utf8').then(JSON.parse, () => null);
const rerunSection = (() => {
  const e = rerun?.endToEnd;
  if (!e || e.alreadyDone.length) return '';
  const stages = Object.values(PART_STAGES).flat();
  /** The stage's headline accuracy: the dynamic one for an agent stage, the static one otherwise. */
  const acc = (d: any) => d?.dynamicAccuracy ?? d?.staticAccuracy;
  /** The same stage with other seeds, from fashion-mnist.json: `--part seeds` (static/dynamic), `--part
   *  transfer-seeds` and `--part large-seeds` (keys suffixed Seed<r>). */
  const seedRuns = (k: string) => Object.keys(r).flatMap((key) => {
    const m = new RegExp(`^${k}Seed(\\d+)$`).exec(key);
    return m ? [{ seed: Number(m[1]), d: r[key] }] : [];
  });
  const cost = (d: any) => d?.meanExecutedCost?.toFixed(3) ?? '-';
  const rows = stages.map((k) => {
    const [a, b] = [acc(r[k]), acc(rerun[k])];
    // One standard error of the difference of two independent test accuracies on the same number of images.
    const se = Math.sqrt((a * (1 - a) + b * (1 - b)) / (rerun[k]?.testImages ?? NaN));
    return { k, a, b, diff: (b - a) * 100, se: se * 100, seeds: seedRuns(k) };
  });
  const outside = rows.filter((x) => !(Math.abs(x.diff) <= 2 * x.se));
  const spread = (x: (typeof rows)[number]) => {
    const all = [x.b, ...x.seeds.map((s) => acc(s.d))];
    return `${x.k}: ${x.diff.toFixed(2)} points (cost ${cost(r[x.k])} -> ${cost(rerun[x.k])})${x.seeds.length ? `; with this code its seeds give ${all.map(pct).join(', ')} (rerun, then ${x.seeds.map((s) => `seed ${s.seed} at cost ${cost(s.d)}`).join(', ')}), a range of ${((Math.max(...all) - Math.min(...all)) * 100).toFixed(2)} points, so the committed ${pct(x.a)} is ${x.a >= Math.min(...all) - 2 * x.se / 100 && x.a <= Math.max(...all) + 2 * x.se / 100 ? 'within' : 'outside'} that range widened by 2 SE` : '; no other seed of it has run'}`;
  };
  return `## The whole command again, from empty checkpoints

A fresh clone with the demo models removed, then \`npm run train:demo\` (every core by default: the three parts
as processes at once, each with cores / 3 data-parallel workers, at least 1): **${min(e.wallSeconds)}**, finished
${e.finishedAt.slice(0, 16).replace('T', ' ')} UTC, on ${rerun.backend?.name ?? '?'} (raw output: \`train-demo-rerun.json\`), against ${min(r.endToEnd?.wallSeconds)}
for the figures above (finished ${r.endToEnd?.finishedAt.slice(0, 10)}). Each stage beside the committed figures
(accuracy: the dynamic one for an agent stage, with its executed cost; "2 SE": twice the standard error of the
difference of two test accuracies on that many images; seeds: the same stage with other seeds, this code):

${table(
  ['stage', 'committed accuracy', 'rerun accuracy', 'rerun - committed (points)', '2 SE (points)', 'committed cost', 'rerun cost', 'other seeds', 'committed wall', 'rerun wall'],
  rows.map((x) => [x.k, pct(x.a), pct(x.b), x.diff.toFixed(2), Number.isFinite(x.se) ? (2 * x.se).toFixed(2) : '-', cost(r[x.k]), cost(rerun[x.k]),
    x.seeds.map((s) => `${s.seed}: ${pct(acc(s.d))}`).join(', ') || '-', stageMin(r[x.k]), stageMin(rerun[x.k])]),
)}

${outside.length ? `Outside twice the standard error: ${outside.map(spread).join('; ')}.` : 'Every stage is within twice the standard error of the committed figure.'}

`;
})();

const md = `# Fashion-MNIST: the demo models

Produced by \`npm run train:demo\` (stages: \`scripts/train-demo.ts\`; figures in \`fashion-mnist.json\` beside
this file) on ${r.dataset?.source ?? '?'} (${r.dataset?.train} train, ${r.dataset?.val} validation held out with a
fixed seed, ${r.dataset?.test} test images), backend **${r.backend?.name ?? '?'}** on a 2-core machine.
Accuracies are on the full test set; "executed cost" is the mean fraction of the total layer cost an image
ran (reference costs, later layers dearer), "layers" the mean number of the 8 blocks it ran.

${table(['model', 'epochs', 'wall time', 'static-path accuracy', 'dynamic accuracy', 'executed cost', 'layers', 'speedup @256'], rows)}

How this run went: ${r.notes ?? 'one process per part, no restarts'}. Wall time per part, the sum of its stages
(\`--part main\`, \`--part large\` and \`--part transfer\` run in parallel on the 2 cores, so the command takes
about as long as the main part): ${parts}.

The dynamic rows are trained from the static model with the agent and joint fine-tuning of the backbone; the
"static-path accuracy" of a dynamic row is that fine-tuned backbone run with every layer.

Against the targets:
${targets.map((t) => `- ${t}`).join('\n')}

${layerSentence}

${rerunSection}${pairedSection}
## What LayerDrop buys the dynamic twin

The static model is trained with LayerDrop (each layer skipped, as the identity, for a sample with this chance in
every training step), so that it still works when layers are missing, which is what the agent exploits.
\`npm run train:demo -- --part ablation\` trains the main part with the other rates; the agent
stage is the same in every row (${ldAgent.reward ?? 'correct'} reward, alpha ${ldAgent.alpha}, ${ldAgent.epochs} epochs, same seed).

${ablation.length > 1 ? table(['LayerDrop', 'static test accuracy', 'dynamic accuracy', 'executed cost', 'layers', 'dynamic - static (points)'], ablationRows) : '(ablation not run yet)'}

${[ablationSentence, ...ablationNotes].filter(Boolean).join(' ')}

## What the reward pays for: correct (the thesis) or confidence (ours)

The thesis pays the agent 1 for a right answer and 0 for a wrong one, so a skip that erodes the margin costs
nothing until it flips the answer. Ours pays p(label), the softmax probability of the true class: the same scale,
but every bit of certainty a skip costs is charged (\`src-main/core/train/rl.ts\`). \`npm run train:demo -- --part
reward\` trains the agent stage on the main static model (${pct(r.static?.staticAccuracy)}) with each reward over a
range of alphas, ${rewardRows[0]?.d.epochs ?? 3} epochs, seed 1, everything else as in the main part. The demo's twin uses
the ${r.dynamic?.reward ?? 'correct'} reward at alpha ${r.dynamic?.alpha}, ${r.dynamic?.epochs} epochs.

${rewardRows.length ? table(['reward', 'alpha', 'dynamic accuracy', 'executed cost', 'layers', 'static-path accuracy', 'dynamic - static (points)'], rewardTable) : '(not run yet)'}

${[rewardSentence, ...rewardNotes].filter(Boolean).join(' ')}

At the main twin's ${r.dynamic?.epochs} epochs (the first row is the demo twin itself):

${table(['reward', 'alpha', 'epochs', 'dynamic accuracy', 'executed cost', 'layers', 'dynamic - static (points)'], longRows)}

${longNotes.join(' ')}

## Transfer (split-transfer protocol)

${table(['model', 'epochs', 'dynamic accuracy (classes 5-9 test)', 'executed cost'], transfer)}

## Static versus dynamic speed (batch sizes)

${bench ? `\`skipvit bench --model resources/models/fashion-mnist-micro-dynamic --static-model resources/models/fashion-mnist-micro-static --seconds 4\`, backend ${typeof bench.backend === 'string' ? bench.backend : bench.backend?.name /* bench-demo.json measured before backend became the name */}, the first ${bench.dataset?.images} test images, static model versus dynamic model (accuracy on those images: static ${pct(bench.accuracy?.static)}, dynamic ${pct(bench.accuracy?.dynamic)}); raw output in \`bench-demo.json\`:\n\n` + table(['batch', 'static img/s', 'dynamic img/s', 'speedup', 'speedup (CPU time)', 'ideal', 'efficiency', 'memory ratio'], benchRows) : '(not measured yet)'}

## The executor on a random model (forced keep masks, keep 0.5)

${executor ? `\`npm run bench:executor\` (\`skipvit bench --random --preset micro --keep 0.5 --batch 1,32,256\`), raw output in \`bench-executor.json\`:\n\n` + table(['batch', 'static img/s', 'dynamic img/s', 'speedup', 'ideal', 'efficiency', 'efficiency (CPU time)'], executorRows) : '(not measured yet)'}

## NSGA-II post-training search

${search ? `\`skipvit search --model resources/models/fashion-mnist-micro-dynamic --pop ${search.pop} --gens ${search.gens}\` (objective: ${search.objective}; ${search.splits?.val?.images} validation images per genome; the front re-measured on all ${search.splits?.test?.images} test images); ${front.length} points on the final front, hypervolume ${search.hypervolume[0].toFixed(4)} -> ${search.hypervolume[search.hypervolume.length - 1].toFixed(4)}. Unpruned dynamic model: ${pct(search.baseline.accuracy)} at cost ${search.baseline.meanExecutedCost.toFixed(3)}; static path ${pct(search.static?.accuracy)}. Full result in \`search-demo.json\`.${search.splits?.val?.split ? ` Genomes were scored on the validation split the model recorded in training (${search.splits.val.of} images held out, indices sha256 ${String(search.splits.val.split.indicesSha256).slice(0, 8)}...), never on training images.` : ` **This search predates the validation-split fix** (issue 17): it scored genomes on the loader's default 10% split (${search.splits?.val?.of} images), not the ${r.dataset?.val} the model held out, so about a sixth of them were images the model trained on. Rerun: \`npx skipvit search --model resources/models/fashion-mnist-micro-dynamic --pop ${search.pop} --gens ${search.gens} --json > docs/results/search-demo.json\` then \`npm run results\` (${(search.wallSeconds / 60).toFixed(0)} min when last run; about 45 min at load 12 here).`}\n\n` + table(['point', 'index', 'test accuracy', 'executed cost', 'pruned layers', 'pruned'], [searchRow('most accurate', bestAcc), searchRow('knee (suggested)', knee), searchRow('best with >= 33% of layers pruned', pruned33)]) : '(not run yet)'}
`;
await fs.writeFile(path.join(dir, 'fashion-mnist.md'), md);
console.log(md);
