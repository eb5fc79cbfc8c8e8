/** Where datasets live on disk. */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The data root for downloaded datasets: the option, else $SKIPVIT_DATA, else ~/.cache/skipvit/datasets. */
export function dataRoot(root?: string): string {
  return path.resolve(root ?? process.env.SKIPVIT_DATA ?? path.join(os.homedir(), '.cache', 'skipvit', 'datasets'));
}

/** Debian's `dataset-fashion-mnist` package installs here. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

const EMBEDDED_REL = path.join('resources', 'data', 'fashion-mnist-subset');

/**
 * The embedded Fashion-MNIST subset shipped in the repository. Found by walking up from this module,
 * so it resolves both from the sources (src-main/core/data) and from a bundled build (out/main).
 */
export function embeddedFashionMnistDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, EMBEDDED_REL);
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', EMBEDDED_REL);
}

/** The four files of an IDX dataset, as named by the MNIST / Fashion-MNIST distributions. */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** `dir/name.gz` if present, else `dir/name`, else undefined. */
export function findIdxFile(dir: string, name: string): string | undefined {
  for (const f of [`${name}.gz`, name]) {
    const p = path.join(dir, f);
    if (existsSync(p)) return p;
  }
  return undefined;
}
