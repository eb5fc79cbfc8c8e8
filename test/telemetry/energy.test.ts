import { describe, expect, it } from 'vitest';
import { counterWindow, integrateEnergy, powerWindow } from '../../src-main/core/telemetry/energy';

// 100 W at 0 s, 200 W at 1 s, 100 W at 2 s.
const tri = [
  { t: 0, w: 100 },
  { t: 1000, w: 200 },
  { t: 2000, w: 100 },
];

describe('integrateEnergy (trapezoid, edges interpolated)', () => {
  it('matches hand-computed joules over the whole series', () => {
    // (100+200)/2 W * 1 s + (200+100)/2 W * 1 s
    expect(integrateEnergy(tri, 0, 2000)).toBeCloseTo(300, 10);
  });

  it('interpolates both edges of an inner window', () => {
    // 150 W at 0.5 s and 1.5 s: (150+200)/2*0.5 + (200+150)/2*0.5 = 175 J
    expect(integrateEnergy(tri, 500, 1500)).toBeCloseTo(175, 10);
    // Inside one interval: 125 W at 0.25 s, 175 W at 0.75 s -> 150 W * 0.5 s
    expect(integrateEnergy(tri, 250, 750)).toBeCloseTo(75, 10);
  });

  it('is exact for a constant and keeps 0 W as 0 J', () => {
    const flat = [0, 250, 500, 750, 1000].map((t) => ({ t, w: 74.2 }));
    expect(integrateEnergy(flat, 100, 900)).toBeCloseTo(74.2 * 0.8, 10);
    expect(integrateEnergy(flat.map((p) => ({ ...p, w: 0 })), 0, 1000)).toBe(0);
  });

  it('refuses a window the samples do not cover instead of extrapolating', () => {
    expect(() => integrateEnergy(tri, -1, 500)).toThrow(RangeError);
    expect(() => integrateEnergy(tri, 500, 2001)).toThrow(/not the window/);
    expect(() => integrateEnergy([], 0, 1)).toThrow(/no samples/);
  });
});

describe('powerWindow', () => {
  it('gives joules, average and peak (edge values count) and the largest sample gap', () => {
    expect(powerWindow(tri, 500, 1500)).toEqual({ joules: 175, avgPowerW: 175, peakPowerW: 200, maxGapMs: 500, reason: null });
    const r = powerWindow(tri, 250, 750);
    expect(r.peakPowerW).toBeCloseTo(175, 10);
    expect(r.avgPowerW).toBeCloseTo(150, 10);
  });

  it('shows a missing stretch of samples as maxGapMs', () => {
    const gappy = [
      { t: 0, w: 100 },
      { t: 250, w: 100 },
      { t: 1250, w: 100 },
      { t: 1500, w: 100 },
    ];
    expect(powerWindow(gappy, 0, 1500).maxGapMs).toBe(1000);
  });

  it('returns nulls with the reason for an uncovered window', () => {
    const r = powerWindow(tri, 1500, 2500);
    expect(r.joules).toBeNull();
    expect(r.avgPowerW).toBeNull();
    expect(r.reason).toMatch(/samples cover 0\.0 \.\. 2000\.0 ms/);
  });
});

describe('counterWindow (cumulative RAPL energy)', () => {
  // 50 W for the first second, 100 W for the next.
  const counter = [
    { t: 0, j: 0 },
    { t: 1000, j: 50 },
    { t: 2000, j: 150 },
  ];

  it('differences the counter at interpolated edges', () => {
    // j(1500) = 100, j(500) = 25
    expect(counterWindow(counter, 500, 1500)).toEqual({ joules: 75, avgPowerW: 75, peakPowerW: 100, maxGapMs: 500, reason: null });
  });

  it('takes the peak from intervals overlapping the window only', () => {
    expect(counterWindow(counter, 100, 900).peakPowerW).toBe(50);
    expect(counterWindow(counter, 100, 900).joules).toBeCloseTo(40, 10);
  });

  it('returns nulls with the reason for an uncovered window', () => {
    expect(counterWindow(counter, 1000, 3000).joules).toBeNull();
  });
});
