import { describe, expect, it } from 'vitest';
import { niceTicks, scatterSvg, type ScatterPoint } from '../../src-main/core/bench/scatter-svg';

/** The centre of every circle marker on the plot (group 0's shape), in document order. */
const circles = (svg: string) => [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);

describe('niceTicks', () => {
  it('covers the range with round steps', () => {
    expect(niceTicks(0.52, 1.0)).toEqual([0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(niceTicks(85.9, 88.4)).toEqual([85.5, 86, 86.5, 87, 87.5, 88, 88.5]);
    const t = niceTicks(-3, 17, 4);
    expect(t[0]).toBeLessThanOrEqual(-3);
    expect(t.at(-1)).toBeGreaterThanOrEqual(17);
  });
  it('widens an empty range and refuses a non-finite one', () => {
    expect(niceTicks(5, 5).length).toBeGreaterThan(1);
    expect(() => niceTicks(0, Number.NaN)).toThrow(/finite/);
  });
});

describe('scatterSvg', () => {
  const pts: ScatterPoint[] = [
    { label: 'static', x: 1, y: 88, group: 'a' },
    { label: 'twin', x: 0.7, y: 87.5, group: 'a' },
    { label: 'random <policy> & co', x: 0.7, y: 86.2, yErr: 0.2, group: 'b' },
  ];
  const svg = scatterSvg(pts, { title: 'acc vs flops', xLabel: 'FLOP fraction', yLabel: 'accuracy (%)', reference: { y: 88, label: 'static' } });

  it('places points by value: larger x to the right, larger y higher', () => {
    const [s, t] = circles(svg);
    expect(s[0]).toBeGreaterThan(t[0]);
    expect(s[1]).toBeLessThan(t[1]);
  });
  it('numbers each point and names it in the legend, with labels escaped', () => {
    expect(svg).toContain('3. random &lt;policy&gt; &amp; co');
    expect(svg).not.toContain('<policy>');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });
  it('draws error bars only where given', () => {
    const bars = svg.match(/<line x1="([\d.]+)" y1="[\d.]+" x2="\1" y2="[\d.]+" stroke="#(?!e5e5e5)/g) ?? [];
    expect(bars.length).toBe(1);
  });
  it('refuses no points and a point that is not a number, naming it', () => {
    expect(() => scatterSvg([], { title: '', xLabel: '', yLabel: '' })).toThrow(/no points/);
    expect(() => scatterSvg([{ label: 'broken row', x: Number.NaN, y: 1, group: 'a' }], { title: '', xLabel: '', yLabel: '' })).toThrow(/broken row/);
  });
});
