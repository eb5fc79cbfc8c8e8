/**
 * `npm run train:demo`: trains the demo models on the real Fashion-MNIST (Debian's full copy when
 * installed, else the embedded subset) and records every figure in docs/results/fashion-mnist.json.
 *
 *   main     static micro ViT -> dynamic twin (alpha 0.2); large: the same with a larger alpha (1.0)
 *   transfer classes 0-4 static -> dynamic; fine-tune on 5-9 with a new head vs. from scratch on 5-9
 *   ablation (not part of `all`) the main part with other LayerDrop rates for the static model (0 and 0.2),
 *            one agent stage for every rate: what LayerDrop buys the dynamic twin
 *   reward   (not part of `all`) the agent stage on the main static model with each reward (rl.ts RewardMode)
 *            over a range of alphas: the two accuracy/cost curves the choice of reward is judged by; and the
 *            thesis reward at the main twin's epochs
 *   seeds    (not part of `all`) the main row again with the seeds in DEMO_SEEDS (default 1,2): static seed r,
 *            its twin with agent seed r + 1; with the main part (seed 0) the rows' mean +/- sd
 *   large-seeds (not part of `all`) the large part again with the seeds of DEMO_SEEDS (agent seed 2 + r; keys
 *            suffixed Seed<r>), from the same main static model: the seed spread of the large-alpha row
 *   transfer-seeds (not part of `all`) the transfer part again with the seeds of DEMO_SEEDS (replicate r: seeds
 *            10 + 5r onwards; keys suffixed Seed<r>): the seed spread its single-seed rows are read against
 *   controls (not part of `all`) the static model fine-tuned for the twin's extra epochs at its backbone learning
 *            rate (compute-matched); the static model with the k least useful layers removed (greedy, by validation
 *            accuracy) to the twin's FLOP fraction, fine-tuned one epoch (pruned-static), then the twin itself at
 *            the pruned model's FLOPs (one gate bias, evaluation only). `--only pruned` runs the pruned rows alone
 *   attempts (not part of `all`) the main twin's recipe with one change each (agent.ts options): distillation from
 *            the static teacher, a consolidation epoch, a curriculum, undiscounted returns with FLOP-proportional
 *            reward costs; each then at the twin's FLOP fraction against the twin (one gate bias, evaluation
 *            only). `--only attemptCurriculum,attemptFlopCosts` runs those alone (two processes, two cores)
 *   deep     (not part of `all`; hours here) a deeper backbone (DEMO_DEEP_DEPTH, default 12) and its twin with
 *            the main recipe, then the twin against its own static model on the same test images
 *   paired   (not part of `all`; evaluation only, minutes) the demo twin against the demo static model on the
 *            same test images (McNemar exact test, paired bootstrap CI), each seed's twin against its own static
 *            model and the test pooled over seeds (run it after `seeds`), the random-policy control (the twin's
 *            per-layer rates, a random choice per image, several seeds), both cost measures, both memory measures
 *
 * Each stage is skipped when its output exists, and each trains from its checkpoints, so an interrupted
 * run continues where it stopped: run the same command again. `--part main|large|transfer|all|ablation|reward`
 * (default all: main, transfer and large as three processes at once, so both cores train: transfer beside the
 * main static stage, then large, which waits for the static model, beside the main agent stage). `all` records
 * its own wall time and the stages that were already done when it started (`endToEnd`): the 2-hour budget is
 * judged on a run from empty checkpoints. Each training process also runs data-parallel worker threads
 * (`--workers N`; default every core, split among the processes running at once: core/parallel), which do
 * not change the results (up to float summation order).
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../src-main/core/backend';
import { loadDataset, normalizeBatch, type Dataset } from '../src-main/core/data';
import * as tf from '@tensorflow/tfjs';
import { forwardMemory } from '../src-main/core/bench/forward-memory';
import { executedFlopFraction, forwardDynamic, loadModel, saveModel } from '../src-main/core/model';
import { meanSd, mcnemar, pairedBootstrap } from '../src-main/core/stats';
import { checkWorkers, defaultWorkers } from '../src-main/core/parallel/threads';
import { pruneModel } from '../src-main/core/export/prune';
import { evaluate, evaluateSaved, randomPolicyDecisions, trainAgent, trainStatic, type EvalResult, type LoopResult, type RewardMode, type TrainProgress } from '../src-main/core/train';
import { writeFileAtomic } from '../src-main/core/util/atomic';

const ROOT = path.resolve(import.meta.dirname, '..');
const WORK = path.join(ROOT, '.cache', 'train-demo');
const MODELS = path.join(ROOT, 'resources', 'models');
const RESULTS = path.join(ROOT, 'docs', 'results', 'fashion-mnist.json');
/** Where each stage of `--part all` writes its model (its DONE file marks the stage complete). `static`, the main
 *  static model, is also the starting point of `large` and `reward`. */
