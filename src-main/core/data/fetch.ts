/**
 * `skipvit datasets fetch <name>`: download the official archive (resumable, verified), extract it
 * into a temporary folder, check it holds the expected files, then rename it to <root>/<name> in one
 * step. A dataset folder therefore exists only complete; interrupted work is resumed or redone.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { CATALOG } from './catalog';
import { downloadFile, type Checksum } from './download';
import { DataError } from './errors';
import { extractArchive } from './extract';
import { knownName } from './locate';
import { dataRoot } from './paths';
import type { FetchProgress } from './types';

export interface FetchOptions {
  /** Data root (default: $SKIPVIT_DATA or ~/.cache/skipvit/datasets). */
  root?: string;
  /** Download from here instead of the official address (mirrors, tests). */
  url?: string;
  /** Verify against this checksum instead of the published one (needed with a `url` serving other bytes). */
  checksum?: Checksum;
  onProgress?: (p: FetchProgress) => void;
  signal?: AbortSignal;
}

export interface FetchResult {
  name: string;
  /** The dataset folder. */
  path: string;
  /** True when it was already there and nothing was downloaded. */
  alreadyPresent: boolean;
}

export async function fetchDataset(name: string, opts: FetchOptions = {}): Promise<FetchResult> {
  knownName(name);
  const spec = CATALOG[name]?.download;
  if (!spec) throw new Error(`dataset "${name}" has no download; downloadable: ${Object.values(CATALOG).filter((e) => e.download).map((e) => e.name).join(', ')}`);
  const root = dataRoot(opts.root);
  const final = path.join(root, name);
  if (existsSync(final)) return { name, path: final, alreadyPresent: true };

  const archive = path.join(root, '.downloads', spec.archive);
  await downloadFile({
    url: opts.url ?? spec.url,
    dest: archive,
    checksum: opts.checksum ?? { algorithm: 'md5', hex: spec.md5 },
    onProgress: opts.onProgress,
    signal: opts.signal,
  });

  const staging = path.join(root, `.${name}.extracting`);
  rmSync(staging, { recursive: true, force: true }); // left by an interrupted extraction
  mkdirSync(staging, { recursive: true });
  try {
    const total = statSync(archive).size;
    let done = 0;
    await extractArchive(archive, staging, (n) => opts.onProgress?.({ phase: 'extract', done: (done += n), total }));
    const missing = spec.expect.find((f) => !existsSync(path.join(staging, f)));
    if (missing) throw new DataError(archive, `does not contain ${missing}; not the ${name} archive`);
    renameSync(staging, final);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true }); // the verified archive stays for the next try
    throw err;
  }
  rmSync(archive, { force: true }); // the extracted folder is what loaders read
  return { name, path: final, alreadyPresent: false };
}
