/**
 * Path containment: every file the workspace touches is resolved through {@link within}, so an id or
 * name can never reach outside its folder, whatever validation came before.
 */
import path from 'node:path';
import { ApiError } from '../contract/errors';

export function within(base: string, ...parts: string[]): string {
  const root = path.resolve(base);
  const p = path.resolve(root, ...parts);
  if (p !== root && !p.startsWith(root + path.sep)) {
    throw new ApiError('outside_workspace', `"${parts.join('/')}" would leave ${root}`);
  }
  return p;
}

/** A safe single folder name: no separators, no '.', '..', or leading dot. */
export function checkName(name: string, what: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(name)) {
    throw new ApiError(
      name.includes('/') || name.includes('\\') || name.includes('..') ? 'outside_workspace' : 'bad_request',
      `"${name}" is not a ${what} (letters, digits, '-' and '_' only)`,
    );
  }
  return name;
}
