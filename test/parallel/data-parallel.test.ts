/**
 * Data-parallel training (core/parallel): 2 worker threads against 1, same seed and global batch.
 * Small on purpose (a 2-layer width-16 model, 8x8 images): the claims are about equality, not speed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { loadModel, type ViT } from '../../src-main/core/model';
import { WorkerFailedError } from '../../src-main/core/parallel/train-pool';
import { latestCheckpoint, trainAgent, trainStatic, type TrainHooks } from '../../src-main/core/train';
import { CancelledError } from '../../src-main/core/util/cancel';
import { identityBlocksModel, saveTemp, syntheticDataset, tempDir } from '../train/synthetic';

beforeAll(async () => {
  await initBackend('wasm');
});

const overrides = { depth: 2, dim: 16, heads: 2, patchSize: 4, gateHidden: 8 };
/** 160 images at batch 16: 10 steps an epoch. */
const data = syntheticDataset(160, (i) => i % 2);
const staticOpts = (out: string) => ({ data, preset: 'micro' as const, configOverrides: overrides, epochs: 2, batchSize: 16, out, seed: 7 });

interface Trace {
  losses: number[];
  hashes: number[][];
}

function traced(hooks: TrainHooks = {}): { hooks: TrainHooks; trace: Trace } {
  const trace: Trace = { losses: [], hashes: [] };
  return {
    trace,
    hooks: {
      checkpointEvery: 1000,
      ...hooks,
      onProgress: (p) => {
        if (p.phase === 'train') trace.losses[p.step - 1] = p.loss!;
        hooks.onProgress?.(p);
      },
      parallel: { onReplicaHashes: (step, hashes) => (trace.hashes[step] = hashes), ...hooks.parallel },
    },
  };
}

function maxWeightDiff(a: ViT, b: ViT): number {
  const vb = b.variables();
  let max = 0;
  for (const [name, v] of a.variables()) {
    const x = v.dataSync();
    const y = vb.get(name)!.dataSync();
    for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
  }
  return max;
}

function expectReplicasEqual(trace: Trace, steps: number, workers: number): void {
  expect(trace.hashes.filter(Boolean)).toHaveLength(steps);
  for (const h of trace.hashes) {
    expect(h).toHaveLength(workers);
    expect(new Set(h).size).toBe(1);
  }
}

