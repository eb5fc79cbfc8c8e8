import { describe, expect, it } from 'vitest';
import { nsga2 } from '../../src-main/core/search/nsga2';
import {
  batchEvaluator,
  CONSTR,
  constrFront,
  MIXED_TARGET,
  MIXED_ZDT1,
  ZDT1,
} from '../../src-main/core/search/problems';
import type { GenerationRecord, Genome } from '../../src-main/core/search/types';
import { workerPoolEvaluator } from '../../src-main/core/search/worker-pool';

const frontOf = (run: { front: { objectives: number[] }[] }): number[][] => run.front.map((p) => p.objectives);

describe('determinism', () => {
  it('same seed gives a bit-identical run; another seed differs', async () => {
    const opts = { popSize: 40, generations: 30, referencePoint: [1.1, 1.1] };
    const a = await nsga2(ZDT1.spec, batchEvaluator(ZDT1), { ...opts, seed: 123 });
    const b = await nsga2(ZDT1.spec, batchEvaluator(ZDT1), { ...opts, seed: 123 });
    const c = await nsga2(ZDT1.spec, batchEvaluator(ZDT1), { ...opts, seed: 124 });
    const bytes = (run: typeof a) => Buffer.from(new Float64Array(frontOf(run).flat()).buffer);
    expect(bytes(a).equals(bytes(b))).toBe(true);
    expect(a.population.map((p) => p.genome)).toEqual(b.population.map((p) => p.genome));
    expect(a.history.map((h) => h.hypervolume)).toEqual(b.history.map((h) => h.hypervolume));
    expect(bytes(a).equals(bytes(c))).toBe(false);
  });
});

describe('constraints', () => {
  it('CONSTR: the front is feasible and lies on the constrained analytic front, including the active-constraint part', async () => {
    const ref = [1.1, 10];
    const run = await nsga2(CONSTR.spec, batchEvaluator(CONSTR), {
      popSize: 100,
      generations: 150,
      seed: 2,
      referencePoint: ref,
    });
    expect(run.front.length).toBeGreaterThan(80);
    const gaps: number[] = [];
    for (const p of run.front) {
      expect(p.constraintViolation).toBe(0);
      const [f1, f2] = p.objectives;
      expect(f1).toBeGreaterThanOrEqual(7 / 18 - 1e-9);
      // Never below the true front: that would take an infeasible point (the unconstrained f2 = 1/f1 is lower).
      expect(f2).toBeGreaterThanOrEqual(constrFront(f1) * (1 - 1e-12));
      gaps.push((f2 - constrFront(f1)) / constrFront(f1));
    }
    // Converged: the typical point within 1% of the front. (NSGA-II approaches the part that lies on the
    // constraint, x2 = 6 - 9 x1, more slowly; a few points there stay a few % above it.)
    gaps.sort((a, b) => a - b);
    expect(gaps[Math.floor(gaps.length / 2)]).toBeLessThan(0.01);
    expect(gaps.at(-1)!).toBeLessThan(0.15);
    // Both pieces are populated: on the constraint (f1 < 2/3) and on x2 = 0 (f1 > 2/3).
    expect(run.front.filter((p) => p.objectives[0] < 0.6).length).toBeGreaterThan(20);
    expect(run.front.filter((p) => p.objectives[0] > 0.7).length).toBeGreaterThan(20);
    expect(run.history.at(-1)!.hypervolume! / CONSTR.frontHypervolume(ref)).toBeGreaterThan(0.98);
  });

  it('an all-infeasible start is driven to feasibility by lower violation', async () => {
    // Feasible only for x >= 0.9; every initial genome is x < 0.5.
    const spec = { real: { lower: [0, 0], upper: [1, 1] }, bits: 0 };
    const run = await nsga2(
      spec,
      async (gs) =>
        gs.map((g) => ({
          objectives: [g.real[0], 1 - g.real[0] + g.real[1]],
          constraintViolation: Math.max(0, 0.9 - g.real[0]),
        })),
      {
        popSize: 20,
        generations: 40,
        seed: 3,
        initial: Array.from({ length: 20 }, (_, i) => ({ real: [i / 40, 0.5], bits: [] })),
      },
    );
    expect(run.history[0].front).toEqual([]); // nothing feasible at first
    expect(run.front.length).toBeGreaterThan(0);
    for (const p of run.front) expect(p.genome.real[0]).toBeGreaterThanOrEqual(0.9);
  });
});

