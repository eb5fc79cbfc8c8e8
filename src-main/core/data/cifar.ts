/**
 * CIFAR-10 and CIFAR-100 binary versions, from the extracted folder or straight from the official
 * .tar.gz.
 *
 * CIFAR-10 record: 1 label byte + 3072 pixel bytes; files data_batch_1..5.bin, test_batch.bin,
 * batches.meta.txt (class names), in cifar-10-batches-bin/.
 * CIFAR-100 record: 1 coarse label byte, 1 fine label byte + 3072 pixel bytes; files train.bin,
 * test.bin, coarse_label_names.txt, fine_label_names.txt, in cifar-100-binary/.
 * Pixels are channel-planar: 1024 red, 1024 green, 1024 blue, each 32x32 row-major; we store NHWC.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES, CIFAR10_CLASSES } from './catalog';
import { DataError } from './errors';
import { readRaw } from './read-file';
import { readTarMembers } from './tar-files';
import type { ImageSet } from './types';

export type CifarKind = 'cifar10' | 'cifar100';
const SIDE = 32;
const PIXELS = SIDE * SIDE * 3;

const LAYOUT = {
  cifar10: {
    folder: 'cifar-10-batches-bin',
    train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
    test: ['test_batch.bin'],
    names: { fine: 'batches.meta.txt' },
  },
  cifar100: {
    folder: 'cifar-100-binary',
    train: ['train.bin'],
    test: ['test.bin'],
    names: { fine: 'fine_label_names.txt', coarse: 'coarse_label_names.txt' },
  },
} as const;

export interface CifarRecords {
  /** NHWC, 32x32x3. */
  images: Uint8Array;
  /** CIFAR-10 label, or CIFAR-100 fine label. */
  labels: Int32Array;
  /** CIFAR-100 only: the coarse (superclass) label of each image. */
  coarse?: Int32Array;
  count: number;
}

/** Parses the records of one .bin file; `file` names it in errors. */
export function parseCifarRecords(buf: Uint8Array, kind: CifarKind, file: string): CifarRecords {
  const labelBytes = kind === 'cifar10' ? 1 : 2;
  const record = labelBytes + PIXELS;
  if (buf.length === 0) throw new DataError(file, 'is empty');
  if (buf.length % record !== 0) {
    throw new DataError(file, `length ${buf.length} is not a multiple of the ${record}-byte ${kind} record (${Math.floor(buf.length / record)} whole records, ${buf.length % record} bytes left over)`);
  }
  const count = buf.length / record;
  const images = new Uint8Array(count * PIXELS);
  const labels = new Int32Array(count);
  const coarse = kind === 'cifar100' ? new Int32Array(count) : undefined;
  const fineClasses = kind === 'cifar10' ? 10 : 100;
  for (let i = 0; i < count; i++) {
    const r = i * record;
    const fine = buf[r + labelBytes - 1];
    if (fine >= fineClasses) throw new DataError(file, `label ${fine} of record ${i} is out of range 0..${fineClasses - 1}`);
    labels[i] = fine;
    if (coarse) {
      if (buf[r] >= 20) throw new DataError(file, `coarse label ${buf[r]} of record ${i} is out of range 0..19`);
      coarse[i] = buf[r];
    }
    // Planar RGB -> interleaved HWC.
    const src = r + labelBytes;
    const dst = i * PIXELS;
    for (let p = 0; p < SIDE * SIDE; p++) {
      images[dst + 3 * p] = buf[src + p];
      images[dst + 3 * p + 1] = buf[src + 1024 + p];
      images[dst + 3 * p + 2] = buf[src + 2048 + p];
    }
  }
  return { images, labels, coarse, count };
}

export interface CifarData {
  train: ImageSet;
  test: ImageSet;
  classNames: string[];
  /** CIFAR-100 only. */
  coarseClassNames?: string[];
  trainCoarse?: Int32Array;
  testCoarse?: Int32Array;
}

/**
 * Reads a CIFAR dataset from `location`: the official .tar.gz, the extracted cifar-10-batches-bin /
 * cifar-100-binary folder, or a folder holding that folder.
 */
export async function readCifar(location: string, kind: CifarKind): Promise<CifarData> {
  const layout = LAYOUT[kind];
  const files = await collectFiles(location, kind);
  const get = (name: string): { file: string; data: Buffer } => {
    const f = files.get(name);
    if (!f) throw new DataError(files.where(name), `missing (the ${kind} binary version has ${[...layout.train, ...layout.test].join(', ')})`);
    return f;
  };
  const join = (names: readonly string[]): { set: ImageSet; coarse?: Int32Array } => {
    const parts = names.map((n) => {
      const f = get(n);
      return parseCifarRecords(f.data, kind, f.file);
    });
    const count = parts.reduce((a, p) => a + p.count, 0);
    const images = new Uint8Array(count * PIXELS);
    const labels = new Int32Array(count);
    const coarse = kind === 'cifar100' ? new Int32Array(count) : undefined;
    let at = 0;
    for (const p of parts) {
      images.set(p.images, at * PIXELS);
      labels.set(p.labels, at);
      if (coarse && p.coarse) coarse.set(p.coarse, at);
      at += p.count;
    }
    return { set: { images, labels, count, height: SIDE, width: SIDE, channels: 3 }, coarse };
  };
  const train = join(layout.train);
  const test = join(layout.test);
  const names = (file: string, fallback: string[]): string[] => {
    const f = files.get(file);
    if (!f) return fallback;
    const list = f.data.toString('utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
    if (list.length !== fallback.length) throw new DataError(f.file, `lists ${list.length} class names, expected ${fallback.length}`);
    return list;
  };
  if (kind === 'cifar10') return { train: train.set, test: test.set, classNames: names(layout.names.fine, CIFAR10_CLASSES) };
  return {
    train: train.set,
    test: test.set,
    classNames: names(LAYOUT.cifar100.names.fine, CIFAR100_FINE_CLASSES),
    coarseClassNames: names(LAYOUT.cifar100.names.coarse, CIFAR100_COARSE_CLASSES),
    trainCoarse: train.coarse,
    testCoarse: test.coarse,
  };
}

interface FileSet {
  get(name: string): { file: string; data: Buffer } | undefined;
  /** How to name a file of this set in an error. */
  where(name: string): string;
}

async function collectFiles(location: string, kind: CifarKind): Promise<FileSet> {
  const layout = LAYOUT[kind];
  const wanted = new Set<string>([...layout.train, ...layout.test, ...Object.values(layout.names)]);
  if (!existsSync(location)) throw new DataError(location, 'does not exist');
  if (statSync(location).isFile()) {
    const members = await readTarMembers(location, (base) => wanted.has(base));
    return {
      get: (name) => (members.has(name) ? { file: `${location}:${layout.folder}/${name}`, data: members.get(name)! } : undefined),
      where: (name) => `${location}:${layout.folder}/${name}`,
    };
  }
  const dir = existsSync(path.join(location, layout.folder)) ? path.join(location, layout.folder) : location;
  return {
    get: (name) => {
      const file = path.join(dir, name);
      return existsSync(file) ? { file, data: readRaw(file) } : undefined;
    },
    where: (name) => path.join(dir, name),
  };
}
