/**
 * Pixel -> model input: (v/255 - mean) / std per channel, through a 256-entry lookup table per
 * channel, with optional random-crop-with-padding and horizontal flip applied while copying.
 */
import type { DatasetInfo, ImageSet } from './types';

/** One Float32Array(256) per channel mapping a raw byte to its normalised value. */
export function channelTables(info: DatasetInfo, channels: number): Float32Array[] {
  if (info.mean.length !== channels || info.std.length !== channels) {
    throw new Error(`${info.name}: ${channels} channels but ${info.mean.length} means and ${info.std.length} stds`);
  }
  return info.mean.map((m, c) => {
    const t = new Float32Array(256);
    for (let v = 0; v < 256; v++) t[v] = (v / 255 - m) / info.std[c];
    return t;
  });
}

/** Where and how to copy one image: a crop offset (dy, dx) into the zero-padded image, then a flip. */
export interface Placement {
  dy: number;
  dx: number;
  flip: boolean;
}

/**
 * Writes image `src` of `set` into `out` at item slot `slot`, normalised. Pixels that fall into the
 * padding read as raw 0 (padding happens before normalisation, as in the usual pipelines).
 */
export function writeImage(set: ImageSet, tables: Float32Array[], src: number, out: Float32Array, slot: number, p?: Placement): void {
  const { height: H, width: W, channels: C } = set;
  const img = set.images;
  const base = src * H * W * C;
  const o = slot * H * W * C;
  const dy = p?.dy ?? 0;
  const dx = p?.dx ?? 0;
  const flip = p?.flip ?? false;
  // Channel-specialised loops: this is the stream's hot path (see npm run bench:data).
  const t0 = tables[0];
  const t1 = tables[1] ?? t0;
  const t2 = tables[2] ?? t0;
  if (dy === 0 && dx === 0 && !flip) {
    const n = H * W * C;
    if (C === 1) for (let i = 0; i < n; i++) out[o + i] = t0[img[base + i]];
    else if (C === 3) {
      for (let i = 0; i < n; i += 3) {
        out[o + i] = t0[img[base + i]];
        out[o + i + 1] = t1[img[base + i + 1]];
        out[o + i + 2] = t2[img[base + i + 2]];
      }
    } else for (let i = 0; i < n; i++) out[o + i] = tables[i % C][img[base + i]];
    return;
  }
  for (let y = 0; y < H; y++) {
    const sy = y + dy;
    const rowOut = o + y * W * C;
    const rowIn = base + sy * W * C;
    const inside = sy >= 0 && sy < H;
    for (let x = 0; x < W; x++) {
      const sx = (flip ? W - 1 - x : x) + dx;
      const d = rowOut + x * C;
      if (C === 1) {
        out[d] = t0[inside && sx >= 0 && sx < W ? img[rowIn + sx] : 0];
      } else if (inside && sx >= 0 && sx < W) {
        const s = rowIn + sx * C;
        if (C === 3) {
          out[d] = t0[img[s]];
          out[d + 1] = t1[img[s + 1]];
          out[d + 2] = t2[img[s + 2]];
        } else {
          for (let c = 0; c < C; c++) out[d + c] = tables[c][img[s + c]];
        }
      } else {
        for (let c = 0; c < C; c++) out[d + c] = tables[c][0];
      }
    }
  }
}

/** The given images, normalised, no augmentation: for evaluation and benchmarks. */
export function normalizeBatch(set: ImageSet, info: DatasetInfo, indices: ArrayLike<number>): Float32Array {
  const tables = channelTables(info, set.channels);
  const out = new Float32Array(indices.length * set.height * set.width * set.channels);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i];
    if (!(Number.isInteger(src) && src >= 0 && src < set.count)) throw new RangeError(`normalizeBatch: index ${src} is not in 0..${set.count - 1}`);
    writeImage(set, tables, src, out, i);
  }
  return out;
}
