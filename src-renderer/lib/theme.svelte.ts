/**
 * The current theme's colours, read from the CSS variables of global.css, and kept in step with the
 * OS's light/dark setting so open charts recolour when it changes.
 */
const ROLES = [
  'bg',
  'panel',
  'fg',
  'muted',
  'border',
  'grid',
  'accent',
  'static',
  'dynamic',
  'ideal',
  'good',
  'bad',
  'warn',
  'heat-low',
  'heat-high',
] as const;
export type Role = (typeof ROLES)[number];
export type Theme = Record<Role, string> & { dark: boolean };

function read(): Theme {
  const style = getComputedStyle(document.documentElement);
  const theme = { dark: window.matchMedia('(prefers-color-scheme: dark)').matches } as Theme;
  for (const role of ROLES) theme[role] = style.getPropertyValue(`--${role}`).trim();
  return theme;
}

export const theme = $state({ current: read() });

window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
  theme.current = read();
});

/** Extra series colours after the named roles (colour-blind-safe Okabe-Ito hues). */
const SERIES = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#999999'];
export function seriesColor(i: number): string {
  return SERIES[i % SERIES.length];
}

/** `#rrggbb` plus an alpha, as rgba(). */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  return `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, ${alpha})`;
}

/** Linear blend between two `#rrggbb` colours, t in 0..1 (heatmaps). */
export function mix(a: string, b: string, t: number): string {
  const pa = /^#([0-9a-f]{6})$/i.exec(a);
  const pb = /^#([0-9a-f]{6})$/i.exec(b);
  if (!pa || !pb) return t < 0.5 ? a : b;
  const ca = parseInt(pa[1], 16);
  const cb = parseInt(pb[1], 16);
  const ch = (c: number, s: number) => (c >> s) & 255;
  const blend = (s: number) => Math.round(ch(ca, s) + (ch(cb, s) - ch(ca, s)) * Math.min(1, Math.max(0, t)));
  return `rgb(${blend(16)}, ${blend(8)}, ${blend(0)})`;
}
