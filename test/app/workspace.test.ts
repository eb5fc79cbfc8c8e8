/**
 * The workspace on real files: atomic documents under an injected crash, torn JSONL, schema versions,
 * the runs index (1,000 runs, measured), copied run folders and start-up repair.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { writeJsonAtomic, type AtomicIO, nodeAtomicIO } from '../../src-main/app/workspace/atomic';
import { migrateDoc, readDoc, type DocSpec } from '../../src-main/app/workspace/documents';
import { JsonlWriter, readJsonl } from '../../src-main/app/workspace/jsonl';
import { newRunId, RunStore } from '../../src-main/app/workspace/run-store';
import type { RunDoc } from '../../src-main/app/workspace/schemas';
import { Workspace } from '../../src-main/app/workspace/workspace';
import { resolveWorkspaceDir, userDataDir } from '../../src-main/app/workspace/location';
import { tempDir } from './helpers';

function runDoc(id: string, over: Partial<RunDoc> = {}): RunDoc {
  const now = new Date().toISOString();
  return {
    schemaVersion: 1, id, kind: 'count', name: id, status: 'succeeded', createdAt: now, updatedAt: now,
    params: { steps: 1 }, attempts: [], resumableKind: true, ...over,
  };
}

describe('atomic JSON documents', () => {
  it('a failure between the temp write and the rename leaves the previous version readable', () => {
    const file = path.join(tempDir(), 'doc.json');
    writeJsonAtomic(file, { version: 1 });
    const crashing: AtomicIO = {
      writeSync: nodeAtomicIO.writeSync,
      renameSync: () => {
        throw new Error('injected crash before rename');
      },
    };
    expect(() => writeJsonAtomic(file, { version: 2 }, crashing)).toThrow(/injected crash/);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ version: 1 });
  });

  it('a process killed (SIGKILL) between the temp write and the rename leaves the previous version; repair sweeps the temp file', () => {
    const dir = tempDir();
    const { workspace } = Workspace.open(dir, { demoModels: null });
    const id = 'count-20250101-000000-aaaa';
    workspace.runs.create(runDoc(id, { name: 'before' }));
    const file = path.join(workspace.runs.dir(id), 'run.json');
    const script = `
      import { writeJsonAtomic, nodeAtomicIO } from ${JSON.stringify(path.resolve('src-main/app/workspace/atomic.ts'))};
      const doc = JSON.parse((await import('node:fs')).readFileSync(${JSON.stringify(file)}, 'utf8'));
      writeJsonAtomic(${JSON.stringify(file)}, { ...doc, name: 'after' }, {
        writeSync: nodeAtomicIO.writeSync,
        renameSync: () => process.kill(process.pid, 'SIGKILL'),
      });`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    const temps = fs.readdirSync(workspace.runs.dir(id)).filter((n) => n.endsWith('.tmp'));
    expect(temps).toHaveLength(1); // the new version was written, never renamed
    expect(workspace.runs.read(id).name).toBe('before');
    const { repair } = Workspace.open(dir, { demoModels: null });
    expect(repair.tempFilesRemoved).toBe(1);
    expect(fs.readdirSync(workspace.runs.dir(id)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('metrics JSONL', () => {
  it('skips a torn last line with a warning and returns the rest; the next append starts a fresh line', () => {
    const file = path.join(tempDir(), 'metrics.jsonl');
    const w = new JsonlWriter(file);
    for (let step = 1; step <= 5; step++) w.append({ step, loss: 1 / step });
    fs.appendFileSync(file, '{"step":6,"lo'); // a crash mid-write
    let read = readJsonl(file);
    expect(read.records.map((r) => r.step)).toEqual([1, 2, 3, 4, 5]);
    expect(read.skipped).toBe(1);
    expect(read.warnings[0]).toMatch(/metrics\.jsonl:6: .*torn last line/);
    new JsonlWriter(file).append({ step: 6, loss: 0.1 }); // a resumed job appends again
    read = readJsonl(file);
    expect(read.records.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(read.skipped).toBe(1);
    expect(read.warnings[0]).not.toMatch(/last line/);
  });

  it('reads a missing file as empty', () => {
    expect(readJsonl(path.join(tempDir(), 'none.jsonl'))).toEqual({ records: [], skipped: 0, warnings: [] });
  });
});

describe('schema versions', () => {
  const V2 = z.object({ schemaVersion: z.literal(2), title: z.string() });
  const spec: DocSpec<typeof V2> = {
    name: 'note', version: 2, schema: V2,
    migrations: { 1: (d) => ({ title: String(d.name) }) },
  };

  it('migrates an older document step by step and writes it back at the new version', () => {
    const file = path.join(tempDir(), 'note.json');
    fs.writeFileSync(file, JSON.stringify({ schemaVersion: 1, name: 'old' }));
    expect(readDoc(file, spec)).toEqual({ schemaVersion: 2, title: 'old' });
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).schemaVersion).toBe(2);
  });

  it('refuses newer, unversioned and unmigratable documents with a clear message', () => {
    expect(() => migrateDoc('n.json', { schemaVersion: 3, title: 'x' }, spec)).toThrow(/schema version 3, newer than this SkipViT Studio reads \(2\)/);
    expect(() => migrateDoc('n.json', { title: 'x' }, spec)).toThrow(/no schemaVersion/);
    expect(() => migrateDoc('n.json', { schemaVersion: 0 }, spec)).toThrow(/cannot migrate from 0/);
  });

  it('refuses to open a workspace written by a newer version', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'workspace.json'), JSON.stringify({ schemaVersion: 9, createdAt: 'x' }));
    expect(() => Workspace.open(dir)).toThrow(/schema version 9, newer than this SkipViT Studio reads \(1\)/);
  });
});

describe('runs', () => {
  it('lists 1,000 runs through the index, and sees runs written by another process or copied in', () => {
    const dir = tempDir();
    const { workspace } = Workspace.open(dir, { demoModels: null });
    const base = Date.parse('2025-01-01T00:00:00Z');
    // Plain writes for the setup (the fsyncs of 1,000 atomic creates would dominate the test's time).
    for (let i = 0; i < 1000; i++) {
      const created = new Date(base + i * 1000);
      const id = newRunId('count', created);
      fs.mkdirSync(path.join(workspace.runs.root, id));
      fs.writeFileSync(path.join(workspace.runs.root, id, 'run.json'), JSON.stringify(runDoc(id, { createdAt: created.toISOString() })));
    }
    workspace.runs.list(); // builds the index, as the first list after start-up does
    // Cold: a fresh store (as in a new process) with only the index file on disk.
    const first = new RunStore(workspace.runs.root).list();
    // Without the index every run.json is parsed, and the index is written again.
    fs.rmSync(path.join(dir, 'runs', 'index.json'));
    expect(new RunStore(workspace.runs.root).list().runs).toEqual(first.runs);
    expect(fs.existsSync(path.join(dir, 'runs', 'index.json'))).toBe(true);
    const cold = Workspace.open(dir, { demoModels: null }).workspace;
    expect(first.runs).toHaveLength(1000);
    expect(first.runs[0].createdAt > first.runs[999].createdAt).toBe(true);
    // A warm list parses no run.json whose inode, mtime and size are unchanged (the speed claim, warm
    // < 100 ms, is `npm run bench:workspace`'s): garbage of the same size and mtime goes unnoticed.
    const probe = path.join(workspace.runs.root, first.runs[10].id, 'run.json');
    const original = fs.readFileSync(probe);
    const stamp = path.join(dir, 'stamp');
    fs.writeFileSync(stamp, '');
    expect(spawnSync('touch', ['-r', probe, stamp]).status).toBe(0); // keeps the nanoseconds utimes() would round
    fs.writeFileSync(probe, Buffer.alloc(original.length, 0x20));
    expect(spawnSync('touch', ['-r', stamp, probe]).status).toBe(0);
    expect(workspace.runs.list().runs[10]).toEqual(first.runs[10]);
    fs.writeFileSync(probe, original);
    expect(spawnSync('touch', ['-r', stamp, probe]).status).toBe(0);

    // Another writer changes one run; a run folder is copied in from elsewhere.
    const changed = first.runs[500].id;
    const other = Workspace.open(dir, { demoModels: null }).workspace;
    other.runs.write({ ...other.runs.read(changed), name: 'renamed elsewhere' });
    const foreign = Workspace.open(tempDir(), { demoModels: null }).workspace;
    const copied = 'train-20300101-000000-beef';
    foreign.runs.create(runDoc(copied, { kind: 'train', createdAt: '2030-01-01T00:00:00.000Z' }));
    fs.appendFileSync(path.join(foreign.runs.dir(copied), 'metrics.jsonl'), '{"step":1,"loss":2}\n');
    fs.cpSync(foreign.runs.dir(copied), path.join(dir, 'runs', copied), { recursive: true });
    const again = cold.runs.list();
    expect(again.runs).toHaveLength(1001);
    expect(again.runs[0].id).toBe(copied);
    expect(again.runs.find((r) => r.id === changed)?.name).toBe('renamed elsewhere');
    expect(cold.runs.readMetrics(copied).records).toEqual([{ step: 1, loss: 2 }]);
  });

  it('reports unreadable run folders as problems instead of failing the list', () => {
    const { workspace } = Workspace.open(tempDir(), { demoModels: null });
    workspace.runs.create(runDoc('count-20250101-000000-0001'));
    fs.mkdirSync(path.join(workspace.runs.root, 'count-20250101-000000-0002'));
    fs.writeFileSync(path.join(workspace.runs.root, 'count-20250101-000000-0002', 'run.json'), JSON.stringify({ schemaVersion: 5 }));
    const { runs, problems } = workspace.runs.list();
    expect(runs.map((r) => r.id)).toEqual(['count-20250101-000000-0001']);
    expect(problems[0]).toMatchObject({ id: 'count-20250101-000000-0002' });
    expect(problems[0].message).toMatch(/newer than this SkipViT Studio reads/);
  });

  it('start-up repair marks runs of dead or foreign processes interrupted, and leaves live owners alone', () => {
    const dir = tempDir();
    const { workspace } = Workspace.open(dir, { demoModels: null });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const attempt = { startedAt: new Date().toISOString(), status: 'running' as const, resumed: false };
    workspace.runs.create(runDoc('count-20250101-000000-dead', { status: 'running', attempts: [attempt], owner: { pid: Number(dead.stdout), host: os.hostname() } }));
    workspace.runs.create(runDoc('count-20250101-000000-away', { status: 'queued', owner: { pid: process.pid, host: 'another-machine' } }));
    workspace.runs.create(runDoc('count-20250101-000000-live', { status: 'running', attempts: [attempt], owner: { pid: process.pid, host: os.hostname() } }));
    const { repair } = Workspace.open(dir, { demoModels: null });
    expect(repair.interrupted.sort()).toEqual(['count-20250101-000000-away', 'count-20250101-000000-dead']);
    const doc = workspace.runs.read('count-20250101-000000-dead');
    expect(doc).toMatchObject({ status: 'interrupted', attempts: [{ status: 'interrupted' }] });
    expect(doc.owner).toBeUndefined();
    expect(workspace.runs.read('count-20250101-000000-live').status).toBe('running');
  });

  it('keeps every path inside the workspace', () => {
    const { workspace } = Workspace.open(tempDir(), { demoModels: null });
    expect(() => workspace.runs.dir('../../etc')).toThrow(/not a run id/);
    expect(() => workspace.models.dir('demo:../x')).toThrow(/not a model id/);
    expect(() => workspace.runs.read('count-1')).toThrow(/no run "count-1"/);
  });
});

describe('workspace location', () => {
  it('is --workspace, else $SKIPVIT_WORKSPACE, else workspace/ in the user-data folder', () => {
    expect(resolveWorkspaceDir('/a/b', { SKIPVIT_WORKSPACE: '/c' })).toBe('/a/b');
    expect(resolveWorkspaceDir(undefined, { SKIPVIT_WORKSPACE: '/c' })).toBe('/c');
    expect(resolveWorkspaceDir(undefined, { XDG_CONFIG_HOME: '/cfg' })).toBe(
      process.platform === 'linux' ? '/cfg/skipvit-studio/workspace' : path.join(userDataDir({ XDG_CONFIG_HOME: '/cfg' }), 'workspace'),
    );
  });
});
