/** `skipvit datasets list`: which registry datasets are present, where, and how big. */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REGISTRY_NAMES } from './catalog';
import { candidates, idxFilesIn, locate } from './locate';
import type { DatasetListing } from './types';

export function listDatasets(root?: string): DatasetListing[] {
  return REGISTRY_NAMES.map((name) => {
    try {
      const loc = locate(name, root);
      const files = name === 'fashion-mnist' || name === 'mnist' ? Object.values(idxFilesIn(loc.path)!) : [loc.path];
      return { name, path: loc.path, present: true, sizeBytes: files.reduce((a, f) => a + diskSize(f), 0), source: loc.kind };
    } catch {
      return { name, path: candidates(name, root).find((c) => c.kind === 'download')!.path, present: false, sizeBytes: 0, source: 'missing' };
    }
  });
}

/** Bytes in a file or, recursively, a folder. */
function diskSize(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((a, n) => a + diskSize(path.join(p, n)), 0);
}