const OUT = {
  static: path.join(MODELS, 'fashion-mnist-micro-static'),
  dynamic: path.join(MODELS, 'fashion-mnist-micro-dynamic'),
  dynamicLargeAlpha: path.join(WORK, 'dynamic-large-alpha'),
  transferSourceStatic: path.join(WORK, 'transfer-src-static'),
  transferSourceDynamic: path.join(WORK, 'transfer-src-dynamic'),
  transferFineTuned: path.join(WORK, 'transfer-finetuned'),
  transferScratchStatic: path.join(WORK, 'transfer-scratch-static'),
  transferScratchDynamic: path.join(WORK, 'transfer-scratch-dynamic'),
};
const part = process.argv.includes('--part') ? process.argv[process.argv.indexOf('--part') + 1] : 'all';
/** Processes `--part all` runs at once (main, transfer, large). */
const ALL_PARTS = 3;
/**
 * Data-parallel worker threads per training process (`--workers N`): by default every core, shared among the
 * processes that run at once (`all`: a third each, at least 1), so the run uses the whole machine.
 */
const workers = process.argv.includes('--workers')
  ? checkWorkers(Number(process.argv[process.argv.indexOf('--workers') + 1]), '--workers')
  : part === 'all'
    ? Math.max(1, Math.floor(defaultWorkers() / ALL_PARTS))
    : defaultWorkers();

const E = {
  staticEpochs: Number(process.env.DEMO_STATIC_EPOCHS ?? 20),
  /** LayerDrop of the main static model: a backbone that tolerates missing layers (static.ts). */
  staticLayerDrop: 0.1,
  ablationLayerDrop: [0, 0.2],
  /** The ablation's agent stage on every static model: the thesis reward at alpha 0.15, as when it was first run;
   *  `--part reward` trains the same stage on the main static model (its `reward_correct_0.15` row). */
  ablationAgent: { alpha: 0.15, reward: 'correct' as RewardMode },
  agentEpochs: Number(process.env.DEMO_AGENT_EPOCHS ?? 5),
  /** The agent stage of the `ablation` and `reward` comparisons: shorter, since each trains several. */
  comparisonEpochs: 3,
  /** The agent's reward in every part but `reward`: p(label) - alpha * cost (rl.ts). */
  reward: 'confidence' as RewardMode,
  alpha: 0.2,
  rewardAlphas: [0.15, 0.2, 0.25, 0.3],
  /** `--part seeds`: the main row again with these seeds (seed 0 is the main part). */
  extraSeeds: (process.env.DEMO_SEEDS ?? '1,2').split(',').map(Number),
  /** `--part reward` also trains the thesis reward at the main twin's epochs, to set beside the twin itself. */
  rewardLong: { reward: 'correct' as RewardMode, alpha: 0.15 },
  /** `--part controls`: the twin's extra epochs at its backbone learning rate (agent.ts default 1e-4), one epoch
   *  for the pruned model. */
  computeMatched: { lr: 1e-4, minLr: 1e-6, warmupEpochs: 0.25 },
  prunedFineTuneEpochs: 1,
  /** The twin at the pruned model's FLOPs: bisection steps on the gate bias, validation images per step. */
  equalComputeBisections: 8,
  equalComputeValImages: 2000,
  /** `--part attempts`: one change each to the main twin's recipe (same alpha, reward, epochs and seed). */
  attempts: {
    attemptDistill: { distill: { weight: 1, temperature: 2 } },
    attemptConsolidation: { consolidationEpochs: 1 },
    attemptCurriculum: { curriculumEpochs: 2 },
    attemptFlopCosts: { gamma: 1, rewardCosts: 'flops' },
  } satisfies Record<string, AgentVariation>,
  /** `--part deep`: the deeper backbone's depth; static epochs as the main part, the twin with the main recipe. */
  deepDepth: Number(process.env.DEMO_DEEP_DEPTH ?? 12),
  /** `--part paired`: seeds of the random-policy control, and the batch the memory measures are taken on. */
  randomPolicySeeds: [1, 2, 3],
  memoryBatch: 256,
  alphaLarge: 1.0,
  transferAlpha: 1.0,
  largeEpochs: 2,
  srcStatic: 5,
  srcAgent: 2,
  transferEpochs: 3,
};

/** Fashion-MNIST with the same 5,000 validation images held out in every part (optionally some classes only). */
const fashionMnist = (classes?: number[]) => loadDataset('fashion-mnist', { valFraction: 5000 / 60000, ...(classes ? { classes } : {}) });

/** `--only X`: part of a part (controls: `pruned`; attempts: attempt names, comma-separated), or null. */
function onlyFlag(): string | null {
  const i = process.argv.indexOf('--only');
  return i >= 0 ? (process.argv[i + 1] ?? '') : null;
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}

async function record(key: string, value: unknown): Promise<void> {
  // Both parts may write: re-read just before writing, one key each.
  const cur = (await exists(RESULTS)) ? JSON.parse(await fs.readFile(RESULTS, 'utf8')) : {};
  cur[key] = value;
  await fs.mkdir(path.dirname(RESULTS), { recursive: true });
  await writeFileAtomic(RESULTS, JSON.stringify(cur, null, 2) + '\n');
}