describe('mixed genome', () => {
  it('MIXED_ZDT1: finds the target bit pattern and the real optimum together', async () => {
    const ref = [1.1, 1.1];
    const run = await nsga2(MIXED_ZDT1.spec, batchEvaluator(MIXED_ZDT1), {
      popSize: 60,
      generations: 150,
      seed: 4,
      referencePoint: ref,
    });
    // Front members inside the reference box (those that make up the hypervolume). Outside it, the member
    // with the smallest f1 stays non-dominated whatever its g, as in ZDT1 itself.
    const inside = run.front.filter((p) => p.objectives[1] < ref[1]);
    expect(inside.length).toBeGreaterThan(50);
    for (const p of inside) {
      expect(p.genome.bits).toEqual(MIXED_TARGET);
      // On ZDT1's front f2 = 1 - sqrt(f1), which needs x2..x6 = 0.3 as well.
      expect(p.objectives[1] - (1 - Math.sqrt(p.objectives[0]))).toBeLessThan(0.02);
    }
    expect(run.history.at(-1)!.hypervolume! / MIXED_ZDT1.frontHypervolume(ref)).toBeGreaterThan(0.97);
  });

  it('bits-only and reals-only specs work', async () => {
    const bitsOnly = await nsga2(
      { real: { lower: [], upper: [] }, bits: 10 },
      async (gs) =>
        gs.map((g) => {
          const ones = g.bits.reduce((s, b) => s + b, 0);
          return { objectives: [ones, 10 - ones] };
        }),
      { popSize: 20, generations: 20, seed: 0 },
    );
    // Every count of ones 0..10 is a Pareto-optimal trade-off; all 11 are found with this seed (the extremes
    // are hard at pop 20: seeds 0..29 find 9 to 11 counts, with mulberry32 and xoshiro128** alike).
    expect(new Set(bitsOnly.front.map((p) => p.objectives[0])).size).toBe(11);
  });
});

describe('run control', () => {
  it('reports every generation, seeds the initial population, handles an odd popSize', async () => {
    const seen: GenerationRecord[] = [];
    const seed: Genome = { real: new Array(30).fill(0), bits: [] }; // on the ZDT1 front: (0, 1)
    const run = await nsga2(ZDT1.spec, batchEvaluator(ZDT1), {
      popSize: 11,
      generations: 5,
      seed: 6,
      initial: [seed],
      referencePoint: [1.1, 1.1],
      onGeneration: (r) => seen.push(r),
    });
    expect(seen.map((r) => r.generation)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seen.map((r) => r.evaluations)).toEqual([11, 22, 33, 44, 55, 66]);
    expect(run.history).toEqual(seen);
    expect(run.evaluated[0].genome).toEqual(seed);
    expect(run.evaluated[0].objectives).toEqual([0, 1]);
    expect(run.evaluated.map((p) => p.id)).toEqual(run.evaluated.map((_, i) => i));
    expect(run.population).toHaveLength(11);
    for (const r of seen) {
      expect(r.timing.engineMs).toBeGreaterThanOrEqual(0);
      expect(r.timing.evaluateMs).toBeGreaterThanOrEqual(0);
      expect(r.hypervolume).toBeGreaterThan(0);
    }
  });

  it('an AbortSignal stops the run between generations and returns the population so far', async () => {
    const controller = new AbortController();
    const run = await nsga2(ZDT1.spec, batchEvaluator(ZDT1), {
      popSize: 20,
      generations: 1000,
      seed: 7,
      signal: controller.signal,
      onGeneration: (r) => r.generation === 3 && controller.abort(),
    });
    expect(run.aborted).toBe(true);
    expect(run.history).toHaveLength(4);
    expect(run.population).toHaveLength(20);
    expect(run.front.length).toBeGreaterThan(0);
  });

  it('an evaluator that rejects because of the abort ends the run quietly', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = await nsga2(
      ZDT1.spec,
      async (gs, signal) => {
        if (++calls === 3) {
          controller.abort();
          signal?.throwIfAborted();
        }
        return gs.map((g) => ZDT1.evaluate(g));
      },
      { popSize: 10, generations: 10, seed: 8, signal: controller.signal },
    );
    expect(run.aborted).toBe(true);
    expect(run.history).toHaveLength(2);
    expect(run.evaluated).toHaveLength(20);
  });

  it('rejects malformed input loudly', async () => {
    const ev = batchEvaluator(ZDT1);
    await expect(nsga2(ZDT1.spec, ev, { popSize: 1, generations: 1, seed: 0 })).rejects.toThrow(/popSize/);
    await expect(
      nsga2(ZDT1.spec, ev, { popSize: 4, generations: 1, seed: 0, initial: [{ real: [2], bits: [] }] }),
    ).rejects.toThrow(/initial genome 0/);
    await expect(
      nsga2(ZDT1.spec, async (gs) => gs.map(() => ({ objectives: [NaN, 0] })), { popSize: 4, generations: 1, seed: 0 }),
    ).rejects.toThrow(/NaN/);
  });
});

describe('worker pool', () => {
  it('gives the same run as in-thread evaluation', async () => {
    const pool = workerPoolEvaluator({
      module: new URL('../../src-main/core/search/problems.ts', import.meta.url),
      exportName: 'ZDT1',
      threads: 2,
    });
    try {
      const opts = { popSize: 30, generations: 10, seed: 9 };
      const a = await nsga2(ZDT1.spec, pool.evaluate, opts);
      const b = await nsga2(ZDT1.spec, batchEvaluator(ZDT1), opts);
      expect(frontOf(a)).toEqual(frontOf(b));
    } finally {
      await pool.close();
    }
  });
});
