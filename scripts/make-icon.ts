/**
 * Draws the app icon (resources/icons/icon.png, 1024 px): a stack of eight encoder layers, some run
 * (filled) and some skipped (outlined), on a rounded square. electron-builder derives the .icns, .ico
 * and Linux sizes from it. Run: npx tsx scripts/make-icon.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

const SIZE = 1024;
const SS = 4; // supersampling per axis
const RAN = [1, 1, 0, 1, 0, 1, 1, 0];
const BG: [number, number, number] = [29, 42, 74];
const ON: [number, number, number] = [122, 162, 255];
const OFF: [number, number, number] = [70, 92, 140];

function insideRounded(x: number, y: number, x0: number, y0: number, x1: number, y1: number, r: number): boolean {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Colour and coverage of one sub-sample. */
function sample(x: number, y: number): [number, number, number, number] {
  if (!insideRounded(x, y, 40, 40, SIZE - 40, SIZE - 40, 200)) return [0, 0, 0, 0];
  const top = 200;
  const bar = 62;
  const gap = 16;
  for (let l = 0; l < RAN.length; l++) {
    const y0 = top + l * (bar + gap);
    if (insideRounded(x, y, 220, y0, SIZE - 220, y0 + bar, 18)) {
      if (RAN[l]) return [...ON, 1];
      const inner = insideRounded(x, y, 232, y0 + 12, SIZE - 232, y0 + bar - 12, 8);
      return inner ? [...BG, 1] : [...OFF, 1];
    }
  }
  return [...BG, 1];
}

const png = new PNG({ width: SIZE, height: SIZE });
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const [cr, cg, cb, ca] = sample(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
        r += cr * ca;
        g += cg * ca;
        b += cb * ca;
        a += ca;
      }
    }
    const i = (y * SIZE + x) * 4;
    png.data[i] = a ? Math.round(r / a) : 0;
    png.data[i + 1] = a ? Math.round(g / a) : 0;
    png.data[i + 2] = a ? Math.round(b / a) : 0;
    png.data[i + 3] = Math.round((a / (SS * SS)) * 255);
  }
}
const out = path.join(import.meta.dirname, '..', 'resources', 'icons', 'icon.png');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, PNG.sync.write(png));
console.log(`wrote ${out}`);
