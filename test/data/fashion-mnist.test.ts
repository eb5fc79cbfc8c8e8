import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEBIAN_FASHION_MNIST, FASHION_MNIST_CLASSES, channelStats, classCounts, embeddedFashionMnistDir, loadDataset,
  readIdxImages, readIdxLabels,
} from '../../src-main/core/data/index';

const debian = existsSync(path.join(DEBIAN_FASHION_MNIST, 'train-images-idx3-ubyte.gz'));
const trainImagesGz = path.join(DEBIAN_FASHION_MNIST, 'train-images-idx3-ubyte.gz');

/** An independent reader: the system's python3 and its gzip module, pixels of image i as a list. */
function pythonPixels(file: string, indices: number[]): { pixels: number[][]; labels: number[] } {
  const script = `
import gzip, json, struct, sys
f, lf, idx = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
d = gzip.open(f).read(); l = gzip.open(lf).read()
n, h, w = struct.unpack('>III', d[4:16])
print(json.dumps({'pixels': [list(d[16 + i*h*w: 16 + (i+1)*h*w]) for i in idx], 'labels': [l[8 + i] for i in idx]}))`;
  const out = execFileSync('python3', ['-c', script, file, file.replace('images-idx3', 'labels-idx1'), JSON.stringify(indices)], { encoding: 'utf8' });
  return JSON.parse(out);
}

describe.skipIf(!debian)("Debian's full Fashion-MNIST", () => {
  it('reads the full train split: 60,000 images, exactly 6,000 per class; test 10,000 with 1,000 per class', async () => {
    const ds = await loadDataset('fashion-mnist', { valFraction: 0 });
    expect(ds.info.source).toBe(`debian:${DEBIAN_FASHION_MNIST}`);
    expect(ds.info.classNames).toEqual(FASHION_MNIST_CLASSES);
    expect([ds.train.count, ds.val.count, ds.test.count]).toEqual([60000, 0, 10000]);
    expect(ds.train.images.length).toBe(60000 * 28 * 28);
    expect(classCounts(ds.train.labels, 10)).toEqual(new Array(10).fill(6000));
    expect(classCounts(ds.test.labels, 10)).toEqual(new Array(10).fill(1000));
    // The registry's normalisation constants are the train split's real statistics.
    const s = channelStats(ds.train);
    expect(s.mean[0]).toBeCloseTo(ds.info.mean[0], 3);
    expect(s.std[0]).toBeCloseTo(ds.info.std[0], 3);
  });

  it('pixels and labels equal those read by python3 gzip', () => {
    const idx = [0, 1, 12345, 42424, 59999];
    const ours = readIdxImages(trainImagesGz);
    const labels = readIdxLabels(trainImagesGz.replace('images-idx3', 'labels-idx1'));
    const py = pythonPixels(trainImagesGz, idx);
    idx.forEach((i, k) => {
      expect(Array.from(ours.images.subarray(i * 784, (i + 1) * 784))).toEqual(py.pixels[k]);
      expect(labels[i]).toBe(py.labels[k]);
    });
    expect(py.pixels[0].some((v) => v > 0)).toBe(true);
  });

  it('default split holds out a stratified 10% validation set', async () => {
    const ds = await loadDataset('fashion-mnist');
    expect([ds.train.count, ds.val.count, ds.test.count]).toEqual([54000, 6000, 10000]);
    expect(classCounts(ds.val.labels, 10)).toEqual(new Array(10).fill(600));
  });
});

describe('embedded Fashion-MNIST subset', () => {
  const dir = embeddedFashionMnistDir();
  const meta = JSON.parse(readFileSync(path.join(dir, 'selection.json'), 'utf8'));

  it('is a class-balanced 10,000 train + 2,000 test', async () => {
    const ds = await loadDataset('fashion-mnist', { prefer: 'embedded', valFraction: 0 });
    expect(ds.info.source).toBe(`embedded:${dir}`);
    expect([ds.train.count, ds.test.count]).toEqual([10000, 2000]);
    expect(classCounts(ds.train.labels, 10)).toEqual(new Array(10).fill(1000));
    expect(classCounts(ds.test.labels, 10)).toEqual(new Array(10).fill(200));
    expect(meta.selection.trainIndices).toHaveLength(10000);
  });

  it.skipIf(!debian)('holds exactly the Debian images named in selection.json', async () => {
    const sub = await loadDataset('fashion-mnist', { prefer: 'embedded', valFraction: 0 });
    const full = readIdxImages(trainImagesGz);
    const fullLabels = readIdxLabels(trainImagesGz.replace('images-idx3', 'labels-idx1'));
    for (const k of [0, 1, 4999, 9999]) {
      const i = meta.selection.trainIndices[k];
      expect(Buffer.from(sub.train.images.subarray(k * 784, (k + 1) * 784)).equals(Buffer.from(full.images.subarray(i * 784, (i + 1) * 784)))).toBe(true);
      expect(sub.train.labels[k]).toBe(fullLabels[i]);
    }
  });

  it('keeps only the chosen classes, relabelled in the given order (split-transfer protocol)', async () => {
    const ds = await loadDataset('fashion-mnist', { prefer: 'embedded', classes: [5, 6, 7, 8, 9], valFraction: 0.1 });
    expect(ds.info.classNames).toEqual(FASHION_MNIST_CLASSES.slice(5));
    expect(classCounts(ds.train.labels, 5)).toEqual(new Array(5).fill(900));
    expect(classCounts(ds.val.labels, 5)).toEqual(new Array(5).fill(100));
    expect(classCounts(ds.test.labels, 5)).toEqual(new Array(5).fill(200));
  });
});