function progress(label: string) {
  let last = 0;
  return (p: TrainProgress) => {
    if (Date.now() - last < 30_000 && p.phase === 'train') return;
    last = Date.now();
    const eta = p.etaSeconds ? `${Math.round(p.etaSeconds / 60)} min left` : '';
    console.error(`[${new Date().toISOString().slice(11, 19)}] ${label} ${(p.fraction * 100).toFixed(1)}% epoch ${p.epoch + 1}/${p.epochs} loss ${p.loss?.toFixed(3) ?? ''} acc ${p.accuracy?.toFixed(3) ?? ''} cost ${p.meanExecutedCost?.toFixed(3) ?? ''} ${p.imagesPerSec?.toFixed(0) ?? ''} img/s ${eta}`);
  };
}

/** `sourceDepth`: a pruned model's original depth, the FLOP fraction's reference (default: the model's own). */
async function testScores(dir: string, data: Dataset, dynamic: boolean, sourceDepth?: number) {
  const { model, meta } = await loadModel(dir);
  const s = await evaluate(model, data.test, data.info, { mode: 'static', keepPerSample: true, workers });
  const d = dynamic ? await evaluate(model, data.test, data.info, { mode: 'dynamic', keepPerSample: true, workers }) : null;
  model.dispose();
  // FLOPs against the unpruned backbone's, gates counted when they run.
  const fullConfig = { ...model.config, depth: sourceDepth ?? (meta.sourceDepth as number | undefined) ?? model.depth };
  const flopFraction = d ? executedFlopFraction(fullConfig, d.meanExecutedLayers, model.depth) : executedFlopFraction(fullConfig, model.depth, 0);
  return {
    testImages: s.images,
    staticAccuracy: s.accuracy,
    flopFraction,
    ...(d ? { dynamicAccuracy: d.accuracy, meanExecutedCost: d.meanExecutedCost, meanExecutedLayers: d.meanExecutedLayers, layerRates: d.layerRates, executedLayersHistogram: d.executedLayersHistogram } : {}),
    ...(data.info.classNames.length === 10 && (await exists(path.join(OUT.static, 'DONE'))) ? { vsDemoStatic: await againstDemoStatic(data, rightAnswers(d ?? s)) } : {}),
  };
}

/** This row's answers against the demo static model's on the same test images: McNemar and a paired bootstrap. */
async function againstDemoStatic(data: Dataset, right: Uint8Array) {
  const base = rightAnswers(await evaluateSaved(OUT.static, data.test, data.info, { mode: 'static', keepPerSample: true }));
  return pairedTest(base, right);
}

/**
 * A stage's wall time, from its start to its model (the test scores after it are not counted): over every resume
 * when its checkpoints kept their seconds, else from the resume, with the step it resumed from.
 */
function stageTime(t0: number, r: LoopResult): { wallSeconds: number; wallSecondsFromStep?: number } {
  const sinceStart = (Date.now() - t0) / 1000;
  if (r.resumedFromStep === 0) return { wallSeconds: sinceStart };
  if (r.trainedSeconds === null) return { wallSeconds: sinceStart, wallSecondsFromStep: r.resumedFromStep };
  return { wallSeconds: r.trainedSeconds + (sinceStart - r.wallSeconds) };
}

/** Options of a static stage beyond the main part's (a fine-tune from given weights, a deeper backbone). */
type StaticExtra = Pick<Parameters<typeof trainStatic>[0], 'initFrom' | 'configOverrides' | 'lr' | 'minLr' | 'warmupEpochs'> & {
  record?: Record<string, unknown>;
  /** A pruned model's original depth (its FLOP fraction is against the unpruned backbone). */
  sourceDepth?: number;
};

async function stageStatic(name: string, out: string, data: Dataset, epochs: number, seed: number, layerDrop = 0, extra: StaticExtra = {}) {
  if (await exists(path.join(out, 'model.json')) && (await exists(path.join(out, 'DONE')))) return;
  const t0 = Date.now();
  const { record: recorded, sourceDepth, ...trainExtra } = extra;
  const r = await trainStatic({ data, preset: 'micro', epochs, out, seed, layerDrop, ...trainExtra, provenance: { command: 'npm run train:demo' } }, { resume: true, checkpointDir: path.join(WORK, name, 'checkpoints'), onProgress: progress(name), workers });
  r.model.dispose();
  await record(name, { stage: 'static', epochs, layerDrop, ...recorded, ...stageTime(t0, r), history: r.history, ...(await testScores(out, data, false, sourceDepth)) });
  await fs.writeFile(path.join(out, 'DONE'), new Date().toISOString());
}

/** The agent trainer's opt-in variations an `attempts` stage turns on (agent.ts). */
type AgentVariation = Pick<Parameters<typeof trainAgent>[0], 'distill' | 'curriculumEpochs' | 'consolidationEpochs' | 'rewardCosts' | 'gamma'>;

interface AgentStage {
  epochs: number;
  alpha: number;
  seed: number;
  newHead?: boolean;
  reward?: RewardMode;
  variation?: AgentVariation;
}

