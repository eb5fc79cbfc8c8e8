/**
 * Atomic file replacement: write a temp file beside the target, fsync it, rename over the target, fsync
 * the folder. A crash at any point leaves either the old file or the new one, never a torn one.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fh = await fs.open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, file);
  try {
    const dh = await fs.open(dir, 'r');
    await dh.sync().finally(() => dh.close());
  } catch {
    // Directory fsync is not supported everywhere (Windows); the rename is still atomic.
  }
}
