/**
 * Reads a whole file, gunzipping it when it starts with the gzip magic, so `.gz` and plain copies
 * of the same format read alike. Missing files and corrupt gzip streams become DataErrors.
 */
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataError } from './errors';

export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

export function gunzipBuffer(buf: Uint8Array, file: string): Buffer {
  try {
    return gunzipSync(buf);
  } catch (err) {
    throw new DataError(file, `not a valid gzip stream (${(err as Error).message}); the file is truncated or corrupt`);
  }
}

/** Throws a DataError unless `file` exists and is a regular file. */
export function requireFile(file: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new DataError(file, 'does not exist');
  }
  if (!isFile) throw new DataError(file, 'is not a file');
}

export function readRaw(file: string): Buffer {
  requireFile(file);
  return readFileSync(file);
}

/** The file's bytes, decompressed when gzipped. */
export function readMaybeGz(file: string): Buffer {
  const raw = readRaw(file);
  return isGzip(raw) ? gunzipBuffer(raw, file) : raw;
}
