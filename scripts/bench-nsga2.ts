/**
 * Measures the NSGA-II engine (issue 8):
 *   1. engine time per generation (selection, variation, sorting, crowding, survival; evaluations and the
 *      hypervolume bookkeeping excluded) on ZDT1 at population 100, the headline figure; also DTLZ2 and N = 200;
 *   2. whether the worker-thread evaluator pays: ZDT1 (a microsecond per evaluation) and a synthetic problem
 *      costing about a millisecond per evaluation, each in-thread vs the pool.
 *
 * Usage: npm run bench:nsga2 -- [--repeats 5] [--generations 250] [--json out.json]
 * Prints one JSON line (all figures) and readable lines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { batchEvaluator, DTLZ2, nsga2, workerPoolEvaluator, ZDT1 } from '../src-main/core/search/index';
import type { BatchEvaluator, TestProblem } from '../src-main/core/search/index';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const repeats = Number(arg('repeats', '5'));
const generations = Number(arg('generations', '250'));
const jsonOut = arg('json', '');

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface EngineFigure {
  problem: string;
  popSize: number;
  generations: number;
  /** Median over repeats of the mean engine ms per generation (generation 0 excluded). */
  engineMsPerGen: number;
  evaluateMsPerGen: number;
  indicatorMsPerGen: number;
  runMs: number;
}

async function engine(problem: TestProblem, popSize: number): Promise<EngineFigure> {
  const ref = new Array(problem.nObjectives).fill(1.1);
  const perRun: { engine: number; evaluate: number; indicator: number; total: number }[] = [];
  // One unmeasured run first, so the JIT has compiled the hot paths.
  for (let r = -1; r < repeats; r++) {
    const t = performance.now();
    const run = await nsga2(problem.spec, batchEvaluator(problem), {
      popSize,
      generations,
      seed: 100 + r,
      referencePoint: ref,
    });
    const total = performance.now() - t;
    const gens = run.history.slice(1);
    const mean = (f: (h: (typeof gens)[number]) => number) => gens.reduce((s, h) => s + f(h), 0) / gens.length;
    if (r >= 0) {
      perRun.push({
        engine: mean((h) => h.timing.engineMs),
        evaluate: mean((h) => h.timing.evaluateMs),
        indicator: mean((h) => h.timing.indicatorMs),
        total,
      });
    }
  }
  return {
    problem: problem.name,
    popSize,
    generations,
    engineMsPerGen: median(perRun.map((p) => p.engine)),
    evaluateMsPerGen: median(perRun.map((p) => p.evaluate)),
    indicatorMsPerGen: median(perRun.map((p) => p.indicator)),
    runMs: median(perRun.map((p) => p.total)),
  };
}

interface PoolFigure {
  problem: string;
  threads: number;
  /** Mean evaluation wall time per generation (100 genomes), ms. */
  inThreadMsPerGen: number;
  poolMsPerGen: number;
  speedup: number;
}

// A pure-JS problem with a real cost per evaluation: ZDT1 plus ~1 ms of arithmetic whose result feeds f2.
const EXPENSIVE_SOURCE = `
export function evaluate({ real: x }) {
  let acc = 0;
  for (let i = 0; i < 100000; i++) acc += Math.sin(i * x[0]);
  let s = 0;
  for (let i = 1; i < x.length; i++) s += x[i];
  const g = 1 + (9 * s) / (x.length - 1) + 1e-300 * acc;
  return { objectives: [x[0], g * (1 - Math.sqrt(x[0] / g))] };
}
`;

async function pool(
  name: string,
  module: string,
  exportName: string,
  inThread: BatchEvaluator,
  gens: number,
): Promise<PoolFigure> {
  const threads = os.availableParallelism();
  const workers = workerPoolEvaluator({ module, exportName, threads });
  const evalMs = async (evaluate: BatchEvaluator): Promise<number> => {
    await nsga2(ZDT1.spec, evaluate, { popSize: 100, generations: 2, seed: 1 }); // warm-up (starts the workers)
    const run = await nsga2(ZDT1.spec, evaluate, { popSize: 100, generations: gens, seed: 2 });
    return median(run.history.slice(1).map((h) => h.timing.evaluateMs));
  };
  try {
    const inThreadMsPerGen = await evalMs(inThread);
    const poolMsPerGen = await evalMs(workers.evaluate);
    return { problem: name, threads, inThreadMsPerGen, poolMsPerGen, speedup: inThreadMsPerGen / poolMsPerGen };
  } finally {
    await workers.close();
  }
}

const engineFigures = [await engine(ZDT1, 100), await engine(DTLZ2, 100), await engine(ZDT1, 200)];

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-nsga2-'));
const expensivePath = path.join(dir, 'expensive.mjs');
writeFileSync(expensivePath, EXPENSIVE_SOURCE);
const expensive = (await import(expensivePath)) as { evaluate: TestProblem['evaluate'] };
const poolFigures = [
  await pool(
    'ZDT1',
    new URL('../src-main/core/search/problems.ts', import.meta.url).href,
    'ZDT1',
    batchEvaluator(ZDT1),
    50,
  ),
  await pool('ZDT1 + ~1 ms/eval', expensivePath, 'evaluate', async (gs) => gs.map((g) => expensive.evaluate(g)), 5),
];
rmSync(dir, { recursive: true, force: true });

const result = {
  bench: 'nsga2',
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  // Other work on the machine skews every figure here, the worker pool's most: note it with the result.
  loadAverage1m: os.loadavg()[0],
  repeats,
  engine: engineFigures,
  workerPool: poolFigures,
};
console.log(JSON.stringify(result));
for (const e of engineFigures) {
  console.log(
    `NSGA-II engine, ${e.problem} N=${e.popSize}: ${e.engineMsPerGen.toFixed(3)} ms/generation ` +
      `(evaluations ${e.evaluateMsPerGen.toFixed(3)} ms, hypervolume ${e.indicatorMsPerGen.toFixed(3)} ms; ` +
      `${e.generations} generations in ${e.runMs.toFixed(0)} ms)`,
  );
}
for (const p of poolFigures) {
  console.log(
    `Evaluation of 100 genomes, ${p.problem}: in-thread ${p.inThreadMsPerGen.toFixed(3)} ms, ` +
      `worker pool (${p.threads} threads) ${p.poolMsPerGen.toFixed(3)} ms -> x${p.speedup.toFixed(2)}`,
  );
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2));