describe('data-parallel training', () => {
  it('static: 2 workers give the losses of 1 worker at each of 20 steps and the same final weights; replicas equal after every step', async () => {
    const root = await tempDir('skipvit-dp-static-');
    const one = traced();
    const a = await trainStatic(staticOpts(path.join(root, 'one')), one.hooks);
    const two = traced({ workers: 2 });
    const b = await trainStatic(staticOpts(path.join(root, 'two')), two.hooks);
    expect(a.steps).toBe(20);
    expect(b.steps).toBe(20);
    expect(two.trace.losses).toHaveLength(20);
    two.trace.losses.forEach((l, i) => expect(Math.abs(l - one.trace.losses[i])).toBeLessThan(1e-4));
    expect(one.trace.hashes).toHaveLength(0); // one worker: the step ran in this thread
    expectReplicasEqual(two.trace, 20, 2);
    expect(maxWeightDiff(a.model, b.model)).toBeLessThan(1e-4);
    // The saved best models too (the main thread's copy was brought up to date before saving).
    const [sa, sb] = [(await loadModel(path.join(root, 'one'))).model, (await loadModel(path.join(root, 'two'))).model];
    expect(maxWeightDiff(sa, sb)).toBeLessThan(1e-4);
    for (const m of [a.model, b.model, sa, sb]) m.dispose();
  });

  /** The agent run with 1 and with 2 workers: the same loss at each step, identical replicas, the same final weights. */
  async function expectAgentWorkersAgree(prefix: string, opts: (out: string) => Parameters<typeof trainAgent>[0], steps: number): Promise<void> {
    const root = await tempDir(prefix);
    const one = traced();
    const a = await trainAgent(opts(path.join(root, 'one')), one.hooks);
    const two = traced({ workers: 2 });
    const b = await trainAgent(opts(path.join(root, 'two')), two.hooks);
    expect(two.trace.losses).toHaveLength(steps);
    two.trace.losses.forEach((l, i) => expect(Math.abs(l - one.trace.losses[i])).toBeLessThan(1e-4));
    expectReplicasEqual(two.trace, steps, 2);
    expect(maxWeightDiff(a.model, b.model)).toBeLessThan(1e-4);
    a.model.dispose();
    b.model.dispose();
  }

  it('agent: 2 workers give the losses of 1 worker at each of 10 steps (the same per-sample actions) and the same final weights', async () => {
    const from = await saveTemp(identityBlocksModel());
    // 320 images at batch 32: 10 steps; the baseline advantage's std spans both shards.
    const agentData = syntheticDataset(320, (i) => i % 2);
    await expectAgentWorkersAgree('skipvit-dp-agent-', (out) => ({ data: agentData, from, out, epochs: 1, batchSize: 32, alpha: 0.5, seed: 11 }), 10);
  });

  it('agent variations (curriculum, distillation, consolidation) give the same losses with 2 workers as with 1', async () => {
    const from = await saveTemp(identityBlocksModel());
    // 160 images at batch 32: 5 agent steps under the curriculum, then 5 consolidation steps (gates frozen).
    const opts = (out: string) => ({
      data, from, out, epochs: 1, batchSize: 32, alpha: 0.5, seed: 13, curriculumEpochs: 1, consolidationEpochs: 1, distill: { weight: 0.5 },
    });
    await expectAgentWorkersAgree('skipvit-dp-agent-var-', opts, 10);
  });

  it('resume of a 2-worker run from a checkpoint equals the uninterrupted 2-worker run', async () => {
    const root = await tempDir('skipvit-dp-resume-');
    const full = traced({ workers: 2 });
    const a = await trainStatic(staticOpts(path.join(root, 'a')), full.hooks);
    const part = traced({ workers: 2, stopAfterSteps: 7 });
    const b1 = await trainStatic(staticOpts(path.join(root, 'b')), part.hooks);
    expect(b1.stoppedEarly).toBe(true);
    b1.model.dispose();
    const rest = traced({ workers: 2, resume: true });
    const b2 = await trainStatic(staticOpts(path.join(root, 'b')), rest.hooks);
    expect(b2.steps).toBe(20);
    expect(rest.trace.losses.slice(7)).toEqual(full.trace.losses.slice(7));
    expect(maxWeightDiff(a.model, b2.model)).toBe(0);
    a.model.dispose();
    b2.model.dispose();
  });

  it('cancel stops every worker within one step and leaves a loadable checkpoint', async () => {
    const root = await tempDir('skipvit-dp-cancel-');
    const ac = new AbortController();
    let threads: readonly Worker[] = [];
    const exited: number[] = [];
    let steps = 0;
    const run = trainStatic(staticOpts(path.join(root, 'm')), {
      workers: 2,
      signal: ac.signal,
      onProgress: (p) => {
        steps = p.step;
        if (p.step === 3) ac.abort();
      },
      parallel: {
        onWorkers: (w) => {
          threads = w;
          w.forEach((t, k) => t.on('exit', () => exited.push(k)));
        },
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(steps).toBe(3);
    expect(threads).toHaveLength(2);
    expect(exited.sort()).toEqual([0, 1]); // both threads had exited when the run returned
    const folder = await latestCheckpoint(path.join(root, 'm', 'checkpoints'));
    expect(JSON.parse(await fs.readFile(path.join(folder!, 'state.json'), 'utf8')).step).toBe(3);
    (await loadModel(folder!)).model.dispose();
  });

  it('a worker killed mid-run fails the job with a clear error and leaves the last checkpoint loadable and resumable', async () => {
    const root = await tempDir('skipvit-dp-kill-');
    let threads: readonly Worker[] = [];
    const run = trainStatic(staticOpts(path.join(root, 'm')), {
      workers: 2,
      checkpointEvery: 5,
      onProgress: (p) => {
        if (p.phase === 'train' && p.step === 6) void threads[1].terminate();
      },
      parallel: { onWorkers: (w) => (threads = w) },
    });
    const err = await run.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerFailedError);
    expect((err as Error).message).toMatch(/training worker 2 of 2 exited \(code 1\) during step 7/);
    expect((err as Error).message).toContain(path.join(root, 'm', 'checkpoints'));
    const folder = await latestCheckpoint(path.join(root, 'm', 'checkpoints'));
    expect(JSON.parse(await fs.readFile(path.join(folder!, 'state.json'), 'utf8')).step).toBe(5);
    (await loadModel(folder!)).model.dispose();
    const resumed = await trainStatic(staticOpts(path.join(root, 'm')), { workers: 2, resume: true });
    expect(resumed.steps).toBe(20);
    resumed.model.dispose();
  });
});
