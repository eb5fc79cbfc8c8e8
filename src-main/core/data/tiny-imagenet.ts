/**
 * Tiny-ImageNet-200 in its distributed folder layout (tiny-imagenet-200/):
 *   wnids.txt                       the 200 class ids (WordNet ids), one per line; label = line index
 *   words.txt                       "<wnid>\t<names, comma separated>" for all of WordNet
 *   train/<wnid>/images/*.JPEG      500 training images per class
 *   val/images/*.JPEG + val/val_annotations.txt  "<file>\t<wnid>\t<x0>\t<y0>\t<x1>\t<y1>"
 * The official test/ images have no labels, so the labelled val/ set serves as our test split.
 * All images are 64x64 JPEG (a few are greyscale; they decode to RGB).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeImageFile } from './decode-image';
import { DataError } from './errors';
import { readRaw } from './read-file';
import type { ImageSet } from './types';

const SIDE = 64;
const PER = SIDE * SIDE * 3;

export interface TinyImageNet {
  train: ImageSet;
  test: ImageSet;
  /** First WordNet name of each class, in label order. */
  classNames: string[];
  wnids: string[];
}

/** Reads from the tiny-imagenet-200 folder, or a folder that holds it. */
export async function readTinyImageNet(location: string): Promise<TinyImageNet> {
  const dir = existsSync(path.join(location, 'tiny-imagenet-200')) ? path.join(location, 'tiny-imagenet-200') : location;
  const wnidsFile = path.join(dir, 'wnids.txt');
  if (!existsSync(wnidsFile)) throw new DataError(wnidsFile, 'missing: not a Tiny-ImageNet folder (wnids.txt lists the class ids)');
  const wnids = lines(readRaw(wnidsFile).toString('utf8'));
  if (wnids.length === 0) throw new DataError(wnidsFile, 'lists no class ids');
  const label = new Map(wnids.map((w, i) => [w, i]));
  if (label.size !== wnids.length) throw new DataError(wnidsFile, 'lists a class id twice');

  const classNames = readWords(path.join(dir, 'words.txt'), wnids);

  const trainFiles: { file: string; label: number }[] = [];
  wnids.forEach((w, i) => {
    const imagesDir = path.join(dir, 'train', w, 'images');
    if (!existsSync(imagesDir)) throw new DataError(imagesDir, `missing: class ${w} of wnids.txt has no training images folder`);
    const names = readdirSync(imagesDir).filter((n) => /\.jpe?g$/i.test(n)).sort();
    if (names.length === 0) throw new DataError(imagesDir, `is an empty class folder (class ${w})`);
    for (const n of names) trainFiles.push({ file: path.join(imagesDir, n), label: i });
  });

  const annotations = path.join(dir, 'val', 'val_annotations.txt');
  const testFiles: { file: string; label: number }[] = [];
  lines(readRaw(annotations).toString('utf8')).forEach((line, n) => {
    const [file, wnid] = line.split('\t');
    const l = label.get(wnid);
    if (!file || l === undefined) throw new DataError(annotations, `line ${n + 1}: "${line.slice(0, 80)}" does not name an image and a class of wnids.txt`);
    testFiles.push({ file: path.join(dir, 'val', 'images', file), label: l });
  });
  testFiles.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));

  return { train: readImages(trainFiles), test: readImages(testFiles), classNames, wnids };
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

/** Class names from words.txt (first synonym); the wnid itself where words.txt lacks one. */
function readWords(file: string, wnids: string[]): string[] {
  if (!existsSync(file)) return wnids;
  const words = new Map<string, string>();
  for (const line of lines(readFileSync(file, 'utf8'))) {
    const tab = line.indexOf('\t');
    if (tab > 0) words.set(line.slice(0, tab), line.slice(tab + 1).split(',')[0].trim());
  }
  return wnids.map((w) => words.get(w) ?? w);
}

function readImages(files: { file: string; label: number }[]): ImageSet {
  const images = new Uint8Array(files.length * PER);
  const labels = new Int32Array(files.length);
  files.forEach(({ file, label }, i) => {
    const img = decodeImageFile(file);
    if (img.width !== SIDE || img.height !== SIDE) throw new DataError(file, `image is ${img.width}x${img.height}, expected ${SIDE}x${SIDE}`);
    images.set(img.rgb, i * PER);
    labels[i] = label;
  });
  return { images, labels, count: files.length, height: SIDE, width: SIDE, channels: 3 };
}
