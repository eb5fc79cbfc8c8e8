/**
 * Runs on disk: `runs/<id>/` holds run.json (status, params, progress), metrics.jsonl, result.json and
 * checkpoint/. Each folder is self-contained: copy it into another workspace's runs/ and it lists.
 *
 * Listing stays fast with many runs through runs/index.json: a cache of summaries keyed by each
 * run.json's inode + mtime + size. A list is one readdir plus one stat per run; only changed run.json
 * files are parsed again, so runs written by another process (a CLI job beside the studio) or copied in
 * by hand are picked up, and a lost index costs one slow list, never a wrong one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withPathSync } from '../../core/util/fs-error';
import { ApiError } from '../contract/errors';
import type { RunSummary } from '../contract/api';
import { writeJsonAtomic, writeJsonAtomicAsync } from './atomic';
import { readDoc } from './documents';
import { readJsonl, type JsonlRead } from './jsonl';
import { checkName, within } from './paths';
import { RUN_DOC, RUNS_INDEX, summarize, type IndexEntry, type RunDoc } from './schemas';

export const RUN_FILE = 'run.json';
export const METRICS_FILE = 'metrics.jsonl';
export const RESULT_FILE = 'result.json';
export const CHECKPOINT_DIR = 'checkpoint';
const INDEX_FILE = 'index.json';

export interface RunListing {
  runs: RunSummary[];
  /** Run folders whose run.json could not be read, and why. */
  problems: { id: string; message: string }[];
}

export class RunStore {
  private index: Record<string, IndexEntry> | null = null;

  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
  }

  dir(id: string): string {
    return within(this.root, checkName(id, 'run id'));
  }
  file(id: string, name: string): string {
    return within(this.dir(id), name);
  }

  exists(id: string): boolean {
    return fs.existsSync(this.file(id, RUN_FILE));
  }

  /** Creates the folder and the first run.json; refuses an id that is taken. */
  create(doc: RunDoc): void {
    const dir = this.dir(doc.id);
    try {
      withPathSync('create the folder', dir, () => fs.mkdirSync(dir));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ApiError('conflict', `run ${doc.id} already exists`);
      throw err;
    }
    try {
      withPathSync('create the folder', path.join(dir, CHECKPOINT_DIR), () => fs.mkdirSync(path.join(dir, CHECKPOINT_DIR)));
      this.write(doc);
    } catch (err) {
      // A run that could not be written (a full disk) leaves no half-created folder.
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  read(id: string): RunDoc {
    const file = this.file(id, RUN_FILE);
    if (!fs.existsSync(file)) throw new ApiError('not_found', `no run "${id}" in this workspace`);
    return readDoc(file, RUN_DOC);
  }

  write(doc: RunDoc): void {
    const file = this.file(doc.id, RUN_FILE);
    writeJsonAtomic(file, doc);
    this.remember(doc, fs.statSync(file));
  }

  /** As write(), off the thread; the caller serialises writes of one run. */
  async writeAsync(doc: RunDoc): Promise<void> {
    const file = this.file(doc.id, RUN_FILE);
    await writeJsonAtomicAsync(file, doc);
    this.remember(doc, await fs.promises.stat(file));
  }

  private remember(doc: RunDoc, st: fs.Stats): void {
    if (this.index) this.index[doc.id] = { ino: st.ino, mtimeMs: st.mtimeMs, size: st.size, summary: summarize(doc) };
  }

  delete(id: string): void {
    const dir = this.dir(id);
    if (!fs.existsSync(path.join(dir, RUN_FILE))) throw new ApiError('not_found', `no run "${id}" in this workspace`);
    withPathSync('remove', dir, () => fs.rmSync(dir, { recursive: true, force: true }));
    if (this.index) delete this.index[id];
  }

  /** Every run, newest first. */
  list(): RunListing {
    const index = this.loadIndex();
    const runs: RunSummary[] = [];
    const problems: RunListing['problems'] = [];
    const seen = new Set<string>();
    let changed = false;
    for (const ent of fs.readdirSync(this.root, { withFileTypes: true })) {
      if (!ent.isDirectory() || ent.name.startsWith('.')) continue;
      const id = ent.name;
      let st: fs.Stats;
      try {
        st = fs.statSync(path.join(this.root, id, RUN_FILE));
      } catch {
        continue; // not a run folder (or one being deleted)
      }
      seen.add(id);
      const cached = index[id];
      if (cached && cached.ino === st.ino && cached.mtimeMs === st.mtimeMs && cached.size === st.size) {
        runs.push(cached.summary);
        continue;
      }
      try {
        const summary = summarize(this.read(id));
        index[id] = { ino: st.ino, mtimeMs: st.mtimeMs, size: st.size, summary };
        runs.push(summary);
      } catch (err) {
        problems.push({ id, message: (err as Error).message });
        delete index[id];
      }
      changed = true;
    }
    for (const id of Object.keys(index)) {
      if (!seen.has(id)) {
        delete index[id];
        changed = true;
      }
    }
    if (changed) this.saveIndex();
    runs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
    return { runs, problems };
  }

  readMetrics(id: string): JsonlRead {
    this.read(id);
    return readJsonl(this.file(id, METRICS_FILE));
  }

  readResult(id: string): Record<string, unknown> | null {
    const file = this.file(id, RESULT_FILE);
    if (!fs.existsSync(file)) return null;
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  }

  private loadIndex(): Record<string, IndexEntry> {
    if (this.index) return this.index;
    const file = path.join(this.root, INDEX_FILE);
    try {
      this.index = readDoc(file, RUNS_INDEX).entries;
    } catch {
      this.index = {}; // missing, corrupt or from another version: rebuilt by this list
    }
    return this.index;
  }

  private saveIndex(): void {
    try {
      writeJsonAtomic(path.join(this.root, INDEX_FILE), { schemaVersion: RUNS_INDEX.version, entries: this.index ?? {} });
    } catch {
      // A cache only: on a full or read-only disk the list is still right, and the next one tries again.
    }
  }
}

/** A new run id: `<kind>-<yyyymmdd>-<hhmmss>-<4 hex>`, sortable by creation time. */
export function newRunId(kind: string, now = new Date()): string {
  const iso = now.toISOString(); // 2025-01-02T03:04:05.678Z
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
  const rand = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
  return `${kind}-${stamp}-${rand}`;
}

/** This process, as the owner of the runs it queues. */
export function selfOwner(): { pid: number; host: string } {
  return { pid: process.pid, host: os.hostname() };
}

/** Whether the owner of a run is a live process on this machine. */
export function ownerAlive(owner: { pid: number; host: string } | undefined): boolean {
  if (!owner || owner.host !== os.hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
