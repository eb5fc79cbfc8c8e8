/**
 * IDX reader (the MNIST / Fashion-MNIST format), gzipped or plain.
 *
 * Layout: two zero bytes, a type byte (0x08 = unsigned byte, the only type these datasets use),
 * the number of dimensions, then each dimension as a big-endian uint32, then the data row-major.
 * Images are 3-D [count, rows, cols] (magic 0x00000803), labels 1-D [count] (magic 0x00000801).
 */
import { DataError } from './errors';
import { readMaybeGz } from './read-file';
import type { ImageSet } from './types';

interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses an in-memory IDX file of unsigned bytes with `ndims` dimensions; `file` names it in errors. */
export function parseIdx(buf: Uint8Array, ndims: number, file: string): IdxArray {
  if (buf.length < 4) throw new DataError(file, `too short for an IDX header (${buf.length} bytes)`);
  const magic = ((buf[0] << 24) | (buf[1] << 16) | (buf[2] << 8) | buf[3]) >>> 0;
  const expected = 0x800 | ndims;
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new DataError(file, `wrong IDX magic 0x${hex(magic)} (expected 0x${hex(expected)}); not an IDX file`);
  }
  if (buf[2] !== 0x08) throw new DataError(file, `unsupported IDX data type 0x${buf[2].toString(16)} (expected 0x08, unsigned byte)`);
  if (buf[3] !== ndims) {
    throw new DataError(file, `wrong IDX magic 0x${hex(magic)} (expected 0x${hex(expected)}): ${buf[3]} dimensions, expected ${ndims}`);
  }
  const headerBytes = 4 + 4 * ndims;
  if (buf.length < headerBytes) throw new DataError(file, `truncated IDX header (${buf.length} of ${headerBytes} bytes)`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const size = dims.reduce((a, b) => a * b, 1);
  const have = buf.length - headerBytes;
  if (have < size) {
    throw new DataError(file, `truncated: header says [${dims.join(', ')}] = ${size} bytes of data, file has ${have}`);
  }
  if (have > size) throw new DataError(file, `${have - size} unexpected bytes after the [${dims.join(', ')}] data`);
  return { dims, data: buf.subarray(headerBytes, headerBytes + size) };
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}

export interface IdxImages {
  images: Uint8Array;
  count: number;
  height: number;
  width: number;
}

/** Reads an IDX image file (`*-images-idx3-ubyte[.gz]`). */
export function readIdxImages(file: string): IdxImages {
  const { dims, data } = parseIdx(readMaybeGz(file), 3, file);
  const [count, height, width] = dims;
  if (height === 0 || width === 0) throw new DataError(file, `images have an empty size ${height}x${width}`);
  return { images: data, count, height, width };
}

/** Reads an IDX label file (`*-labels-idx1-ubyte[.gz]`) as Int32 labels. */
export function readIdxLabels(file: string): Int32Array {
  const { data } = parseIdx(readMaybeGz(file), 1, file);
  return Int32Array.from(data);
}

/**
 * Reads an image file and its label file as one ImageSet (1 channel), checking that the counts
 * agree and every label is below `numClasses`.
 */
export function readIdxPair(imagesFile: string, labelsFile: string, numClasses: number): ImageSet {
  const img = readIdxImages(imagesFile);
  const labels = readIdxLabels(labelsFile);
  if (labels.length !== img.count) {
    throw new DataError(labelsFile, `has ${labels.length} labels but ${imagesFile} has ${img.count} images`);
  }
  checkLabels(labels, numClasses, labelsFile);
  return { images: img.images, labels, count: img.count, height: img.height, width: img.width, channels: 1 };
}

/** Throws a DataError naming the first label outside 0..numClasses-1. */
export function checkLabels(labels: ArrayLike<number>, numClasses: number, file: string): void {
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!(l >= 0 && l < numClasses)) {
      throw new DataError(file, `label ${l} of item ${i} is out of range 0..${numClasses - 1}`);
    }
  }
}

/** Encodes an IDX file of unsigned bytes (used to write the embedded subset and test fixtures). */
export function encodeIdx(dims: number[], data: Uint8Array): Buffer {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new Error(`encodeIdx: dims [${dims.join(', ')}] need ${size} bytes, got ${data.length}`);
  const out = Buffer.alloc(4 + 4 * dims.length + size);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => out.writeUInt32BE(d, 4 + 4 * i));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
