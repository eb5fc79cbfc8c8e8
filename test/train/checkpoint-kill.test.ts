/**
 * Checkpoints survive kill -9 at any moment (issue 15, finding 3): a child process rewrites the checkpoint
 * of one step again and again, as the mid-epoch and end-of-epoch checkpoints do when they share a step,
 * and is killed with SIGKILL at arbitrary moments. Each time, the checkpoint folder must still hold a
 * complete checkpoint that loads with its position. A resume that finds only a broken checkpoint says so
 * instead of silently starting again from step 0.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { latestCheckpoint, loadCheckpoint } from '../../src-main/core/train';
import { tempDir } from './synthetic';

const CHILD = path.resolve('test/train/fixtures/rewrite-checkpoint.ts');

beforeAll(async () => {
  await initBackend('cpu');
});

/** Starts the rewriting child and kills it (SIGKILL) `delayMs` after its first checkpoint is complete. */
async function killWhileRewriting(dir: string, delayMs: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`the checkpoint writer exited (code ${code}) before its first checkpoint`)));
  });
  await new Promise((r) => setTimeout(r, delayMs));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}

describe('checkpoints under kill -9', () => {
  it('a kill while the same step is rewritten always leaves a complete checkpoint that loads', async () => {
    const root = await tempDir('skipvit-ckpt-kill-');
    for (const [i, delayMs] of [40, 150, 330].entries()) {
      const dir = path.join(root, String(i));
      await killWhileRewriting(dir, delayMs);
      const folder = await latestCheckpoint(dir);
      expect(folder, `kill ${delayMs} ms into the rewrites: no usable checkpoint left in ${dir}`).not.toBeNull();
      const ck = await loadCheckpoint(folder!);
      expect(ck.position.step).toBe(5);
      ck.model.dispose();
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a checkpoint folder whose latest checkpoint is broken is refused with a clear error, not restarted from step 0', async () => {
    const dir = await tempDir('skipvit-ckpt-broken-');
    fs.mkdirSync(path.join(dir, 'ckpt-00000005'));
    fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify({ checkpoint: 'ckpt-00000005', step: 5 }));
    await expect(latestCheckpoint(dir)).rejects.toThrow(
      /latest\.json names ckpt-00000005, which is incomplete.*no other complete checkpoint/,
    );
    // Without latest.json nothing was ever completed: a fresh start is right.
    fs.rmSync(path.join(dir, 'latest.json'));
    expect(await latestCheckpoint(dir)).toBeNull();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
