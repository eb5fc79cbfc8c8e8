/**
 * Unpacks a downloaded archive (.tar.gz through `tar`, .zip through `yauzl`) into a folder.
 * Member paths that would land outside the folder are refused by both libraries.
 */
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract as untar } from 'tar';
import yauzl from 'yauzl';
import { DataError } from './errors';

/** Extracts `archive` into the existing folder `dest`; reports progress in archive bytes. */
export async function extractArchive(archive: string, dest: string, onBytes?: (bytes: number) => void): Promise<void> {
  try {
    if (/\.zip$/i.test(archive)) await unzip(archive, dest, onBytes);
    else {
      // Progress counts compressed bytes read (listening to entries would steal their data from the unpacker).
      const input = createReadStream(archive);
      input.on('data', (c) => onBytes?.(c.length));
      await pipeline(input, untar({ cwd: dest, strict: true }));
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(archive, `cannot extract (${(err as Error).message}); the archive is corrupt`);
  }
}

async function unzip(archive: string, dest: string, onBytes?: (bytes: number) => void): Promise<void> {
  const zip = await yauzl.openPromise(archive);
  try {
    const root = path.resolve(dest);
    for await (const entry of zip.eachEntry()) {
      const target = path.resolve(root, entry.fileName);
      if (!target.startsWith(root + path.sep)) throw new DataError(archive, `member "${entry.fileName}" would extract outside the target folder`);
      if (entry.fileName.endsWith('/')) {
        mkdirSync(target, { recursive: true });
        continue;
      }
      mkdirSync(path.dirname(target), { recursive: true });
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target));
      onBytes?.(entry.compressedSize);
    }
  } finally {
    zip.close();
  }
}
