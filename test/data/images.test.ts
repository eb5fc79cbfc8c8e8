import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, decodeImageFile, loadDataset, readImageFolder, readTinyImageNet } from '../../src-main/core/data/index';
import { blockColour, tempDir, writeJpeg, writePng, writeTinyImageNet } from './fixtures';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** Pixel (y, x) of image k in an NHWC RGB buffer is within `tol` of blockColour(seed). */
function expectBlocks(images: Uint8Array, k: number, side: number, seed: number, tol: number) {
  for (const [y, x] of [[0, 0], [4, 12], [20, 33], [side - 1, side - 1], [37, 2]].filter(([y, x]) => y < side && x < side)) {
    const want = blockColour(seed, y >> 3, x >> 3);
    const at = (k * side * side + y * side + x) * 3;
    for (let c = 0; c < 3; c++) expect(Math.abs(images[at + c] - want[c])).toBeLessThanOrEqual(tol);
  }
}

describe('Tiny-ImageNet-200', () => {
  const wnids = ['n01443537', 'n01629819', 'n01641577'];
  const dir = path.join(tmp.dir, 'tin');
  writeTinyImageNet(dir, wnids, 3, 4);

  it('reads train/<wnid>/images and val/ with val_annotations.txt, real JPEG pixels', async () => {
    const t = await readTinyImageNet(dir);
    expect(t.wnids).toEqual(wnids);
    expect(t.classNames).toEqual(['thing0', 'thing1', 'thing2']);
    expect([t.train.count, t.test.count, t.train.height, t.train.channels]).toEqual([9, 4, 64, 3]);
    expect(Array.from(t.train.labels)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    expect(Array.from(t.test.labels)).toEqual([0, 1, 2, 0]);
    expectBlocks(t.train.images, 4, 64, 101, 3); // class 1, image 1
    expectBlocks(t.test.images, 2, 64, 1002, 3);
  });

  it('loads as the tiny-imagenet registry entry from <root>/tiny-imagenet', async () => {
    const root = path.join(tmp.dir, 'root');
    writeTinyImageNet(path.join(root, 'tiny-imagenet'), wnids, 2, 3);
    const ds = await loadDataset('tiny-imagenet', { root, valFraction: 0.5 });
    expect([ds.train.count, ds.val.count, ds.test.count]).toEqual([3, 3, 3]);
    expect([ds.info.height, ds.info.cropPadding, ds.info.flip]).toEqual([64, 8, true]);
    expect(ds.info.classNames).toEqual(['thing0', 'thing1', 'thing2']);
  });

  it('missing wnids.txt', async () => {
    const bad = path.join(tmp.dir, 'tin-nownids');
    writeTinyImageNet(bad, wnids, 1, 1);
    const f = path.join(bad, 'tiny-imagenet-200', 'wnids.txt');
    rmSync(f);
    await expect(readTinyImageNet(bad)).rejects.toThrow(`${f}: missing: not a Tiny-ImageNet folder`);
  });

  it('corrupt JPEG, truncated JPEG and an empty class folder', async () => {
    const bad = path.join(tmp.dir, 'tin-bad');
    writeTinyImageNet(bad, wnids, 2, 1);
    const f = path.join(bad, 'tiny-imagenet-200', 'train', wnids[1], 'images', `${wnids[1]}_1.JPEG`);
    const good = readFileSync(f);
    const garbled = Buffer.from(good);
    garbled.fill(0xff, 2, 200); // header segments destroyed
    writeFileSync(f, garbled);
    await expect(readTinyImageNet(bad)).rejects.toThrow(new RegExp(`^${f}: corrupt JPEG`));
    writeFileSync(f, good.subarray(0, good.length >> 1));
    await expect(readTinyImageNet(bad)).rejects.toThrow(`${f}: corrupt JPEG (no end-of-image marker: the file is truncated)`);
    writeFileSync(f, good);
    const images = path.join(bad, 'tiny-imagenet-200', 'train', wnids[2], 'images');
    rmSync(images, { recursive: true });
    mkdirSync(images);
    await expect(readTinyImageNet(bad)).rejects.toThrow(`${images}: is an empty class folder (class ${wnids[2]})`);
  });
});

describe('image folder', () => {
  it('reads <root>/<class>/ PNG (exact) and JPEG images, classes sorted, stats from train', async () => {
    const root = path.join(tmp.dir, 'folder');
    for (let k = 0; k < 5; k++) writePng(path.join(root, 'cats', `c${k}.png`), k, 16, 24);
    for (let k = 0; k < 5; k++) writeJpeg(path.join(root, 'ants', `a${k}.jpg`), 50 + k, 16, 24);
    const ds = await loadDataset(`folder:${root}`, { valFraction: 0 });
    expect(ds.info.classNames).toEqual(['ants', 'cats']);
    expect([ds.info.height, ds.info.width, ds.info.channels, ds.info.cropPadding]).toEqual([24, 16, 3, 2]);
    expect([ds.train.count, ds.test.count]).toEqual([8, 2]);
    expect(ds.info.mean.every((m) => m > 0 && m < 1) && ds.info.std.every((s) => s > 0)).toBe(true);
    const png = decodeImageFile(path.join(root, 'cats', 'c3.png'));
    expect([png.width, png.height]).toEqual([16, 24]);
    expect(Array.from(png.rgb.subarray((9 * 16 + 10) * 3, (9 * 16 + 10) * 3 + 3))).toEqual(blockColour(3, 1, 1));
  });

  it('reads a train/ + test/ split layout', async () => {
    const root = path.join(tmp.dir, 'split');
    for (const s of ['train', 'test']) for (const c of ['a', 'b']) for (let k = 0; k < 2; k++) writePng(path.join(root, s, c, `${k}.png`), k, 8, 8);
    const { train, test, info } = await readImageFolder(root);
    expect([train.count, test.count, info.classNames.join()]).toEqual([4, 4, 'a,b']);
    expect(Array.from(test.labels)).toEqual([0, 0, 1, 1]);
  });

  it('empty class folder, image of the wrong size, not an image, path that does not exist', async () => {
    const root = path.join(tmp.dir, 'folder-bad');
    writePng(path.join(root, 'a', '0.png'), 0, 8, 8);
    mkdirSync(path.join(root, 'b'), { recursive: true });
    writeFileSync(path.join(root, 'b', 'notes.txt'), 'no images here');
    await expect(readImageFolder(root)).rejects.toThrow(`${path.join(root, 'b')}: is an empty class folder (no .png, .jpg or .jpeg images)`);
    writePng(path.join(root, 'b', '1.png'), 1, 8, 9);
    await expect(readImageFolder(root)).rejects.toThrow(`${path.join(root, 'b', '1.png')}: image is 8x9, expected 8x8`);
    writeFileSync(path.join(root, 'b', '1.png'), 'GIF89a.......');
    await expect(readImageFolder(root)).rejects.toThrow(`${path.join(root, 'b', '1.png')}: is neither a PNG nor a JPEG image`);
    const nowhere = path.join(tmp.dir, 'does-not-exist');
    const err = await loadDataset(`folder:${nowhere}`).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe(`${nowhere}: does not exist`);
  });

  it('unknown dataset name', async () => {
    await expect(loadDataset('imagenet-1k')).rejects.toThrow('unknown dataset "imagenet-1k"; known: fashion-mnist, mnist, cifar10, cifar100, tiny-imagenet, folder:<path>');
    await expect(loadDataset('constructor')).rejects.toThrow('unknown dataset "constructor"'); // not Object.prototype's
  });
});
