/** Student's paired t-test over seeds, against closed forms (df 1 and 2) and published critical values. */
import { describe, expect, it } from 'vitest';
import { pairedTTest, tQuantile, tTwoSidedP } from '../../src-main/core/stats';

describe("Student's t distribution", () => {
  it('matches the closed forms for 1 and 2 degrees of freedom', () => {
    for (const t of [0, 0.3, 1, 2.5, 7, 40]) {
      expect(tTwoSidedP(t, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(t), 12);
      expect(tTwoSidedP(-t, 2)).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 12);
    }
  });

  it('gives the tables\' two-sided critical values back', () => {
    // t_{0.975} and t_{0.995}, df 1, 2, 4, 10, 30 (any statistics table; scipy.stats.t.ppf).
    const table: [number, number, number][] = [
      [1, 12.706204736174705, 63.65674116287399],
      [2, 4.302652729911275, 9.924843200918276],
      [4, 2.7764451051977934, 4.604094871415897],
      [10, 2.2281388519649385, 3.1692726726169518],
      [30, 2.0422724563012373, 2.7499956535672627],
    ];
    for (const [df, t975, t995] of table) {
      expect(tTwoSidedP(t975, df)).toBeCloseTo(0.05, 10);
      expect(tTwoSidedP(t995, df)).toBeCloseTo(0.01, 10);
      expect(tQuantile(0.975, df)).toBeCloseTo(t975, 8);
      expect(tQuantile(0.995, df)).toBeCloseTo(t995, 8);
    }
  });
});

describe('paired t-test over seeds', () => {
  it('tests the mean difference against zero with n - 1 degrees of freedom', () => {
    // Differences -0.4, -0.6, -0.1: mean -0.3667, sd 0.2517, t = -2.523, df 2.
    const r = pairedTTest([-0.4, -0.6, -0.1]);
    expect(r).toMatchObject({ n: 3, df: 2 });
    expect(r.mean).toBeCloseTo(-0.36666666666666664, 12);
    expect(r.sd).toBeCloseTo(Math.sqrt(0.06333333333333334), 12);
    expect(r.t).toBeCloseTo(r.mean / (r.sd / Math.sqrt(3)), 12);
    expect(r.pValue).toBeCloseTo(1 - Math.abs(r.t) / Math.sqrt(2 + r.t * r.t), 12);
    // The 95% interval is mean +/- t_{0.975, 2} * se, and holds zero exactly when p >= 0.05.
    expect(r.high - r.mean).toBeCloseTo(4.302652729911275 * (r.sd / Math.sqrt(3)), 8);
    expect(r.low < 0 && r.high > 0).toBe(r.pValue >= 0.05);
  });

  it('is symmetric in the sign of the differences', () => {
    const a = pairedTTest([0.2, 0.5, 0.1, 0.4]);
    const b = pairedTTest([-0.2, -0.5, -0.1, -0.4]);
    expect(b.pValue).toBeCloseTo(a.pValue, 12);
    expect(b.t).toBeCloseTo(-a.t, 12);
  });

  it('says p = 0 for identical non-zero differences and p = 1 for all zeros', () => {
    expect(pairedTTest([0.3, 0.3]).pValue).toBe(0);
    expect(pairedTTest([0, 0, 0]).pValue).toBe(1);
  });

  it('refuses fewer than two seeds and non-numbers, naming what is wrong', () => {
    expect(() => pairedTTest([0.1])).toThrow(/at least 2 differences \(seeds\), got 1/);
    expect(() => pairedTTest([0.1, NaN])).toThrow(/finite number/);
    expect(() => tQuantile(0.3, 2)).toThrow(/q must be in \(0.5, 1\), got 0.3/);
    expect(() => tTwoSidedP(1, 0)).toThrow(/degrees of freedom must be > 0, got 0/);
  });
});
