import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { create } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, DataError, loadDataset, readCifar } from '../../src-main/core/data/index';
import { cifarRecord, pixel, tempDir, writeCifar10 } from './fixtures';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** Image k of the set must be pixel(k + offset, ...) in HWC order. */
function expectPixels(images: Uint8Array, k: number, seed: number) {
  const base = k * 3072;
  for (const [y, x, c] of [[0, 0, 0], [0, 0, 2], [5, 17, 1], [31, 31, 2], [12, 3, 0]]) {
    expect(images[base + (y * 32 + x) * 3 + c]).toBe(pixel(seed, y, x, c));
  }
}

describe('CIFAR-10 binary', () => {
  const dir = path.join(tmp.dir, 'c10');
  const labels = writeCifar10(dir, 4);
  const archive = path.join(tmp.dir, 'cifar-10-binary.tar.gz');

  it('reads the extracted folder: planar records become HWC with their labels', async () => {
    const c = await readCifar(dir, 'cifar10');
    expect([c.train.count, c.test.count]).toEqual([20, 4]);
    expect(Array.from(c.train.labels)).toEqual(labels.train);
    expect(Array.from(c.test.labels)).toEqual(labels.test);
    expect(c.classNames).toEqual(CIFAR10_CLASSES);
    expectPixels(c.train.images, 0, 0);
    expectPixels(c.train.images, 13, 13); // data_batch_4, record 1
    expectPixels(c.test.images, 3, 23);
  });

  it('reads straight from the official .tar.gz, identically', async () => {
    await create({ gzip: true, file: archive, cwd: dir, portable: true }, ['cifar-10-batches-bin']);
    const fromDir = await readCifar(dir, 'cifar10');
    const fromTar = await readCifar(archive, 'cifar10');
    expect(Buffer.from(fromTar.train.images).equals(Buffer.from(fromDir.train.images))).toBe(true);
    expect(Array.from(fromTar.test.labels)).toEqual(labels.test);
  });

  it('loads as the cifar10 registry entry from <root>/cifar10', async () => {
    const root = path.join(tmp.dir, 'root');
    writeCifar10(path.join(root, 'cifar10'), 10);
    const ds = await loadDataset('cifar10', { root, valFraction: 0.2 });
    expect([ds.train.count, ds.val.count, ds.test.count]).toEqual([40, 10, 10]);
    expect([ds.info.channels, ds.info.flip, ds.info.cropPadding]).toEqual([3, true, 4]);
  });

  it('a file whose length is not a multiple of the record size', async () => {
    const bad = path.join(tmp.dir, 'c10-bad');
    writeCifar10(bad, 2);
    const f = path.join(bad, 'cifar-10-batches-bin', 'data_batch_3.bin');
    writeFileSync(f, readFileSync(f).subarray(0, 3073 + 100));
    await expect(readCifar(bad, 'cifar10')).rejects.toThrow(`${f}: length 3173 is not a multiple of the 3073-byte cifar10 record`);
  });

  it('a label out of range', async () => {
    const bad = path.join(tmp.dir, 'c10-label');
    writeCifar10(bad, 2);
    const f = path.join(bad, 'cifar-10-batches-bin', 'test_batch.bin');
    writeFileSync(f, Buffer.concat([cifarRecord([1], 0), cifarRecord([12], 1)]));
    await expect(readCifar(bad, 'cifar10')).rejects.toThrow(`${f}: label 12 of record 1 is out of range 0..9`);
  });

  it('a missing batch file and a truncated archive', async () => {
    const bad = path.join(tmp.dir, 'c10-missing', 'cifar-10-batches-bin');
    mkdirSync(bad, { recursive: true });
    await expect(readCifar(path.dirname(bad), 'cifar10')).rejects.toThrow(`${path.join(bad, 'data_batch_1.bin')}: missing`);
    const cut = path.join(tmp.dir, 'cut.tar.gz');
    const whole = readFileSync(archive);
    writeFileSync(cut, whole.subarray(0, whole.length >> 1));
    const err = await readCifar(cut, 'cifar10').catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe(`${cut}: cannot read the tar archive (zlib: unexpected end of file); it is truncated or corrupt`);
  });
});

describe('CIFAR-100 binary', () => {
  it('reads coarse and fine labels from the 2-byte label layout, from the .tar.gz', async () => {
    const dir = path.join(tmp.dir, 'c100', 'cifar-100-binary');
    mkdirSync(dir, { recursive: true });
    const rec = (i: number) => cifarRecord([i % 20, (i * 7) % 100], 100 + i);
    writeFileSync(path.join(dir, 'train.bin'), Buffer.concat([0, 1, 2, 3, 4, 5].map(rec)));
    writeFileSync(path.join(dir, 'test.bin'), Buffer.concat([6, 7].map(rec)));
    const fine = Array.from({ length: 100 }, (_, i) => `fine${i}`);
    writeFileSync(path.join(dir, 'fine_label_names.txt'), fine.join('\n') + '\n');
    writeFileSync(path.join(dir, 'coarse_label_names.txt'), Array.from({ length: 20 }, (_, i) => `coarse${i}`).join('\n'));
    const archive = path.join(tmp.dir, 'cifar-100-binary.tar.gz');
    await create({ gzip: true, file: archive, cwd: path.dirname(dir), portable: true }, ['cifar-100-binary']);
    const c = await readCifar(archive, 'cifar100');
    expect(Array.from(c.train.labels)).toEqual([0, 7, 14, 21, 28, 35]);
    expect(Array.from(c.trainCoarse!)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(c.testCoarse!)).toEqual([6, 7]);
    expect(c.classNames).toEqual(fine);
    expect(c.coarseClassNames![19]).toBe('coarse19');
    expectPixels(c.train.images, 5, 105);
    expectPixels(c.test.images, 1, 107);
  });
});
