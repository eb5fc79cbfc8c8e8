/**
 * PNG and JPEG files -> RGB pixels, through pngjs and jpeg-js (pure JS, install offline).
 * A file that is neither, or that does not decode completely, is a DataError naming it.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError } from './errors';
import { readRaw } from './read-file';

export interface RgbImage {
  width: number;
  height: number;
  /** [height, width, 3], row-major. */
  rgb: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function decodeImageFile(file: string): RgbImage {
  return decodeImage(readRaw(file), file);
}

/** Decodes PNG or JPEG bytes (sniffed from the content, not the extension). */
export function decodeImage(buf: Uint8Array, file: string): RgbImage {
  if (PNG_SIGNATURE.every((b, i) => buf[i] === b)) return decodePng(buf, file);
  if (buf[0] === 0xff && buf[1] === 0xd8) return decodeJpeg(buf, file);
  throw new DataError(file, 'is neither a PNG nor a JPEG image (unrecognised signature)');
}

function decodePng(buf: Uint8Array, file: string): RgbImage {
  let png: { width: number; height: number; data: Buffer };
  try {
    png = PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  } catch (err) {
    throw new DataError(file, `corrupt PNG (${(err as Error).message})`);
  }
  // pngjs always gives RGBA; alpha is dropped (composited on black would invent data).
  const n = png.width * png.height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    rgb[3 * i] = png.data[4 * i];
    rgb[3 * i + 1] = png.data[4 * i + 1];
    rgb[3 * i + 2] = png.data[4 * i + 2];
  }
  return { width: png.width, height: png.height, rgb };
}

function decodeJpeg(buf: Uint8Array, file: string): RgbImage {
  // jpeg-js decodes a cut-off scan without complaint, so insist on the end-of-image marker.
  if (!hasEndMarker(buf)) throw new DataError(file, 'corrupt JPEG (no end-of-image marker: the file is truncated)');
  try {
    const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxResolutionInMP: 50, maxMemoryUsageInMB: 256 });
    if (img.width === 0 || img.height === 0 || img.data.length !== img.width * img.height * 3) {
      throw new Error(`decoded to ${img.width}x${img.height} with ${img.data.length} bytes`);
    }
    return { width: img.width, height: img.height, rgb: img.data };
  } catch (err) {
    throw new DataError(file, `corrupt JPEG (${(err as Error).message})`);
  }
}

/** FF D9 within the last few bytes (some writers pad after it). */
function hasEndMarker(buf: Uint8Array): boolean {
  for (let i = buf.length - 2; i >= Math.max(0, buf.length - 64); i--) {
    if (buf[i] === 0xff && buf[i + 1] === 0xd9) return true;
  }
  return false;
}
