/**
 * An x-y chart rendered to PNG: axes with "nice" ticks (1, 2, 5 x 10^k), a light grid, series drawn as
 * lines and/or markers, a legend on the right, a title and axis labels. For the export report; the studio
 * draws its own interactive charts.
 */
import { hex, Raster } from './raster';

export interface ChartSeries {
  label: string;
  /** '#rrggbb'. */
  color: string;
  points: { x: number; y: number }[];
  /** Join the points in the given order. Default false. */
  line?: boolean;
  /** Marker radius in pixels; 0 draws none. Default 4. */
  marker?: number;
  /** Draw markers as rings, which leave the points under them visible (highlights). */
  ring?: boolean;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Pixels. Default 960 x 560. */
  width?: number;
  height?: number;
  /** Tick label formats; default: as many decimals as the tick step needs. */
  xFormat?(v: number): string;
  yFormat?(v: number): string;
}

const INK = hex('#222222');
const GRID = hex('#e4e4e4');
const TEXT_SCALE = 2;

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

function defaultFormat(ticks: number[]): (v: number) => string {
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : Math.abs(ticks[0]) || 1;
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return (v) => v.toFixed(decimals);
}

/** [lo, hi] of the values with 5% padding; a single value gets +-0.5 (or +-5%). */
function range(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (hi === lo) {
    const pad = lo === 0 ? 0.5 : Math.abs(lo) * 0.05;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

export function renderChart(spec: ChartSpec): Buffer {
  const W = spec.width ?? 960;
  const H = spec.height ?? 560;
  const img = new Raster(W, H);
  const th = Raster.textHeight(TEXT_SCALE);
  const legendWidth = Math.max(0, ...spec.series.map((s) => Raster.textWidth(s.label, TEXT_SCALE))) + 40;
  const all = spec.series.flatMap((s) => s.points);
  const [x0, x1] = range(all.map((p) => p.x));
  const [y0, y1] = range(all.map((p) => p.y));
  const xTicks = niceTicks(x0, x1);
  const yTicks = niceTicks(y0, y1);
  const xFmt = spec.xFormat ?? defaultFormat(xTicks);
  const yFmt = spec.yFormat ?? defaultFormat(yTicks);
  const yTickWidth = Math.max(...yTicks.map((v) => Raster.textWidth(yFmt(v), TEXT_SCALE)));

  // Plot area, in pixels: room for the title above, tick labels and axis labels left and below, legend right.
  const left = 20 + th + 12 + yTickWidth + 10;
  const top = 20 + th + 20;
  const right = W - legendWidth - 20;
  const bottom = H - (20 + th + 12 + th + 10);
  const px = (x: number) => left + ((x - x0) / (x1 - x0)) * (right - left);
  const py = (y: number) => bottom - ((y - y0) / (y1 - y0)) * (bottom - top);

  img.text((W - Raster.textWidth(spec.title, TEXT_SCALE)) / 2, 20, spec.title, INK, TEXT_SCALE);
  for (const v of xTicks) {
    const x = Math.round(px(v)) + 0.5;
    img.line(x, top, x, bottom, GRID);
    img.line(x, bottom, x, bottom + 5, INK);
    const label = xFmt(v);
    img.text(x - Raster.textWidth(label, TEXT_SCALE) / 2, bottom + 10, label, INK, TEXT_SCALE);
  }
  for (const v of yTicks) {
    const y = Math.round(py(v)) + 0.5;
    img.line(left, y, right, y, GRID);
    img.line(left - 5, y, left, y, INK);
    const label = yFmt(v);
    img.text(left - 10 - Raster.textWidth(label, TEXT_SCALE), y - th / 2, label, INK, TEXT_SCALE);
  }
  img.line(left, bottom, right, bottom, INK, 1.5);
  img.line(left, top, left, bottom, INK, 1.5);
  img.text((left + right - Raster.textWidth(spec.xLabel, TEXT_SCALE)) / 2, H - 20 - th, spec.xLabel, INK, TEXT_SCALE);
  img.text(20, (top + bottom + Raster.textWidth(spec.yLabel, TEXT_SCALE)) / 2, spec.yLabel, INK, TEXT_SCALE, true);

  spec.series.forEach((s, k) => {
    const color = hex(s.color);
    const r = s.marker ?? 4;
    if (s.line) {
      for (let i = 1; i < s.points.length; i++) {
        img.line(px(s.points[i - 1].x), py(s.points[i - 1].y), px(s.points[i].x), py(s.points[i].y), color, 2);
      }
    }
    for (const p of s.points) marker(img, px(p.x), py(p.y), r, color, s.ring);
    // Legend entry: a marker (and a line stub when the series has lines), then the label.
    const ly = top + k * (th + 12) + th / 2;
    const lx = right + 20;
    if (s.line) img.line(lx, ly, lx + 24, ly, color, 2);
    marker(img, lx + 12, ly, Math.max(r, 3), color, s.ring);
    img.text(lx + 32, ly - th / 2, s.label, INK, TEXT_SCALE);
  });
  return img.toPng();
}

function marker(img: Raster, x: number, y: number, r: number, color: ReturnType<typeof hex>, ring = false): void {
  if (r <= 0) return;
  if (ring) img.ring(x, y, r, 2.5, color);
  else img.disc(x, y, r, color);
}
