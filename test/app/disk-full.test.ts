/**
 * A full disk and a read-only one, for real (issue 15, finding 6): the workspace lives on a small tmpfs
 * mounted for this test. The disk fills while the REAL train kind runs; the run fails with an error that
 * names the file and the operation, leaves no half-written checkpoint, keeps run.json true (the final
 * state is written once space is back), the API answers typed `storage` errors instead of `internal`,
 * and the run resumes to success. Then the mount turns read-only: the API says so, naming the path.
 *
 * Mounting needs root (or CAP_SYS_ADMIN); without it these tests are skipped and say so.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ClientSession } from '../../src-main/app/api/session';
import { kinds as builtinKinds } from '../../src-main/app/jobs/kinds';
import { readDoc } from '../../src-main/app/workspace/documents';
import { RUN_DOC } from '../../src-main/app/workspace/schemas';
import { openTestApi, until } from './helpers';

const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'skipvit-tmpfs-'));
const mount = (...args: string[]) => spawnSync('mount', args, { encoding: 'utf8' });
const mounted = mount('-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mnt).status === 0;
if (!mounted) console.warn(`disk-full tests skipped: not available here (mounting a tmpfs at ${mnt} needs root)`);

afterAll(() => {
  if (mounted) spawnSync('umount', ['-l', mnt]);
  fs.rmSync(mnt, { recursive: true, force: true });
});

afterEach(() => fs.rmSync(path.join(mnt, 'ballast'), { force: true }));

const session = new ClientSession(null);
const TRAIN = {
  dataset: 'fashion-mnist',
  preset: 'micro',
  epochs: 1,
  batchSize: 16,
  maxTrainSamples: 480,
  valFraction: 0.005,
  maxTestSamples: 64,
  checkpointEvery: 4,
  seed: 3,
};

/** Writes a ballast file until the disk refuses; returns its path. */
function fillDisk(dir: string): string {
  const file = path.join(dir, 'ballast');
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(256 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f));
}

describe.skipIf(!mounted)('a full disk and a read-only one (tmpfs)', () => {
  it('ENOSPC mid-training: a typed error naming the file, no half-written checkpoint, run.json true, resumable', async () => {
    const api = openTestApi({ workspaceDir: path.join(mnt, 'ws'), registry: builtinKinds, registryUrl: undefined });
    const started = api.runner.start('train', TRAIN);
    const ckptDir = path.join(api.workspace.runs.dir(started.id), 'checkpoint');
    await until(() => fs.existsSync(path.join(ckptDir, 'latest.json')), 240_000, 'the first checkpoint');
    const ballast = fillDisk(mnt);

    const failed = await api.runner.wait(started.id);
    expect(failed.status).toBe('failed');
    expect(failed.resumable).toBe(true);
    console.log(`the run failed with: ${failed.error}`);
    expect(failed.error).toMatch(new RegExp(`${mnt}/ws/\\S+: could not [\\w ]+: no space left on the device \\(ENOSPC\\)`));

    // The API, while the disk is full: typed errors that name the path, reads still answer.
    const runsBefore = fs.readdirSync(api.workspace.runs.root).sort();
    const refused = await api.dispatch('jobsStart', { kind: 'train', params: TRAIN }, session);
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'storage', message: expect.stringMatching(new RegExp(`${mnt}/ws/.*no space left on the device \\(ENOSPC\\)`)) },
    });
    expect(fs.readdirSync(api.workspace.runs.root).sort()).toEqual(runsBefore); // no half-created run
    expect(await api.dispatch('runsList', {}, session)).toMatchObject({ ok: true });

    // Exactly one complete checkpoint is left, and no temp file anywhere.
    const ckpts = fs.readdirSync(ckptDir).filter((n) => n.startsWith('ckpt-'));
    expect(ckpts).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(ckptDir, ckpts[0], 'state.json'), 'utf8')).step).toBeGreaterThanOrEqual(4);
    expect(filesUnder(path.join(mnt, 'ws')).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // Space comes back: run.json catches up with the failure, and the run resumes to success.
    fs.rmSync(ballast);
    const runFile = path.join(api.workspace.runs.dir(started.id), 'run.json');
    await until(() => readDoc(runFile, RUN_DOC).status === 'failed', 30_000, 'run.json to record the failure');
    const resumed = await api.dispatch('jobsResume', { id: started.id }, session);
    expect(resumed).toMatchObject({ ok: true });
    expect((await api.runner.wait(started.id)).status).toBe('succeeded');
    expect(readDoc(runFile, RUN_DOC).attempts.map((a) => [a.status, a.resumed])).toEqual([
      ['failed', false],
      ['succeeded', true],
    ]);
    await api.close();
  });

  it('a read-only workspace: jobsStart and runsDelete answer storage errors naming the path (EROFS), nothing changes', async () => {
    const api = openTestApi({ workspaceDir: path.join(mnt, 'ro') });
    const done = api.runner.start('count', { steps: 2 });
    await api.runner.wait(done.id);
    expect(mount('-o', 'remount,ro', mnt).status).toBe(0);
    try {
      const erofs = (where: string) =>
        expect.stringMatching(new RegExp(`${where}\\S*: could not [\\w ]+: the file system is read-only \\(EROFS\\)`));
      const start = await api.dispatch('jobsStart', { kind: 'count', params: { steps: 1 } }, session);
      expect(start).toMatchObject({ ok: false, error: { code: 'storage', message: erofs(api.workspace.runs.root) } });
      const del = await api.dispatch('runsDelete', { id: done.id }, session);
      expect(del).toMatchObject({ ok: false, error: { code: 'storage', message: erofs(api.workspace.runs.root) } });
      expect(await api.dispatch('runsGet', { id: done.id }, session)).toMatchObject({ ok: true, data: { status: 'succeeded' } });
    } finally {
      expect(mount('-o', 'remount,rw', mnt).status).toBe(0);
    }
    await api.close();
  });
});