async function stageAgent(name: string, from: string, out: string, data: Dataset, { epochs, alpha, seed, newHead = false, reward = E.reward, variation = {} }: AgentStage) {
  if (await exists(path.join(out, 'DONE'))) return;
  const t0 = Date.now();
  const r = await trainAgent({ data, from, out, epochs, alpha, seed, newHead, reward, ...variation, provenance: { command: 'npm run train:demo' } }, { resume: true, checkpointDir: path.join(WORK, name, 'checkpoints'), onProgress: progress(name), workers });
  r.model.dispose();
  await record(name, { stage: 'agent', alpha, reward, epochs, newHead, variation, ...stageTime(t0, r), history: r.history, ...(await testScores(out, data, true)) });
  await fs.writeFile(path.join(out, 'DONE'), new Date().toISOString());
}

/** meta.json beside a demo model: the studio's name for it and its test figures (workspace model format). */
async function writeDemoMeta(dir: string, name: string, key: string): Promise<void> {
  const all = JSON.parse(await fs.readFile(RESULTS, 'utf8'));
  const r = all[key] ?? {};
  const metrics = Object.fromEntries(
    (['staticAccuracy', 'dynamicAccuracy', 'meanExecutedCost', 'meanExecutedLayers'] as const).filter((k) => typeof r[k] === 'number').map((k) => [k, r[k]]),
  );
  const accuracy = r.dynamicAccuracy ?? r.staticAccuracy;
  await writeFileAtomic(path.join(dir, 'meta.json'), JSON.stringify({ schemaVersion: 1, name, createdAt: new Date().toISOString(), metrics: { accuracy, ...metrics } }, null, 2) + '\n');
}

/**
 * The pruned-static control's layers: remove, one at a time, the layer whose removal costs the least validation
 * accuracy (the static path without it), until the FLOP fraction is the closest to the twin's.
 */
async function leastUsefulLayers(data: Dataset, twinFlopFraction: number) {
  const { model } = await loadModel(OUT.static);
  const L = model.depth;
  const n = data.val.count;
  const removed: number[] = [];
  const steps: { removed: number; valAccuracy: number; flopFraction: number }[] = [];
  const fraction = (k: number) => executedFlopFraction(model.config, L - k, 0);
  // The k whose fraction is the closest to the twin's (ties to the smaller k: the control is not given less compute).
  const k = [...Array(L).keys()].reduce((best, j) => (Math.abs(fraction(j) - twinFlopFraction) < Math.abs(fraction(best) - twinFlopFraction) ? j : best), 0);
  while (removed.length < k) {
    let best: { layer: number; valAccuracy: number } | null = null;
    for (let l = 0; l < L; l++) {
      if (removed.includes(l)) continue;
      const decisions = new Uint8Array(n * L).fill(1);
      for (let i = 0; i < n; i++) for (const r of [...removed, l]) decisions[i * L + r] = 0;
      const e = await evaluate(model, data.val, data.info, { mode: 'dynamic', decisions });
      console.error(`[pruned-static] without layers ${[...removed, l].join(',')}: validation ${(e.accuracy * 100).toFixed(2)}%`);
      if (!best || e.accuracy > best.valAccuracy) best = { layer: l, valAccuracy: e.accuracy };
    }
    removed.push(best!.layer);
    steps.push({ removed: best!.layer, valAccuracy: best!.valAccuracy, flopFraction: fraction(removed.length) });
  }
  model.dispose();
  return { removed: [...removed].sort((a, b) => a - b), order: steps, twinFlopFraction };
}

/** The static model without `removed`, saved as a static model (sourceLayers recorded) for the fine-tune to start from. */
async function savePruned(removed: number[], out: string): Promise<void> {
  const { model, meta } = await loadModel(OUT.static);
  const { model: pruned, sourceLayers } = pruneModel(model, Array.from({ length: model.depth }, (_, l) => removed.includes(l)));
  await saveModel(out, pruned, { ...meta, config: pruned.config, costs: pruned.costs, sourceLayers, sourceDepth: model.depth });
  model.dispose();
  pruned.dispose();
}

/**
 * A dynamic model at a target FLOP fraction: one bias added to every gate (negative skips more), found by bisection
 * on validation images so that its FLOP fraction matches the target; then on the test images, kept per image for
 * paired tests. Evaluation only: how two models compare at equal compute.
 */
async function atFlopFraction(dir: string, data: Dataset, target: number) {
  const { model } = await loadModel(dir);
  const L = model.depth;
  const totalCost = model.costs.reduce((a, c) => a + c, 0);
  const flopsAt = async (b: number, set: typeof data.val, limit?: number, keepPerSample = false) => {
    const e = await evaluate(model, set, data.info, { mode: 'dynamic', inference: { bias: new Array(L).fill(b), totalCost }, limit, keepPerSample, workers });
    return { e, flops: executedFlopFraction(model.config, e.meanExecutedLayers, L) };
  };
  let [lo, hi] = [-4, 2];
  for (let i = 0; i < E.equalComputeBisections; i++) {
    const mid = (lo + hi) / 2;
    const { flops } = await flopsAt(mid, data.val, E.equalComputeValImages);
    console.error(`[equal compute] ${path.basename(dir)} bias ${mid.toFixed(3)}: validation FLOP fraction ${flops.toFixed(3)} (target ${target.toFixed(3)})`);
    if (flops > target) hi = mid;
    else lo = mid;
  }
  const bias = (lo + hi) / 2;
  const { e, flops } = await flopsAt(bias, data.test, undefined, true);
  model.dispose();
  return {
    bias, targetFlopFraction: target, flopFraction: flops, accuracy: e.accuracy, meanExecutedCost: e.meanExecutedCost, meanExecutedLayers: e.meanExecutedLayers,
    right: rightAnswers(e),
  };
}

