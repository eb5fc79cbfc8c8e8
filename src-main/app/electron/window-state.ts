/**
 * The main window's size, place and maximised state, kept in `<userData>/window-state.json` and put back
 * on the next start, unless the display it was on is gone (then centred on the primary display).
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../workspace/atomic';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1360, height: 900 };
const MIN_VISIBLE = 80;

function isRect(v: unknown): v is Rect {
  const r = v as Rect;
  return !!r && [r.x, r.y, r.width, r.height].every((n) => typeof n === 'number' && Number.isFinite(n)) && r.width > 0 && r.height > 0;
}

export function loadWindowState(file: string): WindowState | null {
  try {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { bounds?: unknown; maximized?: unknown };
    return isRect(doc.bounds) ? { bounds: doc.bounds, maximized: doc.maximized === true } : null;
  } catch {
    return null;
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeJsonAtomic(file, state);
}

/**
 * Where to open the window: the saved bounds if at least MIN_VISIBLE px of them fall on a display's work
 * area (shrunk to fit it), else the default size centred in the primary work area.
 */
export function restoreBounds(saved: WindowState | null, workAreas: Rect[]): Rect {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...DEFAULT_SIZE };
  if (saved) {
    const b = saved.bounds;
    const area = workAreas.find(
      (a) =>
        Math.min(b.x + b.width, a.x + a.width) - Math.max(b.x, a.x) >= MIN_VISIBLE &&
        Math.min(b.y + b.height, a.y + a.height) - Math.max(b.y, a.y) >= MIN_VISIBLE,
    );
    if (area) return { x: b.x, y: b.y, width: Math.min(b.width, area.width), height: Math.min(b.height, area.height) };
  }
  const width = Math.min(DEFAULT_SIZE.width, primary.width);
  const height = Math.min(DEFAULT_SIZE.height, primary.height);
  return {
    x: primary.x + Math.round((primary.width - width) / 2),
    y: primary.y + Math.round((primary.height - height) / 2),
    width,
    height,
  };
}
