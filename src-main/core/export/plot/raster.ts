/**
 * A minimal RGBA raster with anti-aliased lines and discs, rectangles and bitmap text, encoded to PNG by
 * pngjs. Enough to draw report charts in Node without a canvas or a browser.
 */
import { PNG } from 'pngjs';
import { glyph, GLYPH_HEIGHT, GLYPH_WIDTH } from './font';

/** [r, g, b] 0..255. */
export type Rgb = readonly [number, number, number];

/** '#rrggbb' -> [r, g, b]. */
export function hex(color: string): Rgb {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) throw new Error(`colour "${color}" is not #rrggbb`);
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

export class Raster {
  /** [height, width, 4] RGBA, row-major. */
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) this.data.set([...background, 255], i * 4);
  }

  /** Blends `color` over pixel (x, y) with coverage `a` in 0..1; outside the raster it does nothing. */
  blend(x: number, y: number, color: Rgb, a: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || a <= 0) return;
    const o = (y * this.width + x) * 4;
    const k = Math.min(1, a);
    for (let c = 0; c < 3; c++) this.data[o + c] = Math.round(this.data[o + c] * (1 - k) + color[c] * k);
  }

  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    for (let j = Math.max(0, Math.floor(y)); j < Math.min(this.height, Math.ceil(y + h)); j++) {
      for (let i = Math.max(0, Math.floor(x)); i < Math.min(this.width, Math.ceil(x + w)); i++) this.blend(i, j, color, 1);
    }
  }

  /**
   * A segment of the given width, anti-aliased: each pixel near it is covered by how far its centre lies
   * inside the stroke (distance to the segment against half the width, with a one-pixel ramp).
   */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, width = 1): void {
    const half = width / 2;
    const dx = x1 - x0;
    const dy = y1 - y0;
    const len2 = dx * dx + dy * dy;
    const pad = half + 1;
    for (let j = Math.floor(Math.min(y0, y1) - pad); j <= Math.ceil(Math.max(y0, y1) + pad); j++) {
      for (let i = Math.floor(Math.min(x0, x1) - pad); i <= Math.ceil(Math.max(x0, x1) + pad); i++) {
        const px = i + 0.5;
        const py = j + 0.5;
        const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / len2)) : 0;
        const d = Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy));
        this.blend(i, j, color, half + 0.5 - d);
      }
    }
  }

  /** A filled disc of radius r, anti-aliased. */
  disc(cx: number, cy: number, r: number, color: Rgb): void {
    for (let j = Math.floor(cy - r - 1); j <= Math.ceil(cy + r + 1); j++) {
      for (let i = Math.floor(cx - r - 1); i <= Math.ceil(cx + r + 1); i++) {
        this.blend(i, j, color, r + 0.5 - Math.hypot(i + 0.5 - cx, j + 0.5 - cy));
      }
    }
  }

  /** A circle outline of outer radius r and the given stroke width, anti-aliased; the inside is left as is. */
  ring(cx: number, cy: number, r: number, width: number, color: Rgb): void {
    for (let j = Math.floor(cy - r - 1); j <= Math.ceil(cy + r + 1); j++) {
      for (let i = Math.floor(cx - r - 1); i <= Math.ceil(cx + r + 1); i++) {
        const d = Math.hypot(i + 0.5 - cx, j + 0.5 - cy);
        this.blend(i, j, color, Math.min(r + 0.5 - d, d - (r - width) + 0.5));
      }
    }
  }

  /** Width in pixels of `text` at `scale` (one blank column between glyphs). */
  static textWidth(text: string, scale = 1): number {
    return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + 1) - 1) * scale;
  }

  static textHeight(scale = 1): number {
    return GLYPH_HEIGHT * scale;
  }

  /**
   * Text with its top-left corner at (x, y), or, when `vertical`, rotated 90 degrees counter-clockwise
   * (reading bottom to top) with its bottom-left corner at (x, y).
   */
  text(x: number, y: number, text: string, color: Rgb, scale = 1, vertical = false): void {
    [...text].forEach((ch, k) => {
      const rows = glyph(ch);
      const offset = k * (GLYPH_WIDTH + 1) * scale;
      for (let r = 0; r < GLYPH_HEIGHT; r++) {
        for (let c = 0; c < GLYPH_WIDTH; c++) {
          if (!((rows[r] >> (GLYPH_WIDTH - 1 - c)) & 1)) continue;
          if (vertical) this.fillRect(x + r * scale, y - offset - (c + 1) * scale, scale, scale, color);
          else this.fillRect(x + offset + c * scale, y + r * scale, scale, scale, color);
        }
      }
    });
  }

  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    png.data = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    return PNG.sync.write(png);
  }
}
