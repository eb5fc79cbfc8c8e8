import { describe, expect, it } from 'vitest';
import { hypervolume } from '../../src-main/core/search/hypervolume';
import {
  CONSTR,
  constrFront,
  DTLZ2,
  MIXED_TARGET,
  MIXED_ZDT1,
  ZDT1,
  ZDT2,
  ZDT3,
} from '../../src-main/core/search/problems';

const REF = [1.1, 1.1];
const zeros = (n: number) => new Array<number>(n).fill(0);

describe('true-front hypervolumes', () => {
  it('ZDT1 and ZDT2 closed forms: 1.21 - 1/3 and 1.21 - 2/3, approached by dense front samples', () => {
    expect(ZDT1.frontHypervolume(REF)).toBeCloseTo(1.21 - 1 / 3, 12);
    expect(ZDT2.frontHypervolume(REF)).toBeCloseTo(1.21 - 2 / 3, 12);
    for (const p of [ZDT1, ZDT2]) {
      const sampled = hypervolume(p.paretoFront(20_001), REF);
      expect(sampled).toBeLessThan(p.frontHypervolume(REF));
      expect(sampled).toBeGreaterThan(p.frontHypervolume(REF) - 1e-4);
    }
  });

  it('ZDT3 numeric value agrees with the closed-form integral over the five front pieces', () => {
    // pymoo's ZDT3 front pieces (f1 intervals). Between pieces, and after the last, the attainment boundary is
    // flat at the piece's final f2. Antiderivative of 1 - sqrt(t) - t sin(10 pi t):
    // t - 2/3 t^1.5 - sin(10 pi t)/(10 pi)^2 + t cos(10 pi t)/(10 pi).
    const pieces = [
      [0, 0.0830015349],
      [0.182228728, 0.2577623634],
      [0.4093136748, 0.4538821041],
      [0.6183967944, 0.6525117038],
      [0.8233317983, 0.8518328654],
    ];
    const w = 10 * Math.PI;
    const F = (t: number) => t - (2 / 3) * t ** 1.5 - Math.sin(w * t) / w ** 2 + (t * Math.cos(w * t)) / w;
    const f = (t: number) => 1 - Math.sqrt(t) - t * Math.sin(w * t);
    let under = 0;
    pieces.forEach(([a, b], k) => {
      under += F(b) - F(a);
      const next = k + 1 < pieces.length ? pieces[k + 1][0] : REF[0];
      under += f(b) * (next - b);
    });
    const exact = REF[0] * REF[1] - under;
    expect(ZDT3.frontHypervolume(REF)).toBeCloseTo(exact, 7);
    // Dense front samples approach it from below.
    const sampled = hypervolume(ZDT3.paretoFront(200_001), REF);
    expect(sampled).toBeLessThan(exact);
    expect(sampled).toBeGreaterThan(exact - 1e-4);
    // The sampled front has the five pieces: gaps in f1 larger than 0.05 separate them.
    const f1 = ZDT3.paretoFront(10_001).map((p) => p[0]);
    expect(f1.slice(1).filter((v, i) => v - f1[i] > 0.05)).toHaveLength(4);
  });

  it('DTLZ2: 1.331 - pi/6, approached by a dense front sample', () => {
    const ref = [1.1, 1.1, 1.1];
    expect(DTLZ2.frontHypervolume(ref)).toBeCloseTo(1.331 - Math.PI / 6, 12);
    const sampled = hypervolume(DTLZ2.paretoFront(1600), ref);
    expect(sampled).toBeLessThan(DTLZ2.frontHypervolume(ref));
    expect(sampled).toBeGreaterThan(DTLZ2.frontHypervolume(ref) - 0.02);
  });

  it('CONSTR closed form agrees with a dense front sample', () => {
    const ref = [1.1, 10];
    const sampled = hypervolume(CONSTR.paretoFront(100_001), ref);
    expect(sampled).toBeLessThan(CONSTR.frontHypervolume(ref));
    expect(sampled).toBeGreaterThan(CONSTR.frontHypervolume(ref) - 1e-3);
  });

  it('refuses a reference point that does not enclose the front', () => {
    expect(() => ZDT1.frontHypervolume([0.9, 1.1])).toThrow(/reference point/);
    expect(() => DTLZ2.frontHypervolume([1.1, 1.1])).toThrow(/reference point/);
  });
});

describe('problem definitions', () => {
  it('ZDT optima (x2..x30 = 0) lie on the analytic fronts', () => {
    const x = [0.3, ...zeros(29)];
    expect(ZDT1.evaluate({ real: x, bits: [] }).objectives).toEqual([0.3, 1 - Math.sqrt(0.3)]);
    expect(ZDT2.evaluate({ real: x, bits: [] }).objectives[1]).toBeCloseTo(1 - 0.09, 12);
    expect(ZDT3.evaluate({ real: x, bits: [] }).objectives[1]).toBeCloseTo(
      1 - Math.sqrt(0.3) - 0.3 * Math.sin(3 * Math.PI),
      12,
    );
    // Off the optimum g > 1 pushes f2 up.
    expect(ZDT1.evaluate({ real: [0.3, ...zeros(28), 1], bits: [] }).objectives[1]).toBeGreaterThan(1 - Math.sqrt(0.3));
  });

  it('DTLZ2 with x3..x12 = 0.5 lies on the unit sphere', () => {
    const f = DTLZ2.evaluate({ real: [0.3, 0.7, ...new Array(10).fill(0.5)], bits: [] }).objectives;
    expect(Math.hypot(...f)).toBeCloseTo(1, 12);
  });

  it('CONSTR: the front points are feasible, the unconstrained optimum left of f1 = 2/3 is not', () => {
    const onConstraint = CONSTR.evaluate({ real: [0.5, 6 - 4.5], bits: [] });
    expect(onConstraint.constraintViolation).toBe(0);
    expect(onConstraint.objectives[1]).toBeCloseTo(constrFront(0.5), 12);
    expect(CONSTR.evaluate({ real: [0.5, 0], bits: [] }).constraintViolation).toBeCloseTo(1.5, 12);
  });

  it('MIXED_ZDT1 reaches the ZDT1 front only with the target bits and x2..x6 = 0.3', () => {
    const real = [0.25, 0.3, 0.3, 0.3, 0.3, 0.3];
    expect(MIXED_ZDT1.evaluate({ real, bits: [...MIXED_TARGET] }).objectives[1]).toBeCloseTo(0.5, 12);
    const oneWrong = [...MIXED_TARGET];
    oneWrong[3] = 1 - oneWrong[3];
    expect(MIXED_ZDT1.evaluate({ real, bits: oneWrong }).objectives[1]).toBeGreaterThan(0.6);
  });
});
