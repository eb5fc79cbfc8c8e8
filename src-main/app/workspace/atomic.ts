/**
 * Atomic JSON documents: write a temp file beside the target, fsync it, rename it over the target,
 * fsync the folder. A crash at any point leaves the previous version or the new one, never a torn file;
 * a leftover temp file is ignored by readers and swept by the workspace repair.
 *
 * The file operations come in through {@link AtomicIO} so a test can fail (or kill the process)
 * between the temp write and the rename, which is the window this scheme exists for.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TEMP_SUFFIX, tempPathFor, writeFileAtomic } from '../../core/util/atomic';
import { withPathSync } from '../../core/util/fs-error';

export interface AtomicIO {
  writeSync(tmp: string, data: string): void;
  renameSync(from: string, to: string): void;
}

/** The real thing: write + fsync through one descriptor, then rename. */
export const nodeAtomicIO: AtomicIO = {
  writeSync(tmp, data) {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
  renameSync: (from, to) => fs.renameSync(from, to),
};

/** Temp files are dot-files ending in `.tmp` in the target's folder (one naming with the core's writes). */
export { TEMP_SUFFIX };

/**
 * Synchronous on purpose: documents are small (KBs), and a synchronous write cannot interleave with
 * another write of the same file from this process.
 */
export function writeJsonAtomic(file: string, value: unknown, io: AtomicIO = nodeAtomicIO): void {
  const dir = path.dirname(file);
  const tmp = tempPathFor(file);
  try {
    withPathSync('write', file, () => io.writeSync(tmp, JSON.stringify(value, null, 1) + '\n'));
    withPathSync('rename into place', file, () => io.renameSync(tmp, file));
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(dir);
}

/**
 * The same protocol without blocking the thread (fsync can take 100 ms on a busy disk): for the
 * runner's frequent run.json updates. Callers serialise writes of one file themselves.
 */
export async function writeJsonAtomicAsync(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 1) + '\n');
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Folder fsync is not supported everywhere (Windows); the rename is atomic regardless.
  }
}

/** Removes leftover temp files (from a crash between write and rename) in one folder. */
export function sweepTempFiles(dir: string): number {
  let removed = 0;
  for (const name of safeReaddir(dir)) {
    if (name.startsWith('.') && name.endsWith(TEMP_SUFFIX)) {
      fs.rmSync(path.join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
