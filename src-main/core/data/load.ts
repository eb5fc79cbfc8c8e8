/** loadDataset: a registry name -> a Dataset with train/val/test splits in memory. */
import { CATALOG } from './catalog';
import { DataError } from './errors';
import { readCifar } from './cifar';
import { readIdxPair } from './idx';
import { readImageFolder } from './image-folder';
import { idxFilesIn, locate } from './locate';
import { indicesSha256, makeSplits } from './split';
import { readTinyImageNet } from './tiny-imagenet';
import type { Dataset, DatasetInfo, ImageSet, LoadOptions, ValidationSplit } from './types';

/** Everything a reader gives before splitting. */
interface RawDataset {
  train: ImageSet;
  test: ImageSet;
  info: DatasetInfo;
}

export async function loadDataset(name: string, opts: LoadOptions = {}): Promise<Dataset> {
  const raw = await readRaw(name, opts);
  const numClasses = raw.info.classNames.length;
  const valFraction = opts.valFraction ?? 0.1;
  const seed = opts.seed ?? 0;
  const { valIndices, ...splits } = makeSplits(raw.train, raw.test, numClasses, { valFraction, seed, classes: opts.classes, limit: opts.limit });
  const classNames = opts.classes ? opts.classes.map((c) => raw.info.classNames[c]) : raw.info.classNames;
  const valSplit: ValidationSplit = {
    dataset: name, seed, valFraction, ...(opts.classes ? { classes: opts.classes } : {}), size: valIndices.length, indicesSha256: indicesSha256(valIndices),
  };
  return { info: { ...raw.info, classNames }, ...splits, valSplit };
}

async function readRaw(name: string, opts: LoadOptions): Promise<RawDataset> {
  const loc = locate(name, opts.root, opts.prefer);
  const source = `${loc.kind}:${loc.path}`;
  if (loc.kind === 'folder') return readImageFolder(loc.path, name);
  const entry = CATALOG[name];
  const info = (classNames: string[]): DatasetInfo => ({
    name, source, classNames, height: entry.height, width: entry.width, channels: entry.channels,
    mean: entry.mean, std: entry.std, flip: entry.flip, cropPadding: entry.cropPadding,
  });
  switch (name) {
    case 'fashion-mnist':
    case 'mnist': {
      const f = idxFilesIn(loc.path)!;
      const n = entry.classNames.length;
      const train = readIdxPair(f.trainImages, f.trainLabels, n);
      const test = readIdxPair(f.testImages, f.testLabels, n);
      checkShape(train, entry.height, entry.width, f.trainImages);
      checkShape(test, entry.height, entry.width, f.testImages);
      return { train, test, info: info(entry.classNames) };
    }
    case 'cifar10':
    case 'cifar100': {
      const c = await readCifar(loc.path, name);
      return { train: c.train, test: c.test, info: info(c.classNames) };
    }
    case 'tiny-imagenet': {
      const t = await readTinyImageNet(loc.path);
      return { train: t.train, test: t.test, info: info(t.classNames) };
    }
  }
  throw new Error(`no reader for dataset "${name}"`);
}

function checkShape(set: ImageSet, height: number, width: number, file: string): void {
  if (set.height !== height || set.width !== width) {
    throw new DataError(file, `images are ${set.height}x${set.width}, expected ${height}x${width}`);
  }
}

