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
import { loadDataset, type Dataset } from '../src-main/core/data';
import { loadModel } from '../src-main/core/model';
import { checkWorkers, defaultWorkers } from '../src-main/core/parallel/threads';
import { evaluate, trainAgent, trainStatic, type RewardMode, type TrainProgress } from '../src-main/core/train';
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
  alphaLarge: 1.0,
  transferAlpha: 1.0,
  largeEpochs: 2,
  srcStatic: 5,
  srcAgent: 2,
  transferEpochs: 3,
};

/** Fashion-MNIST with the same 5,000 validation images held out in every part (optionally some classes only). */
const fashionMnist = (classes?: number[]) => loadDataset('fashion-mnist', { valFraction: 5000 / 60000, ...(classes ? { classes } : {}) });

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

async function testScores(dir: string, data: Dataset, dynamic: boolean) {
  const { model } = await loadModel(dir);
  const s = await evaluate(model, data.test, data.info, { mode: 'static', workers });
  const d = dynamic ? await evaluate(model, data.test, data.info, { mode: 'dynamic', workers }) : null;
  model.dispose();
  return {
    testImages: s.images,
    staticAccuracy: s.accuracy,
    ...(d ? { dynamicAccuracy: d.accuracy, meanExecutedCost: d.meanExecutedCost, meanExecutedLayers: d.meanExecutedLayers, layerRates: d.layerRates, executedLayersHistogram: d.executedLayersHistogram } : {}),
  };
}

async function stageStatic(name: string, out: string, data: Dataset, epochs: number, seed: number, layerDrop = 0) {
  if (await exists(path.join(out, 'model.json')) && (await exists(path.join(out, 'DONE')))) return;
  const t0 = Date.now();
  const r = await trainStatic({ data, preset: 'micro', epochs, out, seed, layerDrop, provenance: { command: 'npm run train:demo' } }, { resume: true, checkpointDir: path.join(WORK, name, 'checkpoints'), onProgress: progress(name), workers });
  r.model.dispose();
  await record(name, { stage: 'static', epochs, layerDrop, wallSeconds: (Date.now() - t0) / 1000, history: r.history, ...(await testScores(out, data, false)) });
  await fs.writeFile(path.join(out, 'DONE'), new Date().toISOString());
}

interface AgentStage {
  epochs: number;
  alpha: number;
  seed: number;
  newHead?: boolean;
  reward?: RewardMode;
}

async function stageAgent(name: string, from: string, out: string, data: Dataset, { epochs, alpha, seed, newHead = false, reward = E.reward }: AgentStage) {
  if (await exists(path.join(out, 'DONE'))) return;
  const t0 = Date.now();
  const r = await trainAgent({ data, from, out, epochs, alpha, seed, newHead, reward, provenance: { command: 'npm run train:demo' } }, { resume: true, checkpointDir: path.join(WORK, name, 'checkpoints'), onProgress: progress(name), workers });
  r.model.dispose();
  await record(name, { stage: 'agent', alpha, reward, epochs, newHead, wallSeconds: (Date.now() - t0) / 1000, history: r.history, ...(await testScores(out, data, true)) });
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
  if (!['main', 'large', 'transfer', 'all', 'ablation', 'reward', 'seeds'].includes(part)) throw new Error(`--part must be main, large, transfer, all, ablation, reward or seeds, got "${part}"`);
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
  if (part === 'transfer') {
    const src = await fashionMnist([0, 1, 2, 3, 4]);
    const dst = await fashionMnist([5, 6, 7, 8, 9]);
    await stageStatic('transferSourceStatic', OUT.transferSourceStatic, src, E.srcStatic, 10);
    await stageAgent('transferSourceDynamic', OUT.transferSourceStatic, OUT.transferSourceDynamic, src, { epochs: E.srcAgent, alpha: E.transferAlpha, seed: 11 });
    await stageAgent('transferFineTuned', OUT.transferSourceDynamic, OUT.transferFineTuned, dst, { epochs: E.transferEpochs, alpha: E.transferAlpha, seed: 12, newHead: true });
    // Same budget from scratch: as many epochs on classes 5-9 as the fine-tune got, split static/agent.
    await stageStatic('transferScratchStatic', OUT.transferScratchStatic, dst, E.transferEpochs - 1, 13);
    await stageAgent('transferScratchDynamic', OUT.transferScratchStatic, OUT.transferScratchDynamic, dst, { epochs: 1, alpha: E.transferAlpha, seed: 14 });
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
      await stageStatic(`staticSeed${r}`, path.join(WORK, `static-seed-${r}`), data, E.staticEpochs, r, E.staticLayerDrop);
    }
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
