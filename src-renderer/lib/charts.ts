/**
 * chart.js, registered once with the parts the studio uses, plus the defaults every chart shares:
 * theme colours, no animation on large series, LTTB decimation for long line series, and a filled
 * background so saved PNGs read well in both themes.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
  type Plugin,
} from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import type { Theme } from './theme.svelte';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  MatrixController,
  MatrixElement,
);

export { Chart };
export type AnyConfig = ChartConfiguration<ChartType>;

/** Series longer than this are decimated (line charts) and drawn without animation. */
export const DECIMATE_SAMPLES = 500;

/** Paints the theme's panel colour under the chart, so PNG exports are not transparent. */
export function backgroundPlugin(color: () => string): Plugin {
  return {
    id: 'studioBackground',
    beforeDraw(chart) {
      const { ctx } = chart;
      ctx.save();
      ctx.globalCompositeOperation = 'destination-over';
      ctx.fillStyle = color();
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };
}

/** Shared defaults, applied under each chart's own options. */
export function applyDefaults(theme: Theme): void {
  Chart.defaults.color = theme.fg;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.responsive = true;
  Chart.defaults.animation = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 14;
  Chart.defaults.plugins.decimation.enabled = true;
  Chart.defaults.plugins.decimation.algorithm = 'lttb';
  (Chart.defaults.plugins.decimation as { samples?: number }).samples = DECIMATE_SAMPLES;
  Chart.defaults.elements.point.radius = 2;
  Chart.defaults.elements.line.borderWidth = 2;
}

/** Points of some datasets offered as buttons (click, keyboard, screen reader). */
export interface Selectable {
  datasets: number[];
  label: (dataset: number, index: number) => string;
  onSelect: (dataset: number, index: number) => void;
  isSelected?: (dataset: number, index: number) => boolean;
}
