import { describe, expect, it } from 'vitest';
import {
  batchesPerEpoch, createBatchStream, makeSplits, normalizeBatch, type Batch, type DatasetInfo, type ImageSet,
} from '../../src-main/core/data/index';
import { pixel, syntheticImages } from './fixtures';

/** A set whose image i has label i % classes and pixels from `pixel(i, y, x, c)`. */
function set(count: number, side: number, channels: number, classes = 10): ImageSet {
  return {
    images: syntheticImages(count, side, side, channels),
    labels: Int32Array.from({ length: count }, (_, i) => i % classes),
    count, height: side, width: side, channels,
  };
}
function info(channels: number, flip: boolean, cropPadding: number): DatasetInfo {
  return {
    name: 'synthetic', source: 'test', classNames: Array.from({ length: 10 }, String), height: 0, width: 0, channels,
    mean: new Array(channels).fill(0.5), std: new Array(channels).fill(0.25), flip, cropPadding,
  };
}
async function collect(it: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}
const norm = (v: number) => Math.fround((v / 255 - 0.5) / 0.25);

describe('splits', () => {
  const train = set(1000, 2, 1);
  const test = set(200, 2, 1);

  it('holds out a stratified, seeded validation set disjoint from train', () => {
    const a = makeSplits(train, test, 10, { valFraction: 0.2, seed: 3 });
    const b = makeSplits(train, test, 10, { valFraction: 0.2, seed: 3 });
    const c = makeSplits(train, test, 10, { valFraction: 0.2, seed: 4 });
    expect([a.train.count, a.val.count, a.test.count]).toEqual([800, 200, 200]);
    // Image i's first pixel is pixel(i,0,0) = 37 i mod 256: identify items through (label, pixel).
    const key = (s: ImageSet, k: number) => `${s.labels[k]}:${s.images[k * 4]}:${s.images[k * 4 + 1]}`;
    const keys = (s: ImageSet) => Array.from({ length: s.count }, (_, k) => key(s, k));
    expect(keys(a.val)).toEqual(keys(b.val));
    expect(keys(a.val)).not.toEqual(keys(c.val));
    const trainKeys = new Set(keys(a.train));
    expect(keys(a.val).filter((k) => trainKeys.has(k))).toEqual([]);
    for (let cl = 0; cl < 10; cl++) expect(Array.from(a.val.labels).filter((l) => l === cl)).toHaveLength(20);
  });

  it('relabels kept classes in the given order and caps counts', () => {
    // Image i carries its index in its first two pixels.
    const tagged: ImageSet = { ...train, images: new Uint8Array(4000) };
    for (let i = 0; i < 1000; i++) tagged.images.set([i & 255, i >> 8], i * 4);
    const s = makeSplits(tagged, test, 10, { valFraction: 0, seed: 0, classes: [7, 2], limit: { train: 50, test: 9 } });
    expect([s.train.count, s.test.count]).toEqual([50, 9]);
    const originals = Array.from({ length: 50 }, (_, k) => s.train.images[k * 4] + 256 * s.train.images[k * 4 + 1]);
    expect(originals).toEqual([...originals].sort((a, b) => a - b)); // kept in file order
    originals.forEach((i, k) => {
      expect([2, 7]).toContain(i % 10);
      expect(s.train.labels[k]).toBe(i % 10 === 7 ? 0 : 1);
    });
    expect(() => makeSplits(train, test, 10, { valFraction: 0, seed: 0, classes: [10] })).toThrow(/classes: 10 is not a class id 0\.\.9/);
  });
});

