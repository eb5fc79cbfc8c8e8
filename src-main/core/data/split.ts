/**
 * Turns the raw train/test sets of a dataset into the train/val/test splits of LoadOptions:
 * class filter (with relabelling), a class-stratified validation hold-out with a fixed seed,
 * then optional caps. Kept items stay in file order, so valFraction 0 gives the file unchanged.
 */
import { createHash } from 'node:crypto';
import { mixSeed, Rng } from '../util/rng';
import { takeItems } from './subset';
import type { ImageSet } from './types';

export interface SplitOptions {
  valFraction: number;
  seed: number;
  /** Original class ids to keep, in their new order. */
  classes?: number[];
  limit?: { train?: number; test?: number };
}

export interface Splits {
  train: ImageSet;
  val: ImageSet;
  test: ImageSet;
  /** The held-out items' indices into trainAll, ascending (what a model records of its validation split). */
  valIndices: number[];
}

export function makeSplits(trainAll: ImageSet, testAll: ImageSet, numClasses: number, opts: SplitOptions): Splits {
  if (!(opts.valFraction >= 0 && opts.valFraction < 1)) throw new Error(`valFraction must be in [0, 1), got ${opts.valFraction}`);
  const map = classMap(numClasses, opts.classes);
  const relabel = (l: number) => map[l];
  const trainIdx = keptIndices(trainAll.labels, map);
  const testIdx = keptIndices(testAll.labels, map);

  // Stratified hold-out: the same fraction of every class, chosen by a per-class seeded shuffle.
  const isVal = new Uint8Array(trainAll.count);
  const byClass = new Map<number, number[]>();
  for (const i of trainIdx) {
    const c = trainAll.labels[i];
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  }
  for (const [c, items] of byClass) {
    const nVal = Math.round(items.length * opts.valFraction);
    const perm = new Rng(mixSeed(opts.seed, c, 1)).permutation(items.length);
    for (let k = 0; k < nVal; k++) isVal[items[perm[k]]] = 1;
  }
  const trainKeep = capped(trainIdx.filter((i) => !isVal[i]), opts.limit?.train, mixSeed(opts.seed, 2));
  const valKeep = trainIdx.filter((i) => isVal[i]);
  const testKeep = capped(testIdx, opts.limit?.test, mixSeed(opts.seed, 3));
  return {
    train: takeItems(trainAll, trainKeep, relabel),
    val: takeItems(trainAll, valKeep, relabel),
    test: takeItems(testAll, testKeep, relabel),
    valIndices: valKeep,
  };
}

/** old class id -> new id, or -1 when dropped. */
function classMap(numClasses: number, classes?: number[]): Int32Array {
  const map = new Int32Array(numClasses).fill(-1);
  if (!classes) {
    for (let c = 0; c < numClasses; c++) map[c] = c;
    return map;
  }
  classes.forEach((c, k) => {
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new Error(`classes: ${c} is not a class id 0..${numClasses - 1}`);
    if (map[c] !== -1) throw new Error(`classes: ${c} is listed twice`);
    map[c] = k;
  });
  return map;
}

function keptIndices(labels: Int32Array, map: Int32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (map[labels[i]] >= 0) out.push(i);
  return out;
}

/** The first `limit` items after a seeded shuffle, back in file order. */
function capped(indices: number[], limit: number | undefined, seed: number): number[] {
  if (limit === undefined || limit >= indices.length) return indices;
  if (!(Number.isInteger(limit) && limit >= 0)) throw new Error(`limit must be a non-negative integer, got ${limit}`);
  const perm = new Rng(seed).permutation(indices.length);
  return Array.from(perm.subarray(0, limit), (k) => indices[k]).sort((a, b) => a - b);
}

/** The identity of a split: sha256 of its indices, ascending, as little-endian uint32. */
export function indicesSha256(indices: ArrayLike<number>): string {
  const sorted = Uint32Array.from(indices).sort();
  const bytes = new Uint8Array(sorted.length * 4);
  const view = new DataView(bytes.buffer);
  sorted.forEach((v, i) => view.setUint32(i * 4, v, true));
  return createHash('sha256').update(bytes).digest('hex');
}