/** The twin at the pruned-static control's FLOPs against the pruned model: per-input skipping against fixed pruning at equal compute. */
async function twinAtFlops(data: Dataset, target: number, prunedDir: string) {
  const { right: twin, ...at } = await atFlopFraction(OUT.dynamic, data, target);
  const pruned = rightAnswers(await evaluateSaved(prunedDir, data.test, data.info, { mode: 'static', keepPerSample: true }));
  return { ...at, twinMinusPruned: pairedTest(pruned, twin), vsDemoStatic: await againstDemoStatic(data, twin) };
}

/** The demo twin on the test images, kept per image, and its FLOP fraction there: what every attempt is set against. */
type TwinOnTest = { e: EvalResult; flops: number };
async function twinOnTest(data: Dataset): Promise<TwinOnTest> {
  const e = await evaluateSaved(OUT.dynamic, data.test, data.info, { mode: 'dynamic', keepPerSample: true });
  const { model } = await loadModel(OUT.dynamic);
  const flops = executedFlopFraction(model.config, e.meanExecutedLayers, model.depth);
  model.dispose();
  return { e, flops };
}

/**
 * An attempt at the demo twin's FLOP fraction against the twin on the same test images: a recipe change can move
 * the cost as well as the accuracy (same alpha, other skips), so only at equal compute does it say whether it helps.
 */
async function attemptAtTwinFlops(name: string, data: Dataset, reference: TwinOnTest) {
  const { right, ...at } = await atFlopFraction(path.join(WORK, name), data, reference.flops);
  const twin = rightAnswers(reference.e);
  return {
    ...at, twinAccuracy: reference.e.accuracy,
    minusTwin: pairedTest(twin, right),
    vsDemoStatic: await againstDemoStatic(data, right),
  };
}

/** B against A on the same images (1 = right): McNemar's exact test and a paired bootstrap of B's accuracy minus A's. */
function pairedTest(a: Uint8Array, b: Uint8Array, seed = 0) {
  return { mcnemar: mcnemar(a, b), bootstrap: pairedBootstrap(a, b, { seed }) };
}

/** Per-image correctness (1 = right) of an evaluation kept per sample. */
function rightAnswers(e: EvalResult): Uint8Array {
  const { predictions, labels } = e.perSample!;
  return Uint8Array.from(predictions, (p, i) => (p === labels[i] ? 1 : 0));
}

/**
 * `--part paired`: the demo twin against the demo static model on the same test images, the random-policy control,
 * both cost measures and both memory measures. Evaluation only: no weights change. Also returns the two test
 * evaluations, which seedsPaired reuses for seed 0.
 */
async function pairedComparison(data: Dataset) {
  const st = await loadModel(OUT.static);
  const dy = await loadModel(OUT.dynamic);
  const L = dy.model.depth;
  const config = dy.model.config;
  const s = await evaluate(st.model, data.test, data.info, { mode: 'static', keepPerSample: true });
  const d = await evaluate(dy.model, data.test, data.info, { mode: 'dynamic', keepPerSample: true });
  const staticRight = rightAnswers(s);
  const twinRight = rightAnswers(d);
  const row = (e: EvalResult, gatesEvaluated: number) => ({
    accuracy: e.accuracy, meanExecutedCost: e.meanExecutedCost, meanExecutedLayers: e.meanExecutedLayers,
    flopFraction: executedFlopFraction(config, e.meanExecutedLayers, gatesEvaluated), layerRates: e.layerRates,
  });
  // The random policy draws its decisions without the gates, so it evaluates none.
  const randomRuns = [];
  for (const seed of E.randomPolicySeeds) {
    const decisions = randomPolicyDecisions(data.test.count, d.layerRates, seed);
    const r = await evaluate(dy.model, data.test, data.info, { mode: 'dynamic', decisions, keepPerSample: true });
    const right = rightAnswers(r);
    randomRuns.push({ seed, ...row(r, 0), twinMinusRandom: pairedTest(right, twinRight, seed) });
  }
  // Memory on one batch of test images, both paths on the same batch.
  const B = E.memoryBatch;
  const x = tf.tensor4d(normalizeBatch(data.test, data.info, Int32Array.from({ length: B }, (_, i) => i)), [B, data.test.height, data.test.width, data.test.channels]);
  const memStatic = await forwardMemory(() => st.model.forwardStatic(x));
  const memDynamic = await forwardMemory(async () => (await forwardDynamic(dy.model, x)).logits);
  x.dispose();
  st.model.dispose();
  dy.model.dispose();
  const result = {
    command: 'npm run train:demo -- --part paired',
    measuredAt: new Date().toISOString(),
    testImages: data.test.count,
    static: { model: 'fashion-mnist-micro-static', ...row(s, 0) },
    twin: { model: 'fashion-mnist-micro-dynamic', ...row(d, L) },
    twinMinusStatic: pairedTest(staticRight, twinRight),
    randomPolicy: {
      rates: d.layerRates,
      runs: randomRuns,
      accuracy: meanSd(randomRuns.map((r) => r.accuracy)),
      meanExecutedCost: meanSd(randomRuns.map((r) => r.meanExecutedCost)),
      flopFraction: meanSd(randomRuns.map((r) => r.flopFraction)),
    },
    memory: {
      batch: B,
      static: memStatic,
      twin: memDynamic,
      peakRatio: memDynamic.peakBytes / memStatic.peakBytes,
      processedRatio: memDynamic.processedBytes / memStatic.processedBytes,
      processedBytesPerImage: { static: memStatic.processedBytes / B, twin: memDynamic.processedBytes / B },
      alwaysRun: d.layerRates.flatMap((r, l) => (r === 1 ? [l] : [])),
    },
  };
  return { result, demoEvals: { static: s, twin: d } };
}

