/** Picking items out of an ImageSet: the building block of splits, class filters and limits. */
import type { ImageSet } from './types';

/** A new ImageSet holding the given items in the given order, labels passed through `relabel`. */
export function takeItems(set: ImageSet, indices: ArrayLike<number>, relabel?: (label: number) => number): ImageSet {
  const n = indices.length;
  const per = set.height * set.width * set.channels;
  const images = new Uint8Array(n * per);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = indices[i];
    images.set(set.images.subarray(src * per, (src + 1) * per), i * per);
    labels[i] = relabel ? relabel(set.labels[src]) : set.labels[src];
  }
  return { images, labels, count: n, height: set.height, width: set.width, channels: set.channels };
}

/** Number of items of each class 0..numClasses-1. */
export function classCounts(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}
