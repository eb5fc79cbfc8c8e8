/**
 * A generic image folder: <root>/<class>/*.{png,jpg,jpeg}, or <root>/train/<class>/... plus
 * <root>/test/<class>/... Classes are the sub-folder names in sorted order; every image must have
 * the size of the first one. Without a test folder, a fixed, class-stratified 20% is held out as test.
 * Normalisation statistics are computed from the train images.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { decodeImageFile } from './decode-image';
import { DataError } from './errors';
import { makeSplits } from './split';
import { channelStats } from './stats';
import type { DatasetInfo, ImageSet } from './types';

const IMAGE_EXT = /\.(png|jpe?g)$/i;
const HELD_OUT_TEST = 0.2;

export async function readImageFolder(root: string, name = `folder:${root}`): Promise<{ train: ImageSet; test: ImageSet; info: DatasetInfo }> {
  if (!isDir(root)) throw new DataError(root, 'does not exist or is not a folder');
  const split = isDir(path.join(root, 'train')) && isDir(path.join(root, 'test'));
  const classNames = classFolders(split ? path.join(root, 'train') : root);
  let train: ImageSet;
  let test: ImageSet;
  if (split) {
    train = readClasses(path.join(root, 'train'), classNames);
    const testClasses = classFolders(path.join(root, 'test'));
    const extra = testClasses.filter((c) => !classNames.includes(c));
    if (extra.length) throw new DataError(path.join(root, 'test', extra[0]), 'is a class that train/ does not have');
    test = readClasses(path.join(root, 'test'), classNames, train);
  } else {
    const all = readClasses(root, classNames);
    const s = makeSplits(all, all, classNames.length, { valFraction: HELD_OUT_TEST, seed: 0 });
    train = s.train;
    test = s.val;
  }
  const { mean, std } = channelStats(train);
  const info: DatasetInfo = {
    name, source: `folder:${root}`, classNames, height: train.height, width: train.width, channels: 3,
    mean, std, flip: true, cropPadding: Math.max(1, Math.round(Math.min(train.height, train.width) / 8)),
  };
  return { train, test, info };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function classFolders(dir: string): string[] {
  const names = readdirSync(dir).filter((n) => !n.startsWith('.') && isDir(path.join(dir, n))).sort();
  if (names.length === 0) throw new DataError(dir, 'has no class sub-folders (expected <class>/*.png|jpg)');
  return names;
}

/** Reads every class folder; `like` fixes the expected image size (from train) when given. */
function readClasses(dir: string, classNames: string[], like?: ImageSet): ImageSet {
  const files: { file: string; label: number }[] = [];
  classNames.forEach((c, label) => {
    const classDir = path.join(dir, c);
    if (!isDir(classDir)) return; // a test folder may lack a class
    const images = readdirSync(classDir).filter((n) => IMAGE_EXT.test(n)).sort();
    if (images.length === 0) throw new DataError(classDir, 'is an empty class folder (no .png, .jpg or .jpeg images)');
    for (const n of images) files.push({ file: path.join(classDir, n), label });
  });
  let height = like?.height ?? 0;
  let width = like?.width ?? 0;
  let images = new Uint8Array(0);
  const labels = new Int32Array(files.length);
  files.forEach(({ file, label }, i) => {
    const img = decodeImageFile(file);
    if (i === 0 && !like) {
      height = img.height;
      width = img.width;
    }
    if (i === 0) images = new Uint8Array(files.length * height * width * 3);
    if (img.height !== height || img.width !== width) {
      throw new DataError(file, `image is ${img.width}x${img.height}, expected ${width}x${height} like ${like ? 'the train images' : files[0].file}`);
    }
    images.set(img.rgb, i * height * width * 3);
    labels[i] = label;
  });
  return { images, labels, count: files.length, height, width, channels: 3 };
}