/**
 * `--part paired`, the seeds of the main row: each twin against the static model it was trained from, on the same
 * test images (seed 0: the demo models, already evaluated by pairedComparison; seed r: `--part seeds`' models, where
 * both are done), and the test pooled over every (seed, image) pair: is the recipe's twin less accurate than its
 * static model, beyond one draw?
 */
async function seedsPaired(data: Dataset, demoEvals: { static: EvalResult; twin: EvalResult }) {
  const seeds = [{ seed: 0, ...demoEvals }];
  for (const r of E.extraSeeds) {
    const [staticDir, twinDir] = [path.join(WORK, `static-seed-${r}`), path.join(WORK, `dynamic-seed-${r}`)];
    if (!((await exists(path.join(staticDir, 'DONE'))) && (await exists(path.join(twinDir, 'DONE'))))) continue;
    seeds.push({ seed: r, ...(await pairOnTest(data, staticDir, twinDir)) });
  }
  const rows = [];
  const allStatic: number[] = [];
  const allTwin: number[] = [];
  for (const { seed, static: s, twin: d } of seeds) {
    const [staticRight, twinRight] = [rightAnswers(s), rightAnswers(d)];
    allStatic.push(...staticRight);
    allTwin.push(...twinRight);
    rows.push({ seed, staticAccuracy: s.accuracy, twinAccuracy: d.accuracy, twinMinusStatic: pairedTest(staticRight, twinRight, seed) });
  }
  return { command: 'npm run train:demo -- --part paired', measuredAt: new Date().toISOString(), testImages: data.test.count, seeds: rows, pooled: mcnemar(allStatic, allTwin) };
}

/** A static model and its twin on the test images, kept per image for paired tests. */
async function pairOnTest(data: Dataset, staticDir: string, twinDir: string): Promise<{ static: EvalResult; twin: EvalResult }> {
  return {
    static: await evaluateSaved(staticDir, data.test, data.info, { mode: 'static', keepPerSample: true, workers }),
    twin: await evaluateSaved(twinDir, data.test, data.info, { mode: 'dynamic', keepPerSample: true, workers }),
  };
}

/** A twin against the static model it was trained from, on the same test images (the deeper backbone's pair). */
async function twinAgainstOwnStatic(data: Dataset, staticDir: string, twinDir: string) {
  const { static: s, twin: d } = await pairOnTest(data, staticDir, twinDir);
  const [staticRight, twinRight] = [rightAnswers(s), rightAnswers(d)];
  return {
    command: 'npm run train:demo -- --part deep', measuredAt: new Date().toISOString(), testImages: data.test.count,
    staticAccuracy: s.accuracy, twinAccuracy: d.accuracy,
    twinMinusStatic: pairedTest(staticRight, twinRight),
  };
}

/** The split-transfer protocol's five stages (classes 0-4, then 5-9), with seeds seed .. seed + 4. */
async function transferStages(suffix: string, dirs: Pick<typeof OUT, TransferStage>, seed: number): Promise<void> {
  const src = await fashionMnist([0, 1, 2, 3, 4]);
  const dst = await fashionMnist([5, 6, 7, 8, 9]);
  const key = (stage: TransferStage) => `${stage}${suffix}`;
  await stageStatic(key('transferSourceStatic'), dirs.transferSourceStatic, src, E.srcStatic, seed);
  await stageAgent(key('transferSourceDynamic'), dirs.transferSourceStatic, dirs.transferSourceDynamic, src, { epochs: E.srcAgent, alpha: E.transferAlpha, seed: seed + 1 });
  await stageAgent(key('transferFineTuned'), dirs.transferSourceDynamic, dirs.transferFineTuned, dst, { epochs: E.transferEpochs, alpha: E.transferAlpha, seed: seed + 2, newHead: true });
  // Same budget from scratch: as many epochs on classes 5-9 as the fine-tune got, split static/agent.
  await stageStatic(key('transferScratchStatic'), dirs.transferScratchStatic, dst, E.transferEpochs - 1, seed + 3);
  await stageAgent(key('transferScratchDynamic'), dirs.transferScratchStatic, dirs.transferScratchDynamic, dst, { epochs: 1, alpha: E.transferAlpha, seed: seed + 4 });
}
type TransferStage = 'transferSourceStatic' | 'transferSourceDynamic' | 'transferFineTuned' | 'transferScratchStatic' | 'transferScratchDynamic';