describe('batch stream', () => {
  const s = set(103, 6, 3);
  const inf = info(3, true, 2);

  it('counts batches with and without dropLast', () => {
    expect(batchesPerEpoch(s, 10)).toBe(11);
    expect(batchesPerEpoch(s, 10, true)).toBe(10);
    expect(() => batchesPerEpoch(s, 0)).toThrow(/batchSize/);
  });

  it('visits every image once per epoch, shuffled by (seed, epoch), normalised exactly', async () => {
    const batches = await collect(createBatchStream(s, inf, { batchSize: 10, shuffle: true, augment: false, seed: 1 }));
    expect(batches.map((b) => b.size)).toEqual([...new Array(10).fill(10), 3]);
    const seen = batches.flatMap((b) => Array.from(b.indices));
    expect([...seen].sort((a, b) => a - b)).toEqual([...Array(103).keys()]);
    expect(seen).not.toEqual([...Array(103).keys()]);
    const b = batches[4];
    const i = b.indices[7];
    expect(b.y[7]).toBe(i % 10);
    expect(b.x[7 * 108 + (2 * 6 + 5) * 3 + 1]).toBe(norm(pixel(i, 2, 5, 1)));
    const again = await collect(createBatchStream(s, inf, { batchSize: 10, shuffle: true, augment: false, seed: 1 }));
    expect(again.flatMap((x) => Array.from(x.indices))).toEqual(seen);
    const epoch1 = await collect(createBatchStream(s, inf, { batchSize: 10, shuffle: true, augment: false, seed: 1, epoch: 1 }));
    expect(epoch1.flatMap((x) => Array.from(x.indices))).not.toEqual(seen);
  });

  it('resumes mid-epoch with identical batches, augmentation included', async () => {
    const opts = { batchSize: 16, shuffle: true, augment: true, seed: 9, epoch: 3, dropLast: true };
    const full = await collect(createBatchStream(s, inf, opts));
    const tail = await collect(createBatchStream(s, inf, { ...opts, startBatch: 4 }));
    expect(full).toHaveLength(6);
    expect(tail).toHaveLength(2);
    expect(Array.from(tail[0].x)).toEqual(Array.from(full[4].x));
    expect(Array.from(tail[1].indices)).toEqual(Array.from(full[5].indices));
  });

  it('augments with a random crop of the zero-padded image and a horizontal flip', async () => {
    const batches = await collect(createBatchStream(s, inf, { batchSize: 103, shuffle: false, augment: true, seed: 2 }));
    const x = batches[0].x;
    const per = 6 * 6 * 3;
    let flipped = 0;
    let shifted = 0;
    // Each output must equal some (dy, dx, flip) placement of its source image, padding reading raw 0.
    for (let i = 0; i < 103; i++) {
      const out = Array.from(x.subarray(i * per, (i + 1) * per));
      const matches: string[] = [];
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) for (const f of [false, true]) {
        const want: number[] = [];
        for (let y = 0; y < 6; y++) for (let xx = 0; xx < 6; xx++) for (let c = 0; c < 3; c++) {
          const sy = y + dy;
          const sx = (f ? 5 - xx : xx) + dx;
          want.push(norm(sy < 0 || sy > 5 || sx < 0 || sx > 5 ? 0 : pixel(i, sy, sx, c)));
        }
        if (want.every((v, k) => v === out[k])) matches.push(`${dy},${dx},${f}`);
      }
      expect(matches.length).toBeGreaterThan(0);
      if (matches.every((m) => m.endsWith('true'))) flipped++;
      if (!matches.includes('0,0,false') && !matches.includes('0,0,true')) shifted++;
    }
    expect(flipped).toBeGreaterThan(20);
    expect(shifted).toBeGreaterThan(50);
  });

  it('never flips when the dataset says flipping makes no sense', async () => {
    const noFlip = info(3, false, 0);
    const [b] = await collect(createBatchStream(s, noFlip, { batchSize: 103, shuffle: false, augment: true, seed: 2 }));
    expect(Array.from(b.x)).toEqual(Array.from(normalizeBatch(s, noFlip, [...Array(103).keys()])));
  });

  it('normalizeBatch copies the given images without augmentation and rejects bad indices', () => {
    const x = normalizeBatch(s, inf, [5, 0]);
    expect(x[0]).toBe(norm(pixel(5, 0, 0, 0)));
    expect(x[108 + 107]).toBe(norm(pixel(0, 5, 5, 2)));
    expect(() => normalizeBatch(s, inf, [103])).toThrow(/index 103 is not in 0\.\.102/);
  });
});
