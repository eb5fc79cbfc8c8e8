/**
 * Atomic file replacement: write a temp file beside the target, fsync it, rename over the target, fsync
 * the folder. A crash at any point leaves either the old file or the new one, never a torn one; a failed
 * write removes its temp file. Temp files are dot-files ending in `.tmp` (the workspace sweeps leftovers).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { withPath } from './fs-error';

export const TEMP_SUFFIX = '.tmp';
let counter = 0;

/** A temp name beside `file`, unique within this process (two writes of one file may overlap). */
export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++counter}${TEMP_SUFFIX}`);
}

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(file);
  try {
    // Errors name the target file and the step (Node's own say "ENOSPC: ..., write" without a path).
    await withPath('write', file, async () => {
      const fh = await fs.open(tmp, 'w');
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
    });
    await withPath('rename into place', file, () => fs.rename(tmp, file));
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  try {
    const dh = await fs.open(path.dirname(file), 'r');
    await dh.sync().finally(() => dh.close());
  } catch {
    // Directory fsync is not supported everywhere (Windows); the rename is still atomic.
  }
}
