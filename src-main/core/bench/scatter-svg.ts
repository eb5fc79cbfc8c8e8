/**
 * A scatter plot as a standalone SVG document (reports: a picture beside the tables, no browser or canvas needed).
 * Each point is numbered; the legend beside the plot names it, so long labels never overlap the data.
 */

export interface ScatterPoint {
  label: string;
  x: number;
  y: number;
  /** Half-widths of error bars (a standard deviation), drawn when given. */
  xErr?: number;
  yErr?: number;
  /** Points of one group share a marker and colour (e.g. "control", "attempt"). */
  group: string;
}

export interface ScatterOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** A horizontal reference line across the plot, e.g. the static model's accuracy. */
  reference?: { y: number; label: string };
  width?: number;
  height?: number;
}

/** Round tick values covering [lo, hi], about `count` of them (1, 2 or 5 times a power of ten apart). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) throw new Error(`niceTicks: the range must be finite, got [${lo}, ${hi}]`);
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const first = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let t = first; t <= hi + step * (1 - 1e-9); t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];
const f = (v: number) => v.toFixed(1);

/** A marker of one of four shapes centred on (x, y). */
function marker(shape: number, x: number, y: number, colour: string): string {
  const r = 5;
  switch (shape % 4) {
    case 0:
      return `<circle cx="${f(x)}" cy="${f(y)}" r="${r}" fill="${colour}"/>`;
    case 1:
      return `<rect x="${f(x - r)}" y="${f(y - r)}" width="${2 * r}" height="${2 * r}" fill="${colour}"/>`;
    case 2:
      return `<path d="M${f(x)},${f(y - r - 1)} L${f(x + r + 1)},${f(y + r)} L${f(x - r - 1)},${f(y + r)} Z" fill="${colour}"/>`;
    default:
      return `<path d="M${f(x)},${f(y - r - 1)} L${f(x + r + 1)},${f(y)} L${f(x)},${f(y + r + 1)} L${f(x - r - 1)},${f(y)} Z" fill="${colour}"/>`;
  }
}

export function scatterSvg(points: ScatterPoint[], opts: ScatterOptions): string {
  if (!points.length) throw new Error('scatterSvg: no points to plot');
  const bad = points.find((p) => ![p.x, p.y, p.xErr ?? 0, p.yErr ?? 0].every(Number.isFinite));
  if (bad) throw new Error(`scatterSvg: point "${bad.label}" has a value that is not a finite number`);
  const plot = { left: 64, top: 40, width: 440, height: (opts.height ?? 420) - 100 };
  const legendX = plot.left + plot.width + 30;
  // Wide and tall enough for the legend: about 7 px per character at 12 px, 18 px per line.
  const width = Math.max(opts.width ?? 900, Math.ceil(legendX + 40 + 7 * Math.max(...points.map((p) => p.label.length))));
  const height = Math.max(opts.height ?? 420, plot.top + 30 + points.length * 18);
  const xs = points.flatMap((p) => [p.x - (p.xErr ?? 0), p.x + (p.xErr ?? 0)]);
  const ys = [...points.flatMap((p) => [p.y - (p.yErr ?? 0), p.y + (p.yErr ?? 0)]), ...(opts.reference ? [opts.reference.y] : [])];
  const xTicks = niceTicks(Math.min(...xs), Math.max(...xs));
  const yTicks = niceTicks(Math.min(...ys), Math.max(...ys));
  const [x0, x1, y0, y1] = [xTicks[0], xTicks.at(-1)!, yTicks[0], yTicks.at(-1)!];
  const px = (x: number) => plot.left + ((x - x0) / (x1 - x0)) * plot.width;
  const py = (y: number) => plot.top + plot.height - ((y - y0) / (y1 - y0)) * plot.height;
  const groups = [...new Set(points.map((p) => p.group))];
  const style = (g: string) => ({ shape: groups.indexOf(g), colour: COLOURS[groups.indexOf(g) % COLOURS.length] });
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${plot.left}" y="22" font-size="14" font-weight="bold">${escapeXml(opts.title)}</text>`,
  ];
  for (const t of xTicks) {
    out.push(`<line x1="${f(px(t))}" y1="${plot.top}" x2="${f(px(t))}" y2="${plot.top + plot.height}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${f(px(t))}" y="${plot.top + plot.height + 16}" text-anchor="middle">${t}</text>`);
  }
  for (const t of yTicks) {
    out.push(`<line x1="${plot.left}" y1="${f(py(t))}" x2="${plot.left + plot.width}" y2="${f(py(t))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${plot.left - 6}" y="${f(py(t) + 4)}" text-anchor="end">${t}</text>`);
  }
  out.push(`<rect x="${plot.left}" y="${plot.top}" width="${plot.width}" height="${plot.height}" fill="none" stroke="#444"/>`);
  out.push(`<text x="${plot.left + plot.width / 2}" y="${plot.top + plot.height + 36}" text-anchor="middle">${escapeXml(opts.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${plot.top + plot.height / 2}) rotate(-90)" text-anchor="middle">${escapeXml(opts.yLabel)}</text>`);
  if (opts.reference) {
    const y = f(py(opts.reference.y));
    out.push(`<line x1="${plot.left}" y1="${y}" x2="${plot.left + plot.width}" y2="${y}" stroke="#666" stroke-dasharray="5 4"/>`);
    out.push(`<text x="${plot.left + 4}" y="${f(py(opts.reference.y) - 5)}" fill="#444">${escapeXml(opts.reference.label)}</text>`);
  }
  const placed: [number, number][] = []; // number labels already drawn, moved down until they do not overlap
  points.forEach((p, i) => {
    const { shape, colour } = style(p.group);
    const [cx, cy] = [px(p.x), py(p.y)];
    const lx = cx + 7;
    let ly = cy - 6;
    while (placed.some(([x, y]) => Math.abs(x - lx) < 14 && Math.abs(y - ly) < 11)) ly += 12;
    placed.push([lx, ly]);
    if (p.xErr) out.push(`<line x1="${f(px(p.x - p.xErr))}" y1="${f(cy)}" x2="${f(px(p.x + p.xErr))}" y2="${f(cy)}" stroke="${colour}"/>`);
    if (p.yErr) out.push(`<line x1="${f(cx)}" y1="${f(py(p.y - p.yErr))}" x2="${f(cx)}" y2="${f(py(p.y + p.yErr))}" stroke="${colour}"/>`);
    out.push(marker(shape, cx, cy, colour));
    out.push(`<text x="${f(lx)}" y="${f(ly)}" font-size="11" fill="${colour}">${i + 1}</text>`);
  });
  // The legend: one line per point, numbered as on the plot, in its group's marker.
  points.forEach((p, i) => {
    const { shape, colour } = style(p.group);
    const y = plot.top + 8 + i * 18;
    out.push(marker(shape, legendX, y - 4, colour));
    out.push(`<text x="${legendX + 12}" y="${y}">${i + 1}. ${escapeXml(p.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
