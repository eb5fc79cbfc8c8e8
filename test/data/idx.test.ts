import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, encodeIdx, loadDataset, readIdxImages, readIdxLabels, readIdxPair } from '../../src-main/core/data/index';
import { pixel, tempDir, writeIdxDataset } from './fixtures';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('IDX reader', () => {
  it('reads gzipped and plain files to the same pixels and labels', () => {
    const gz = path.join(tmp.dir, 'gz');
    const plain = path.join(tmp.dir, 'plain');
    const labels = writeIdxDataset(gz, { train: 30, test: 7, side: 5 });
    writeIdxDataset(plain, { train: 30, test: 7, side: 5, plain: true });
    for (const [dir, suffix] of [[gz, '.gz'], [plain, '']]) {
      const img = readIdxImages(path.join(dir, `train-images-idx3-ubyte${suffix}`));
      expect([img.count, img.height, img.width]).toEqual([30, 5, 5]);
      expect(img.images[17 * 25 + 3 * 5 + 4]).toBe(pixel(17, 3, 4));
      expect(img.images[29 * 25 + 24]).toBe(pixel(29, 4, 4));
      expect(Array.from(readIdxLabels(path.join(dir, `t10k-labels-idx1-ubyte${suffix}`)))).toEqual(Array.from(labels.testLabels));
    }
  });

  it('loads an IDX dataset as mnist from the data root with file-order labels when valFraction is 0', async () => {
    const { trainLabels } = writeIdxDataset(path.join(tmp.dir, 'root', 'mnist'), { train: 50, test: 10 });
    const ds = await loadDataset('mnist', { root: path.join(tmp.dir, 'root'), valFraction: 0 });
    expect(ds.info.source).toBe(`download:${path.join(tmp.dir, 'root', 'mnist')}`);
    expect(ds.train.count).toBe(50);
    expect(Array.from(ds.train.labels)).toEqual(Array.from(trainLabels));
    expect(ds.train.images[49 * 784 + 27 * 28 + 27]).toBe(pixel(49, 27, 27));
    expect([ds.info.height, ds.info.width, ds.info.channels, ds.info.flip, ds.info.cropPadding]).toEqual([28, 28, 1, false, 2]);
  });
});

describe('IDX bad inputs name the file and the problem', () => {
  const dir = path.join(tmp.dir, 'bad');
  writeIdxDataset(dir, { train: 20, test: 5, side: 4, plain: true });
  const images = path.join(dir, 'train-images-idx3-ubyte');
  const labels = path.join(dir, 'train-labels-idx1-ubyte');
  const write = (name: string, data: Uint8Array) => {
    const f = path.join(dir, name);
    writeFileSync(f, data);
    return f;
  };
  const expectDataError = (fn: () => unknown, file: string, problem: RegExp) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(DataError);
      expect((err as DataError).file).toBe(file);
      expect((err as Error).message).toContain(file);
      expect((err as Error).message).toMatch(problem);
      return;
    }
    throw new Error('expected a DataError');
  };

  it('truncated images file', () => {
    const f = write('truncated', readFileSync(images).subarray(0, 16 + 20 * 16 - 7));
    expectDataError(() => readIdxImages(f), f, /truncated: header says \[20, 4, 4\] = 320 bytes of data, file has 313/);
  });
  it('truncated gzip stream', () => {
    const gz = gzipSync(readFileSync(images));
    const f = write('truncated.gz', gz.subarray(0, gz.length - 30));
    expectDataError(() => readIdxImages(f), f, /not a valid gzip stream.*truncated or corrupt/);
  });
  it('wrong IDX magic', () => {
    const f = write('magic', Buffer.from('PK\x03\x04 this is a zip, not idx'));
    expectDataError(() => readIdxImages(f), f, /wrong IDX magic 0x504b0304 \(expected 0x00000803\)/);
  });
  it('a labels file given where images are expected', () => {
    expectDataError(() => readIdxImages(labels), labels, /wrong IDX magic 0x00000801 \(expected 0x00000803\)/);
  });
  it('image and label counts that differ', () => {
    const f = write('labels-19', encodeIdx([19], new Uint8Array(19)));
    expectDataError(() => readIdxPair(images, f, 10), f, /has 19 labels but .* has 20 images/);
  });
  it('label out of range', () => {
    const l = new Uint8Array(20);
    l[13] = 10;
    const f = write('labels-oob', encodeIdx([20], l));
    expectDataError(() => readIdxPair(images, f, 10), f, /label 10 of item 13 is out of range 0\.\.9/);
  });
  it('trailing bytes after the data', () => {
    const f = write('trailing', Buffer.concat([readFileSync(images), Buffer.from([1, 2, 3])]));
    expectDataError(() => readIdxImages(f), f, /3 unexpected bytes after/);
  });
  it('path that does not exist', () => {
    const f = path.join(dir, 'nope-idx3-ubyte');
    expectDataError(() => readIdxImages(f), f, /does not exist/);
  });
});
