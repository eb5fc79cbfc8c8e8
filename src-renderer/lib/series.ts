/** Chart configurations the views share: numeric line/scatter series and bar charts over categories. */
import type { ChartDataset, ScaleOptions } from 'chart.js';
import type { AnyConfig } from './charts';
import type { Table } from './download';
import { withAlpha, type Theme } from './theme.svelte';

export interface Series {
  label: string;
  color: string;
  points: { x: number; y: number }[];
  dashed?: boolean;
  /** Draw points only (scatter), no line. */
  scatter?: boolean;
  pointRadius?: number;
}

export interface Axes {
  x: string;
  y: string;
  logX?: boolean;
  /** y values are fractions shown as percent. */
  yPercent?: boolean;
  yMin?: number;
  yMax?: number;
}

function axis(title: string, t: Theme, extra: Partial<ScaleOptions<'linear'>> = {}): ScaleOptions<'linear'> {
  return {
    type: 'linear',
    title: { display: true, text: title, color: t.muted },
    grid: { color: t.grid },
    ticks: { color: t.muted },
    ...extra,
  } as ScaleOptions<'linear'>;
}

export function lineConfig(t: Theme, series: Series[], axes: Axes): AnyConfig {
  const datasets: ChartDataset<'line', { x: number; y: number }[]>[] = series.map((s) => ({
    label: s.label,
    data: s.points,
    borderColor: s.color,
    backgroundColor: withAlpha(s.color, 0.25),
    borderDash: s.dashed ? [6, 4] : [],
    showLine: !s.scatter,
    pointRadius: s.pointRadius ?? (s.points.length > 60 ? 0 : 3),
    parsing: false,
    normalized: true,
  }));
  const percent = (v: string | number) => `${Math.round(Number(v) * 1000) / 10}%`;
  return {
    type: 'line',
    data: { datasets },
    options: {
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { ...axis(axes.x, t), ...(axes.logX ? { type: 'logarithmic' } : {}) } as ScaleOptions<'linear'>,
        y: axis(axes.y, t, {
          ...(axes.yMin !== undefined ? { min: axes.yMin } : {}),
          ...(axes.yMax !== undefined ? { max: axes.yMax } : {}),
          ...(axes.yPercent ? { ticks: { color: t.muted, callback: percent } } : {}),
        }),
      },
      plugins: { legend: { display: series.length > 1 } },
    },
  } as AnyConfig;
}

/** All series as one table: x, then one column per series (blank where a series has no point). */
export function seriesTable(xName: string, series: Series[]): Table {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const maps = series.map((s) => new Map(s.points.map((p) => [p.x, p.y])));
  return { header: [xName, ...series.map((s) => s.label)], rows: xs.map((x) => [x, ...maps.map((m) => m.get(x))]) };
}

export function barConfig(
  t: Theme,
  labels: string[],
  bars: { label: string; color: string; values: number[] }[],
  /** `signed`: values may be negative, so the axis does not start at 0. */
  axes: { x: string; y: string; yPercent?: boolean; yMax?: number; signed?: boolean },
): AnyConfig {
  const percent = (v: string | number) => `${Math.round(Number(v) * 100)}%`;
  return {
    type: 'bar',
    data: { labels, datasets: bars.map((b) => ({ label: b.label, data: b.values, backgroundColor: b.color, borderColor: b.color })) },
    options: {
      scales: {
        x: {
          type: 'category',
          title: { display: true, text: axes.x, color: t.muted },
          grid: { display: false },
          ticks: { color: t.muted },
        },
        y: {
          ...axis(axes.y, t, {
            ...(axes.signed ? {} : { min: 0 }),
            ...(axes.yMax !== undefined ? { max: axes.yMax } : {}),
            ...(axes.yPercent ? { ticks: { color: t.muted, callback: percent } } : {}),
          }),
        },
      },
      plugins: { legend: { display: bars.length > 1 } },
    },
  } as AnyConfig;
}

export function barTable(xName: string, labels: string[], bars: { label: string; values: number[] }[]): Table {
  return { header: [xName, ...bars.map((b) => b.label)], rows: labels.map((l, i) => [l, ...bars.map((b) => b.values[i])]) };
}
