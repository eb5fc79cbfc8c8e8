import { describe, expect, it } from 'vitest';
import { highTradeoffPoints, kneePoint, tradeoffs } from '../../src-main/core/search/knee';
import { ZDT1, ZDT2 } from '../../src-main/core/search/problems';

describe('trade-off measure (pymoo HighTradeoffPoints, Rachmawati & Zhang 2009)', () => {
  it('matches a hand computation on three points', () => {
    // Normalised by ideal (0, 0) and nadir (10, 10): (0, 1), (0.1, 0.2), (1, 0). With 3 points every other point
    // is a neighbour (at least min(2m, n-1) = 2 of them).
    // mu(0) = min(0.1/0.8, 1/1) = 0.125;  mu(1) = min(0.8/0.1, 0.9/0.2) = 4.5;  mu(2) = min(0.2/0.9, 1/1) = 2/9.
    const front = [
      [0, 10],
      [1, 2],
      [10, 0],
    ];
    const mu = tradeoffs(front);
    expect(mu[0]).toBeCloseTo(0.125, 12);
    expect(mu[1]).toBeCloseTo(4.5, 12);
    expect(mu[2]).toBeCloseTo(2 / 9, 12);
    // mean 1.616, sigma 2.040: point 1 sits 1.41 sigma above the mean -> not >= 2 sigma, but the largest and
    // above 1 sigma, so it is the one high trade-off point.
    expect(highTradeoffPoints(front)).toEqual([1]);
    expect(kneePoint(front)).toBe(1);
  });

  it('without normalisation uses raw values, like pymoo', () => {
    // Raw: mu(1) = min(8/1, 9/2) = 4.5 here, but sacrifice and gain add up unlike units, so rescaling f2 by
    // 100 changes the answer: min(800/1, 9/200) = 0.045. Normalised, both give 4.5.
    expect(
      tradeoffs(
        [
          [0, 10],
          [1, 2],
          [10, 0],
        ],
        { normalize: false },
      )[1],
    ).toBeCloseTo(4.5, 12);
    expect(
      tradeoffs(
        [
          [0, 1000],
          [1, 200],
          [10, 0],
        ],
        { normalize: false },
      )[1],
    ).toBeCloseTo(0.045, 12);
    expect(
      tradeoffs([
        [0, 1000],
        [1, 200],
        [10, 0],
      ])[1],
    ).toBeCloseTo(4.5, 9);
  });

  it('finds the knee of the ZDT1 front where its normalised slope is -1 (f1 = 1/4)', () => {
    const front = ZDT1.paretoFront(101);
    expect(front[kneePoint(front)][0]).toBeCloseTo(0.25, 12);
    expect(highTradeoffPoints(front)).toContain(25);
    // Invariant to the units of an objective.
    expect(kneePoint(front.map(([a, b]) => [a * 1000, b]))).toBe(25);
  });

  it('finds a planted knee in a 3-objective front', () => {
    // A flat simplex grid f1 + f2 + f3 = 1 (every trade-off equal) with its centre pulled towards the ideal point.
    const front: number[][] = [];
    const steps = 10;
    for (let i = 0; i <= steps; i++)
      for (let j = 0; i + j <= steps; j++) {
        const p = [i / steps, j / steps, (steps - i - j) / steps];
        front.push(i === 3 && j === 3 ? p.map((v) => v * 0.8) : p);
      }
    const centre = front.findIndex((p) => Math.abs(p[0] - 0.24) < 1e-12 && Math.abs(p[1] - 0.24) < 1e-12);
    expect(highTradeoffPoints(front)).toContain(centre);
    expect(kneePoint(front)).toBe(centre);
  });

  it('falls back to the equal-weight ASF compromise when nothing stands out', () => {
    const line = [
      [0, 1],
      [0.25, 0.75],
      [0.5, 0.5],
      [0.75, 0.25],
      [1, 0],
    ];
    expect(highTradeoffPoints(line)).toEqual([]); // every mu is 1
    expect(kneePoint(line)).toBe(2);
    expect(
      kneePoint([
        [1, 5],
        [3, 2],
      ]),
    ).toBe(0); // normalised (0, 1) and (1, 0): a full tie, the first wins
    expect(kneePoint([[2, 3]])).toBe(0);
    expect(kneePoint([])).toBe(-1);
  });

  it('on a concave front the extremes have the worst trade-offs', () => {
    const front = ZDT2.paretoFront(101);
    const k = kneePoint(front);
    expect(k === 0 || k === 100).toBe(true);
  });
});
