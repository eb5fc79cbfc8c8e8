/**
 * Reads chosen members of a .tar or .tar.gz archive into memory (the `tar` package does the format
 * and the gunzip). A truncated or corrupt archive is a DataError naming the archive.
 */
import path from 'node:path';
import { list } from 'tar';
import { DataError } from './errors';
import { requireFile } from './read-file';

/** Basename -> contents, for every regular-file member whose basename `want` accepts. */
export async function readTarMembers(archive: string, want: (basename: string) => boolean): Promise<Map<string, Buffer>> {
  requireFile(archive);
  const out = new Map<string, Buffer>();
  const pending: Promise<void>[] = [];
  try {
    await list({
      file: archive,
      strict: true,
      onReadEntry(entry) {
        const base = path.posix.basename(entry.path);
        if (entry.type !== 'File' || !want(base)) {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        pending.push(new Promise((resolve) => entry.on('end', () => (out.set(base, Buffer.concat(chunks)), resolve()))));
      },
    });
  } catch (err) {
    throw new DataError(archive, `cannot read the tar archive (${(err as Error).message}); it is truncated or corrupt`);
  }
  await Promise.all(pending);
  return out;
}
