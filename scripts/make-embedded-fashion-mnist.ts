/**
 * Writes the embedded Fashion-MNIST subset shipped in resources/data/fashion-mnist-subset/ (SPEC 5:
 * a fresh machine with no network and no apt packages still has real data).
 *
 * Source: Debian's dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist). Selection:
 * per class, a seeded shuffle of that class's items takes the first 1,000 train and 200 test images;
 * the chosen items keep their original file order. Output: the four IDX files gzipped, plus
 * selection.json (source checksums, seed, chosen indices, output checksums) and a README.
 *
 *   npx tsx scripts/make-embedded-fashion-mnist.ts [--source DIR] [--out DIR]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { FASHION_MNIST_CLASSES } from '../src-main/core/data/catalog';
import { encodeIdx, readIdxPair } from '../src-main/core/data/idx';
import { DEBIAN_FASHION_MNIST, IDX_FILES, findIdxFile } from '../src-main/core/data/paths';
import { mixSeed, Rng } from '../src-main/core/util/rng';
import { channelStats } from '../src-main/core/data/stats';
import { takeItems } from '../src-main/core/data/subset';
import type { ImageSet } from '../src-main/core/data/types';

const SEED = 20240605;
const PER_CLASS = { train: 1000, test: 200 };

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const sourceDir = flag('source', DEBIAN_FASHION_MNIST);
const outDir = path.resolve(flag('out', path.join('resources', 'data', 'fashion-mnist-subset')));

function sourceFile(name: string): string {
  const f = findIdxFile(sourceDir, name);
  if (!f) throw new Error(`${path.join(sourceDir, name)}(.gz) not found: install Debian's dataset-fashion-mnist or pass --source`);
  return f;
}

const sha256 = (buf: Uint8Array) => createHash('sha256').update(buf).digest('hex');

/** The first `perClass` items of each class after a per-class seeded shuffle, in file order. */
function balancedSelection(set: ImageSet, perClass: number, salt: number): number[] {
  const chosen: number[] = [];
  for (let c = 0; c < FASHION_MNIST_CLASSES.length; c++) {
    const items: number[] = [];
    for (let i = 0; i < set.count; i++) if (set.labels[i] === c) items.push(i);
    if (items.length < perClass) throw new Error(`class ${c} has only ${items.length} items, need ${perClass}`);
    const perm = new Rng(mixSeed(SEED, salt, c)).permutation(items.length);
    for (let k = 0; k < perClass; k++) chosen.push(items[perm[k]]);
  }
  return chosen.sort((a, b) => a - b);
}

/** Writes via a temporary name so an interrupted run never leaves a half-written file. */
function writeAtomic(file: string, data: Uint8Array | string): void {
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
}

const sources = {
  trainImages: sourceFile(IDX_FILES.trainImages),
  trainLabels: sourceFile(IDX_FILES.trainLabels),
  testImages: sourceFile(IDX_FILES.testImages),
  testLabels: sourceFile(IDX_FILES.testLabels),
};
const full = {
  train: readIdxPair(sources.trainImages, sources.trainLabels, 10),
  test: readIdxPair(sources.testImages, sources.testLabels, 10),
};
const selection = {
  train: balancedSelection(full.train, PER_CLASS.train, 1),
  test: balancedSelection(full.test, PER_CLASS.test, 2),
};

mkdirSync(outDir, { recursive: true });
const outputs: Record<string, string> = {};
for (const split of ['train', 'test'] as const) {
  const sub = takeItems(full[split], selection[split]);
  const prefix = split === 'train' ? 'train' : 't10k';
  const files = {
    [`${prefix}-images-idx3-ubyte.gz`]: encodeIdx([sub.count, sub.height, sub.width], sub.images),
    [`${prefix}-labels-idx1-ubyte.gz`]: encodeIdx([sub.count], Uint8Array.from(sub.labels)),
  };
  for (const [name, raw] of Object.entries(files)) {
    const gz = gzipSync(raw, { level: 9 });
    writeAtomic(path.join(outDir, name), gz);
    outputs[name] = sha256(gz);
  }
}

const stats = channelStats(full.train);
const meta = {
  dataset: 'fashion-mnist',
  description: 'Fixed class-balanced subset of Fashion-MNIST (Zalando Research, MIT licence) embedded as the default dataset',
  source: {
    package: 'Debian dataset-fashion-mnist',
    dir: sourceDir,
    sha256: Object.fromEntries(Object.values(sources).map((f) => [path.basename(f), sha256(readFileSync(f))])),
    trainMean: stats.mean[0],
    trainStd: stats.std[0],
  },
  selection: {
    method: 'per class: seeded shuffle (mulberry32 via mixSeed(seed, split salt 1|2, class)), first N; indices kept in source order',
    seed: SEED,
    perClass: PER_CLASS,
    trainIndices: selection.train,
    testIndices: selection.test,
  },
  sha256: outputs,
  classNames: FASHION_MNIST_CLASSES,
};
writeAtomic(path.join(outDir, 'selection.json'), JSON.stringify(meta) + '\n');
writeAtomic(
  path.join(outDir, 'README.md'),
  `# Embedded Fashion-MNIST subset

A fixed, class-balanced subset of [Fashion-MNIST](https://github.com/zalandoresearch/fashion-mnist)
(Zalando Research, MIT licence): ${PER_CLASS.train * 10} train images (${PER_CLASS.train} per class) and
${PER_CLASS.test * 10} test images (${PER_CLASS.test} per class), 28x28 greyscale, in the original IDX format, gzipped.

It is the default dataset on a machine without Debian's \`dataset-fashion-mnist\` package and without network;
when the package is installed, \`fashion-mnist\` reads the full copy in ${DEBIAN_FASHION_MNIST} instead.

Made by \`npx tsx scripts/make-embedded-fashion-mnist.ts\` from Debian's package. \`selection.json\` records the
source files' SHA-256, the seed, the chosen indices into the source train / t10k files (in file order), and the
SHA-256 of the files here. Selection: for each class, a seeded shuffle of that class's items, first N taken.
`,
);
console.log(`wrote ${outDir}: train ${selection.train.length}, test ${selection.test.length}; train mean ${stats.mean[0].toFixed(4)} std ${stats.std[0].toFixed(4)}`);
