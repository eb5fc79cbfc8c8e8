/** Paired tests of two classifiers on the same images, against values computed exactly (Python's fractions) or by hand. */
import { describe, expect, it } from 'vitest';
import { binomialHalfCdf, mcnemar, mcnemarExactP, meanSd, pairedBootstrap } from '../../src-main/core/stats';

/** Per-image correctness of two classifiers with the given counts of (both right, only first, only second, both wrong). */
function pairs(both: number, onlyFirst: number, onlySecond: number, neither: number): { a: Uint8Array; b: Uint8Array } {
  const a: number[] = [];
  const b: number[] = [];
  const push = (n: number, x: number, y: number) => { for (let i = 0; i < n; i++) { a.push(x); b.push(y); } };
  push(both, 1, 1);
  push(onlyFirst, 1, 0);
  push(onlySecond, 0, 1);
  push(neither, 0, 0);
  return { a: Uint8Array.from(a), b: Uint8Array.from(b) };
}

describe('McNemar exact test', () => {
  it('matches the exact binomial two-sided p-values (R binom.test(b, b + c))', () => {
    expect(mcnemarExactP(1, 9)).toBeCloseTo(22 / 1024, 12); // 2 (1 + 10) / 2^10
    expect(mcnemarExactP(2, 10)).toBeCloseTo(158 / 4096, 12); // 2 (1 + 12 + 66) / 2^12 = 0.0385742
    expect(mcnemarExactP(0, 7)).toBeCloseTo(2 / 128, 12);
    expect(mcnemarExactP(5, 5)).toBe(1);
    expect(mcnemarExactP(0, 0)).toBe(1);
    // Large counts, summed in log space: exact values from Python's fractions.Fraction.
    expect(mcnemarExactP(450, 550)).toBeCloseTo(0.0017305360849763176, 9);
    expect(mcnemarExactP(100, 60)).toBeCloseTo(0.001953728034064342, 9);
    expect(mcnemarExactP(2000, 2100)).toBeCloseTo(0.12206497999113813, 9);
    expect(binomialHalfCdf(3, 3)).toBe(1);
    expect(binomialHalfCdf(1, 3)).toBeCloseTo(0.5, 12);
  });

  it('counts only the discordant pairs, in both orders', () => {
    const { a, b } = pairs(8000, 100, 60, 1840);
    const r = mcnemar(a, b);
    expect(r).toMatchObject({ onlyFirst: 100, onlySecond: 60, n: 10_000 });
    expect(r.pValue).toBeCloseTo(0.001953728034064342, 9);
    expect(mcnemar(b, a).pValue).toBeCloseTo(r.pValue, 12);
  });

  it('refuses classifiers scored on different images, and bad counts', () => {
    expect(() => mcnemar([1, 0], [1])).toThrow(/2 and 1 images/);
    expect(() => mcnemarExactP(-1, 3)).toThrow(/integers >= 0/);
  });
});

describe('paired bootstrap of an accuracy difference', () => {
  it('gives the observed difference and a 95% interval as wide as the normal theory says', () => {
    // d = second - first per image: -1 on 100 images, +1 on 60, 0 elsewhere; n = 1000.
    // mean -0.04, variance 0.16 - 0.0016 = 0.1584, standard error sqrt(0.1584 / 1000) = 0.012586,
    // so the 95% interval is about -0.04 +/- 0.02467.
    const { a, b } = pairs(800, 100, 60, 40);
    const r = pairedBootstrap(a, b, { resamples: 4000, seed: 1 });
    expect(r.difference).toBeCloseTo(-0.04, 12);
    expect(r.low).toBeGreaterThan(-0.04 - 0.02467 * 1.1);
    expect(r.low).toBeLessThan(-0.04 - 0.02467 * 0.9);
    expect(r.high).toBeGreaterThan(-0.04 + 0.02467 * 0.9);
    expect(r.high).toBeLessThan(-0.04 + 0.02467 * 1.1);
    // Same seed, same interval.
    expect(pairedBootstrap(a, b, { resamples: 4000, seed: 1 })).toEqual(r);
  });

  it('collapses to a point when every image differs the same way, and is zero-width for identical classifiers', () => {
    const { a, b } = pairs(0, 0, 50, 0);
    expect(pairedBootstrap(a, b, { resamples: 200 })).toMatchObject({ difference: 1, low: 1, high: 1 });
    const same = pairs(30, 0, 0, 20);
    expect(pairedBootstrap(same.a, same.b, { resamples: 200 })).toMatchObject({ difference: 0, low: 0, high: 0 });
  });

  it('refuses unpaired or empty input and nonsense options', () => {
    expect(() => pairedBootstrap([1], [1, 0])).toThrow(/same images/);
    expect(() => pairedBootstrap([], [])).toThrow(/no images/);
    expect(() => pairedBootstrap([1], [0], { level: 1 })).toThrow(/level/);
  });
});

describe('mean and standard deviation over seeds', () => {
  it('uses the sample standard deviation', () => {
    expect(meanSd([0.87, 0.88, 0.89])).toEqual({ mean: expect.closeTo(0.88, 12), sd: expect.closeTo(0.01, 12), n: 3 });
    expect(meanSd([0.5])).toEqual({ mean: 0.5, sd: null, n: 1 });
  });
});
