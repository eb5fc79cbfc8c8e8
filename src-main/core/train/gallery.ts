/**
 * A gallery of real test images with the layers each one ran, for the Skips view: images spread evenly
 * over the range of executed-layer counts (so both the easy, short paths and the hard, long ones show),
 * each as a base64 PNG of the original pixels.
 */
import { PNG } from 'pngjs';
import type { ImageSet } from '../data';
import type { GalleryItem } from '../results';

export type { GalleryItem };
import type { EvalResult } from './evaluate';


export function imagePng(set: ImageSet, index: number): string {
  const { height: H, width: W, channels: C } = set;
  const png = new PNG({ width: W, height: H });
  const base = index * H * W * C;
  for (let p = 0; p < H * W; p++) {
    for (let c = 0; c < 3; c++) png.data[p * 4 + c] = set.images[base + p * C + (C === 1 ? 0 : c)];
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png).toString('base64');
}

export function buildGallery(set: ImageSet, perSample: NonNullable<EvalResult['perSample']>, depth: number, count = 48): GalleryItem[] {
  const n = perSample.labels.length;
  const layers = (i: number) => perSample.executed.subarray(i * depth, (i + 1) * depth).reduce((a, b) => a + b, 0);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => layers(a) - layers(b) || a - b);
  const picks = new Set<number>();
  for (let k = 0; k < Math.min(count, n); k++) picks.add(order[Math.round((k * (n - 1)) / Math.max(1, Math.min(count, n) - 1))]);
  return [...picks].map((i) => ({
    index: i,
    label: perSample.labels[i],
    prediction: perSample.predictions[i],
    executed: Array.from(perSample.executed.subarray(i * depth, (i + 1) * depth)),
    image: imagePng(set, i),
  }));
}