/** `--part all`: the three parts as child processes at once; resolves when all have ended, throws if one failed. */
async function runAllParts(): Promise<void> {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const parts = ['main', 'transfer', 'large'];
  if (parts.length !== ALL_PARTS) throw new Error('ALL_PARTS must count the parts run at once');
  const codes = await Promise.all(
    parts.map(
      (p) =>
        new Promise<number>((resolve) => {
          const child = spawn(tsx, [fileURLToPath(import.meta.url), '--part', p, '--workers', String(workers)], { stdio: ['ignore', 'inherit', 'inherit'] });
          child.on('error', () => resolve(1));
          child.on('exit', (code) => resolve(code ?? 1));
        }),
    ),
  );
  const failed = parts.filter((_, i) => codes[i] !== 0);
  if (failed.length) throw new Error(`train:demo: part ${failed.join(', ')} failed (see above); run the same command again to resume`);
}

async function main() {
  // Before anything is written: a mistyped part would otherwise record a backend and a wall time for nothing.
  const PARTS = ['main', 'large', 'large-seeds', 'transfer', 'transfer-seeds', 'all', 'ablation', 'reward', 'seeds', 'controls', 'attempts', 'deep', 'paired'];
  if (!PARTS.includes(part)) throw new Error(`--part must be one of ${PARTS.join(', ')}; got "${part}"`);
  const t0 = Date.now();
  if (part === 'all') {
    const alreadyDone = [];
    for (const [stage, dir] of Object.entries(OUT)) if (await exists(path.join(dir, 'DONE'))) alreadyDone.push(stage);
    await runAllParts();
    const wallSeconds = (Date.now() - t0) / 1000;
    // The 2-hour budget is judged on this figure when alreadyDone is empty (a run from empty checkpoints).
    await record('endToEnd', { command: 'npm run train:demo', wallSeconds, finishedAt: new Date().toISOString(), alreadyDone });
    console.error(`train:demo finished in ${(wallSeconds / 60).toFixed(1)} min`);
    return;
  }
  const backend = await initBackend();
  await record('backend', backend);
  if (part === 'main') {
    const data = await fashionMnist();
    await record('dataset', { source: data.info.source, train: data.train.count, val: data.val.count, test: data.test.count });
    await stageStatic('static', OUT.static, data, E.staticEpochs, 0, E.staticLayerDrop);
    await stageAgent('dynamic', OUT.static, OUT.dynamic, data, { epochs: E.agentEpochs, alpha: E.alpha, seed: 1 });
    await writeDemoMeta(OUT.static, 'Fashion-MNIST micro ViT (static)', 'static');
    await writeDemoMeta(OUT.dynamic, `Fashion-MNIST micro ViT (dynamic, alpha ${E.alpha})`, 'dynamic');
  }
  if (part === 'large') {
    const data = await fashionMnist();
    while (!(await exists(path.join(OUT.static, 'DONE')))) await new Promise((r) => setTimeout(r, 30_000));
    await stageAgent('dynamicLargeAlpha', OUT.static, OUT.dynamicLargeAlpha, data, { epochs: E.largeEpochs, alpha: E.alphaLarge, seed: 2 });
  }
  if (part === 'large-seeds') {
    // Replicate r: agent seed 2 + r (r = 0 is the large part itself), from the same main static model.
    const data = await fashionMnist();
    for (const r of E.extraSeeds) {
      await stageAgent(`dynamicLargeAlphaSeed${r}`, OUT.static, path.join(WORK, `large-seed-${r}`), data, { epochs: E.largeEpochs, alpha: E.alphaLarge, seed: 2 + r });
    }
  }
  if (part === 'transfer') await transferStages('', OUT, 10);
  if (part === 'transfer-seeds') {
    // Replicate r: keys and folders suffixed Seed<r>, seeds 10 + 5r .. 14 + 5r (r = 0 is the transfer part itself).
    for (const r of E.extraSeeds) {
      const dir = (name: string) => path.join(WORK, `transfer-seed-${r}`, name);
      const dirs = { transferSourceStatic: dir('src-static'), transferSourceDynamic: dir('src-dynamic'), transferFineTuned: dir('finetuned'), transferScratchStatic: dir('scratch-static'), transferScratchDynamic: dir('scratch-dynamic') };
      await transferStages(`Seed${r}`, dirs, 10 + 5 * r);
    }
  }
  if (part === 'ablation') {
    const data = await fashionMnist();
    for (const rate of E.ablationLayerDrop) {
      const staticDir = path.join(WORK, `ablation-layerdrop-${rate}-static`);
      await stageStatic(`ablationStaticLayerDrop${rate}`, staticDir, data, E.staticEpochs, 0, rate);
      await stageAgent(`ablationDynamicLayerDrop${rate}`, staticDir, path.join(WORK, `ablation-layerdrop-${rate}-dynamic`), data, { epochs: E.comparisonEpochs, seed: 1, ...E.ablationAgent });
    }
  }
  if (part === 'seeds') {
    // More seeds of the main row (static seed r, agent seed r + 1; r = 0 is the main part itself).
    const data = await fashionMnist();
    for (const r of E.extraSeeds) {
      const staticDir = path.join(WORK, `static-seed-${r}`);
      await stageStatic(`staticSeed${r}`, staticDir, data, E.staticEpochs, r, E.staticLayerDrop);
      await stageAgent(`dynamicSeed${r}`, staticDir, path.join(WORK, `dynamic-seed-${r}`), data, { epochs: E.agentEpochs, alpha: E.alpha, seed: r + 1 });
    }
  }
  if (part === 'controls') {
    const data = await fashionMnist();
    const only = onlyFlag();
    if (only !== null && only !== 'pruned') throw new Error(`--only must be "pruned", got "${only}"`);
    if (!only) {
      await stageStatic('controlComputeMatched', path.join(WORK, 'control-compute-matched'), data, E.agentEpochs, 1, E.staticLayerDrop, {
        initFrom: OUT.static, ...E.computeMatched, record: { control: 'compute-matched', from: 'static', ...E.computeMatched },
      });
    }
    const twin = JSON.parse(await fs.readFile(RESULTS, 'utf8')).dynamic;
    const { model: twinModel } = await loadModel(OUT.dynamic);
    const twinFlops = executedFlopFraction(twinModel.config, twin.meanExecutedLayers, twinModel.depth);
    const twinModelDepth = twinModel.depth;
    twinModel.dispose();
    const prunedOut = path.join(WORK, 'control-pruned-static');
    if (!(await exists(path.join(prunedOut, 'DONE')))) {
      const choice = await leastUsefulLayers(data, twinFlops);
      const init = path.join(WORK, 'control-pruned-static-init');
      await savePruned(choice.removed, init);
      await stageStatic('controlPrunedStatic', prunedOut, data, E.prunedFineTuneEpochs, 1, 0, {
        initFrom: init, sourceDepth: twinModelDepth, ...E.computeMatched, record: { control: 'pruned-static', from: 'static', ...choice, ...E.computeMatched },
      });
    }
    const results = JSON.parse(await fs.readFile(RESULTS, 'utf8'));
    if (!results.twinAtPrunedFlops) await record('twinAtPrunedFlops', await twinAtFlops(data, results.controlPrunedStatic.flopFraction, prunedOut));
  }
  if (part === 'attempts') {
    // `--only a,b`: those attempts alone, so two processes can train different attempts at once.
    const names = Object.keys(E.attempts);
    const only = onlyFlag()?.split(',') ?? names;
    const unknown = only.filter((n) => !names.includes(n));
    if (unknown.length) throw new Error(`--only must name attempts among ${names.join(', ')}; got "${unknown.join(', ')}"`);
    const data = await fashionMnist();
    let twin: TwinOnTest | null = null; // evaluated once, for the first attempt that needs it
    for (const [name, variation] of Object.entries(E.attempts).filter(([n]) => only.includes(n))) {
      await stageAgent(name, OUT.static, path.join(WORK, name), data, { epochs: E.agentEpochs, alpha: E.alpha, seed: 1, variation });
      const key = `${name}AtTwinFlops`;
      if (JSON.parse(await fs.readFile(RESULTS, 'utf8'))[key]) continue;
      twin ??= await twinOnTest(data);
      await record(key, await attemptAtTwinFlops(name, data, twin));
    }
  }
  if (part === 'deep') {
    const data = await fashionMnist();
    const [staticDir, twinDir] = [path.join(WORK, `deep-${E.deepDepth}-static`), path.join(WORK, `deep-${E.deepDepth}-dynamic`)];
    await stageStatic(`deepStatic${E.deepDepth}`, staticDir, data, E.staticEpochs, 0, E.staticLayerDrop, { configOverrides: { depth: E.deepDepth }, record: { depth: E.deepDepth } });
    await stageAgent(`deepDynamic${E.deepDepth}`, staticDir, twinDir, data, { epochs: E.agentEpochs, alpha: E.alpha, seed: 1 });
    const key = `deepPaired${E.deepDepth}`;
    if (!JSON.parse(await fs.readFile(RESULTS, 'utf8'))[key]) await record(key, await twinAgainstOwnStatic(data, staticDir, twinDir));
  }
  if (part === 'paired') {
    const data = await fashionMnist();
    const { result, demoEvals } = await pairedComparison(data);
    await record('paired', result);
    await record('pairedSeeds', await seedsPaired(data, demoEvals));
  }
  if (part === 'reward') {
    const data = await fashionMnist();
    for (const reward of ['correct', 'confidence'] as const) {
      for (const alpha of E.rewardAlphas) {
        await stageAgent(`reward_${reward}_${alpha}`, OUT.static, path.join(WORK, `reward-${reward}-${alpha}`), data, { epochs: E.comparisonEpochs, alpha, seed: 1, reward });
      }
    }
    const { reward, alpha } = E.rewardLong;
    await stageAgent(`rewardLong_${reward}_${alpha}`, OUT.static, path.join(WORK, `reward-long-${reward}-${alpha}`), data, { epochs: E.agentEpochs, alpha, seed: 1, reward });
  }
  // Each stage records its own wall time: a part's total is the sum of its stages (results-table.ts).
  console.error(`train:demo (${part}) finished in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
}

await main();
