/** Writers for test inputs in the exact official layouts (shared by the data tests). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { encodeIdx } from '../../src-main/core/data/idx';

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'skipvit-data-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A deterministic pixel value for (image, y, x, channel). */
export function pixel(i: number, y: number, x: number, c = 0): number {
  return (i * 37 + y * 11 + x * 5 + c * 71) % 256;
}

/** An image set's raw bytes built from `pixel`, NHWC. */
export function syntheticImages(count: number, h: number, w: number, c: number): Uint8Array {
  const out = new Uint8Array(count * h * w * c);
  let k = 0;
  for (let i = 0; i < count; i++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) out[k++] = pixel(i, y, x, ch);
  return out;
}

/** Writes the four IDX files of an MNIST-style dataset (gzipped unless `plain`). */
export function writeIdxDataset(
  dir: string,
  opts: { train: number; test: number; classes?: number; side?: number; plain?: boolean },
): { trainLabels: Uint8Array; testLabels: Uint8Array } {
  const side = opts.side ?? 28;
  const classes = opts.classes ?? 10;
  mkdirSync(dir, { recursive: true });
  const labelsOf = (n: number, salt: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + salt) % classes);
  const out = { trainLabels: labelsOf(opts.train, 3), testLabels: labelsOf(opts.test, 5) };
  const write = (name: string, data: Buffer) =>
    writeFileSync(path.join(dir, opts.plain ? name : `${name}.gz`), opts.plain ? data : gzipSync(data));
  write('train-images-idx3-ubyte', encodeIdx([opts.train, side, side], syntheticImages(opts.train, side, side, 1)));
  write('train-labels-idx1-ubyte', encodeIdx([opts.train], out.trainLabels));
  write('t10k-images-idx3-ubyte', encodeIdx([opts.test, side, side], syntheticImages(opts.test, side, side, 1)));
  write('t10k-labels-idx1-ubyte', encodeIdx([opts.test], out.testLabels));
  return out;
}

/**
 * One CIFAR binary record: label byte(s), then 1024 R, 1024 G, 1024 B (planar, row-major 32x32),
 * with pixel values from `pixel(seedImage, y, x, c)`.
 */
export function cifarRecord(labels: number[], seedImage: number): Buffer {
  const rec = Buffer.alloc(labels.length + 3072);
  labels.forEach((l, i) => (rec[i] = l));
  for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) rec[labels.length + c * 1024 + y * 32 + x] = pixel(seedImage, y, x, c);
  return rec;
}

/** Writes cifar-10-batches-bin/ under `dir` with `perBatch` records per file; returns the labels in file order. */
export function writeCifar10(dir: string, perBatch: number): { train: number[]; test: number[] } {
  const folder = path.join(dir, 'cifar-10-batches-bin');
  mkdirSync(folder, { recursive: true });
  const train: number[] = [];
  const test: number[] = [];
  let img = 0;
  const batch = (labels: number[], n: number) =>
    Buffer.concat(
      Array.from({ length: n }, () => {
        const l = (img * 3) % 10;
        labels.push(l);
        return cifarRecord([l], img++);
      }),
    );
  for (let b = 1; b <= 5; b++) writeFileSync(path.join(folder, `data_batch_${b}.bin`), batch(train, perBatch));
  writeFileSync(path.join(folder, 'test_batch.bin'), batch(test, perBatch));
  writeFileSync(path.join(folder, 'batches.meta.txt'), 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n');
  return { train, test };
}

/** An RGB image made of flat 8x8 blocks (so JPEG reproduces it within a few levels): colour of block (by, bx). */
export function blockColour(seed: number, by: number, bx: number): [number, number, number] {
  return [(seed * 53 + by * 31) % 256, (seed * 17 + bx * 29 + 40) % 256, (seed * 97 + (by + bx) * 13 + 80) % 256];
}

export function blockImageRgba(seed: number, width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = blockColour(seed, y >> 3, x >> 3);
      data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return data;
}

/** A real JPEG file (jpeg-js encoder, quality 100) of `blockImageRgba(seed)`. */
export function writeJpeg(file: string, seed: number, width = 64, height = 64): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, jpeg.encode({ data: blockImageRgba(seed, width, height), width, height }, 100).data);
}

/** A real PNG file (pngjs) of `blockImageRgba(seed)`. */
export function writePng(file: string, seed: number, width: number, height: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const png = new PNG({ width, height });
  blockImageRgba(seed, width, height).copy(png.data);
  writeFileSync(file, PNG.sync.write(png));
}

/**
 * A small tiny-imagenet-200/ tree: `wnids` classes with `perClass` train JPEGs each (seeds
 * 100*class + k) and `val` validation JPEGs (seed 1000 + k, class k % wnids).
 */
export function writeTinyImageNet(dir: string, wnids: string[], perClass: number, val: number): void {
  const root = path.join(dir, 'tiny-imagenet-200');
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, 'wnids.txt'), wnids.join('\n') + '\n');
  writeFileSync(path.join(root, 'words.txt'), ['n00000001\tentity', ...wnids.map((w, i) => `${w}\tthing${i}, other name`)].join('\n') + '\n');
  wnids.forEach((w, c) => {
    for (let k = 0; k < perClass; k++) writeJpeg(path.join(root, 'train', w, 'images', `${w}_${k}.JPEG`), 100 * c + k);
    writeFileSync(path.join(root, 'train', w, `${w}_boxes.txt`), '');
  });
  const ann: string[] = [];
  for (let k = 0; k < val; k++) {
    writeJpeg(path.join(root, 'val', 'images', `val_${k}.JPEG`), 1000 + k);
    ann.push(`val_${k}.JPEG\t${wnids[k % wnids.length]}\t0\t0\t63\t63`);
  }
  writeFileSync(path.join(root, 'val', 'val_annotations.txt'), ann.join('\n') + '\n');
  writeJpeg(path.join(root, 'test', 'images', 'test_0.JPEG'), 5000);
}
