/**
 * File-system refusals (a full disk, no permission, a read-only mount) as errors that name the path and
 * the operation. Node's own message for a failed write on an open file is `ENOSPC: no space left on
 * device, write`, without the file; every write seam wraps its calls with {@link withPath}, and the API
 * maps a StorageError to its typed `storage` error (app/api/dispatch.ts).
 */

/** The errno codes that mean "the storage refused", with the words a person reads. */
const STORAGE_REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EIO: 'input/output error',
};

export class StorageError extends Error {
  constructor(
    /** The errno code (ENOSPC, EACCES, EROFS...). */
    readonly code: string,
    /** What was being done: write, rename, mkdir, append, remove... */
    readonly op: string,
    readonly path: string,
  ) {
    super(`${path}: could not ${op}: ${STORAGE_REASONS[code]} (${code})`);
    this.name = 'StorageError';
  }
}

/** The storage refusal `err` is, as a StorageError naming `path` and `op`; null for any other error. */
export function storageError(err: unknown, op?: string, path?: string): StorageError | null {
  if (err instanceof StorageError) return err;
  const e = err as NodeJS.ErrnoException | null;
  if (!e || typeof e.code !== 'string' || !Object.hasOwn(STORAGE_REASONS, e.code)) return null;
  return new StorageError(e.code, op ?? e.syscall ?? 'access', path ?? e.path ?? '(a file)');
}

/** Runs `fn`; a storage refusal it throws comes out as a StorageError naming `path` and `op`. */
export async function withPath<T>(op: string, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw storageError(err, op, path) ?? err;
  }
}

/** The synchronous form of {@link withPath}. */
export function withPathSync<T>(op: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw storageError(err, op, path) ?? err;
  }
}
