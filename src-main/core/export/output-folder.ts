/**
 * The export's target folder. An export is written completely into a hidden staging folder beside the
 * target and then swapped in by renames, so a failed or interrupted export never leaves a half-written
 * folder, and an existing export is only replaced once the new one is complete.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** What an export folder holds (meta.json is the studio's annotation of a workspace model). */
const EXPORT_ENTRIES = new Set(['config.json', 'model.json', 'weights.bin', 'report.md', 'charts', 'meta.json']);

/**
 * Refuses a target that exists and is not empty, unless `force`; even with `force`, refuses a folder that
 * holds anything an export does not write, so a mistyped --out never deletes unrelated files.
 */
export async function checkTarget(out: string, force: boolean): Promise<void> {
  let entries: string[];
  try {
    if (!(await fs.stat(out)).isDirectory()) throw new Error(`${out} exists and is not a folder`);
    entries = await fs.readdir(out);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (entries.length === 0) return;
  if (!force) throw new Error(`${out} is not empty (${entries.length} entries); pass --force to replace the export in it`);
  const foreign = entries.filter((e) => !EXPORT_ENTRIES.has(e));
  if (foreign.length > 0) {
    throw new Error(
      `refusing to replace ${out}: it holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}, which an export does not write; choose another folder`,
    );
  }
}

/** A fresh hidden folder beside `out` to write the export into. */
export async function createStaging(out: string): Promise<string> {
  await fs.mkdir(path.dirname(out), { recursive: true });
  return fs.mkdtemp(path.join(path.dirname(out), `.${path.basename(out)}.export-`));
}

/** Moves the complete staging folder to `out`, replacing what is there (checked by checkTarget). */
export async function commitStaging(staging: string, out: string): Promise<void> {
  const old = `${staging}.old`;
  let moved = false;
  try {
    await fs.rename(out, old);
    moved = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    await fs.rename(staging, out);
  } catch (err) {
    if (moved) await fs.rename(old, out); // put the previous export back
    throw err;
  }
  if (moved) await fs.rm(old, { recursive: true, force: true });
}
