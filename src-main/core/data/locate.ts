/**
 * Where each registry dataset lives on disk and which copy to read.
 *
 * fashion-mnist: Debian's full copy (/usr/share/datasets/fashion-mnist) when installed, else a full
 * copy under <root>/fashion-mnist, else the embedded subset shipped in resources/.
 * mnist: the four IDX files under <root>/mnist. cifar10, cifar100, tiny-imagenet: <root>/<name>,
 * where `skipvit datasets fetch` extracts them.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CATALOG } from './catalog';
import { DataError } from './errors';
import { DEBIAN_FASHION_MNIST, IDX_FILES, dataRoot, embeddedFashionMnistDir, findIdxFile } from './paths';
import type { SourcePreference } from './types';

export interface Location {
  /** Folder (or archive) to read. */
  path: string;
  /** 'debian' | 'embedded' | 'download' | 'folder'. */
  kind: string;
}

/** The four IDX files in `dir`, or undefined unless all are there. */
export function idxFilesIn(dir: string): Record<keyof typeof IDX_FILES, string> | undefined {
  const found = Object.fromEntries(Object.entries(IDX_FILES).map(([k, f]) => [k, findIdxFile(dir, f)]));
  return Object.values(found).every((f) => f !== undefined) ? (found as Record<keyof typeof IDX_FILES, string>) : undefined;
}

export function knownName(name: string): void {
  if (name.startsWith('folder:')) return;
  if (!Object.hasOwn(CATALOG, name)) throw new Error(`unknown dataset "${name}"; known: ${Object.keys(CATALOG).join(', ')}, folder:<path>`);
}

/** The candidate copies of a dataset in preference order (present or not). */
export function candidates(name: string, root?: string): Location[] {
  knownName(name);
  if (name.startsWith('folder:')) return [{ path: path.resolve(name.slice('folder:'.length)), kind: 'folder' }];
  const downloaded = { path: path.join(dataRoot(root), name), kind: 'download' };
  if (name === 'fashion-mnist') {
    return [{ path: DEBIAN_FASHION_MNIST, kind: 'debian' }, downloaded, { path: embeddedFashionMnistDir(), kind: 'embedded' }];
  }
  return [downloaded];
}

function present(name: string, loc: Location): boolean {
  if (name === 'fashion-mnist' || name === 'mnist') return idxFilesIn(loc.path) !== undefined;
  return existsSync(loc.path);
}

/** The copy to read, or a DataError saying where it was looked for and how to get it. */
export function locate(name: string, root?: string, prefer: SourcePreference = 'auto'): Location {
  const all = candidates(name, root);
  const pool = prefer === 'auto' ? all : all.filter((c) => c.kind === prefer);
  if (pool.length === 0) throw new Error(`dataset "${name}" has no ${prefer} copy`);
  const found = pool.find((c) => present(name, c));
  if (found) return found;
  const where = pool[0].path;
  if (name.startsWith('folder:')) throw new DataError(where, 'does not exist');
  if (CATALOG[name].download) throw new DataError(where, `${name} is not present; run \`skipvit datasets fetch ${name}\``);
  throw new DataError(where, `${name} is not present; put the four IDX files (${Object.values(IDX_FILES).join(', ')}, .gz or plain) there`);
}
