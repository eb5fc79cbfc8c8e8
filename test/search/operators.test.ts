import { describe, expect, it } from 'vitest';
import { bitFlip, polynomialMutation, sbx, uniformCrossover } from '../../src-main/core/search/operators';
import { Rng } from '../../src-main/core/util/rng';
import { binaryTournament } from '../../src-main/core/search/selection';

describe('Rng (mulberry32, core/util/rng.ts)', () => {
  it('continues its sequence from a saved state (what checkpoints rely on)', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 10; i++) rng.next();
    const copy = new Rng(0).setState(rng.state());
    expect(Array.from({ length: 6 }, () => copy.next())).toEqual(Array.from({ length: 6 }, () => rng.next()));
  });

  it('permutation holds each index once', () => {
    const p = Array.from(new Rng(3).permutation(50));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('is deterministic per seed, differs across seeds, and is roughly uniform', () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.next()
      )(new Rng(42)),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.next()
      )(new Rng(42)),
    );
    const c = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.next()
      )(new Rng(43)),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const rng = new Rng(1);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(rng.next() * 10)]++;
    for (const n of bins) expect(Math.abs(n - 10_000)).toBeLessThan(500); // > 5 sigma
  });

  it('permutation is a permutation', () => {
    const p = Array.from(new Rng(3).permutation(50));
    expect(p.slice().sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('SBX', () => {
  const lower = [0, 0, 0, 0];
  const upper = [1, 1, 1, 1];
  const opts = { probability: 1, eta: 15, variableProbability: 1 };

  it('keeps children within bounds and, away from the bounds, preserves the parents mean', () => {
    const rng = new Rng(5);
    const p1 = [0.4, 0.45, 0.5, 0.55];
    const p2 = [0.6, 0.55, 0.52, 0.45];
    for (let t = 0; t < 1000; t++) {
      const c1 = new Array(4);
      const c2 = new Array(4);
      sbx(p1, p2, c1, c2, lower, upper, opts, rng);
      for (let i = 0; i < 4; i++) {
        expect(c1[i]).toBeGreaterThanOrEqual(0);
        expect(c1[i]).toBeLessThanOrEqual(1);
        // SBX is symmetric about the parents' midpoint (exact unless clamped, which these parents never need).
        expect(c1[i] + c2[i]).toBeCloseTo(p1[i] + p2[i], 12);
      }
    }
  });

  it('respects bounds near the edges and leaves equal genes and skipped pairs alone', () => {
    const rng = new Rng(6);
    for (let t = 0; t < 1000; t++) {
      const c1 = new Array(4);
      const c2 = new Array(4);
      sbx([0, 1e-3, 0.999, 0.3], [0.01, 0, 1, 0.3], c1, c2, lower, upper, opts, rng);
      for (const v of [...c1, ...c2]) expect(v >= 0 && v <= 1).toBe(true);
      expect(c1[3]).toBe(0.3);
      expect(c2[3]).toBe(0.3);
    }
    const c1 = new Array(4);
    const c2 = new Array(4);
    sbx([0.1, 0.2, 0.3, 0.4], [0.9, 0.8, 0.7, 0.6], c1, c2, lower, upper, { ...opts, probability: 0 }, rng);
    expect(c1).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(c2).toEqual([0.9, 0.8, 0.7, 0.6]);
  });

  it('recombines each gene with the per-variable probability', () => {
    const rng = new Rng(7);
    let changed = 0;
    const n = 20_000;
    for (let t = 0; t < n; t++) {
      const c1 = [0];
      const c2 = [0];
      sbx([0.2], [0.8], c1, c2, [0], [1], { probability: 1, eta: 15, variableProbability: 0.5 }, rng);
      if (c1[0] !== 0.2 && c1[0] !== 0.8) changed++;
    }
    expect(changed / n).toBeGreaterThan(0.48);
    expect(changed / n).toBeLessThan(0.52);
  });
});

describe('polynomial mutation', () => {
  it('stays within bounds, mutates about probability * n genes, and makes small steps for large eta', () => {
    const rng = new Rng(8);
    let mutated = 0;
    let step = 0;
    for (let t = 0; t < 2000; t++) {
      const x = [0, 0.5, 1, 0.25, 0.75];
      polynomialMutation(x, [0, 0, 0, 0, 0], [1, 1, 1, 1, 1], { probability: 0.2, eta: 20 }, rng);
      x.forEach((v, i) => {
        expect(v >= 0 && v <= 1).toBe(true);
        const before = [0, 0.5, 1, 0.25, 0.75][i];
        if (v !== before) {
          mutated++;
          step += Math.abs(v - before);
        }
      });
    }
    expect(mutated / (2000 * 5)).toBeCloseTo(0.2, 1);
    expect(step / mutated).toBeLessThan(0.1); // eta = 20: mean |delta| about 1/(eta + 2) of the range
  });
});

describe('binary operators', () => {
  it('uniform crossover swaps bits between children, keeping each position a permutation of the parents', () => {
    const rng = new Rng(9);
    const p1 = [1, 1, 1, 1, 1, 1, 1, 1];
    const p2 = [0, 0, 0, 0, 0, 0, 0, 0];
    const c1 = new Array(8);
    const c2 = new Array(8);
    let ones = 0;
    for (let t = 0; t < 1000; t++) {
      uniformCrossover(p1, p2, c1, c2, 1, 0.5, rng);
      for (let i = 0; i < 8; i++) expect(c1[i] + c2[i]).toBe(1);
      ones += c1.reduce((s: number, b: number) => s + b, 0);
    }
    expect(ones / 8000).toBeCloseTo(0.5, 1);
  });

  it('bit-flip flips with the given probability', () => {
    const rng = new Rng(10);
    let flips = 0;
    for (let t = 0; t < 1000; t++) {
      const bits = new Array(10).fill(0);
      bitFlip(bits, 0.1, rng);
      flips += bits.reduce((s: number, b: number) => s + b, 0);
    }
    expect(flips / 10_000).toBeCloseTo(0.1, 1);
  });
});

describe('binary tournament', () => {
  it('prefers lower rank, then larger crowding', () => {
    const rng = new Rng(11);
    const pop = [
      { rank: 0, crowding: 1 },
      { rank: 1, crowding: Infinity },
      { rank: 0, crowding: 2 },
      { rank: 2, crowding: 5 },
    ];
    const wins = new Array(4).fill(0);
    for (const i of binaryTournament(pop, 4000, rng)) wins[i]++;
    expect(wins[3]).toBe(0); // worst rank never wins
    expect(wins[2]).toBeGreaterThan(wins[0]); // same rank, more crowding
    expect(wins[0]).toBeGreaterThan(wins[1]); // rank beats crowding
  });
});
