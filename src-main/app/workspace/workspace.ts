/**
 * The workspace: one folder with workspace.json (schema version), models/ and runs/. Opening it checks
 * the version (refusing a newer or unmigratable one with a clear message), sweeps temp files left by a
 * crash between write and rename, and repairs runs left "queued"/"running" by a process that is gone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic, sweepTempFiles } from './atomic';
import { readDoc } from './documents';
import { findShipped } from './location';
import { ModelStore } from './model-store';
import { ownerAlive, RunStore } from './run-store';
import { WORKSPACE_DOC, type RunDoc } from './schemas';

export interface WorkspaceOptions {
  /** Demo models folder; default `resources/models` of this build, if present. Null for none. */
  demoModels?: string | null;
}

export interface RepairReport {
  /** Runs that were marked interrupted. */
  interrupted: string[];
  tempFilesRemoved: number;
}

export class Workspace {
  readonly runs: RunStore;
  readonly models: ModelStore;

  private constructor(
    readonly root: string,
    opts: WorkspaceOptions,
  ) {
    this.runs = new RunStore(path.join(root, 'runs'));
    const demo = opts.demoModels === undefined ? findShipped(path.join('resources', 'models')) : opts.demoModels;
    this.models = new ModelStore(path.join(root, 'models'), demo);
  }

  /** Opens (creating if needed) and repairs the workspace at `root`. */
  static open(root: string, opts: WorkspaceOptions = {}): { workspace: Workspace; repair: RepairReport } {
    const dir = path.resolve(root);
    fs.mkdirSync(dir, { recursive: true });
    const docFile = path.join(dir, 'workspace.json');
    if (fs.existsSync(docFile)) readDoc(docFile, WORKSPACE_DOC);
    else writeJsonAtomic(docFile, { schemaVersion: WORKSPACE_DOC.version, createdAt: new Date().toISOString() });
    const workspace = new Workspace(dir, opts);
    return { workspace, repair: workspace.repair() };
  }

  /**
   * Marks queued/running runs whose owning process is gone (crashed, killed, or another machine's:
   * a copied folder) as interrupted, keeping their last checkpoint so they can be resumed.
   */
  repair(): RepairReport {
    let tempFilesRemoved = sweepTempFiles(this.root) + sweepTempFiles(this.runs.root);
    const interrupted: string[] = [];
    for (const summary of this.runs.list().runs) {
      tempFilesRemoved += sweepTempFiles(this.runs.dir(summary.id));
      if (summary.status !== 'queued' && summary.status !== 'running') continue;
      const doc = this.runs.read(summary.id);
      if (ownerAlive(doc.owner)) continue; // another live process (a CLI job) owns it
      this.runs.write(endRun(doc, 'interrupted', 'the process running it stopped (crash, kill or shutdown) before it finished'));
      interrupted.push(doc.id);
    }
    return { interrupted, tempFilesRemoved };
  }
}

/**
 * The run, ended with a final status: the open attempt is closed, the owner released, the error (if
 * any) recorded. The checkpoint is kept, so an interrupted run can resume from it.
 */
export function endRun(doc: RunDoc, status: 'succeeded' | 'failed' | 'cancelled' | 'interrupted', error?: string): RunDoc {
  const now = new Date().toISOString();
  const last = doc.attempts.length - 1;
  const attempts = doc.attempts.map((a, i) =>
    i === last && !a.endedAt ? { ...a, endedAt: now, status, ...(error ? { error } : {}) } : a,
  );
  const { owner: _owner, error: _error, ...rest } = doc;
  return { ...rest, status, endedAt: now, updatedAt: now, attempts, ...(error ? { error } : {}) };
}
