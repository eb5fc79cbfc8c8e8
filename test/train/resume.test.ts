import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { loadModel } from '../../src-main/core/model';
import { latestCheckpoint, trainAgent, trainStatic, type MetricRecord } from '../../src-main/core/train';
import { CancelledError } from '../../src-main/core/util/cancel';
import { saveTemp, syntheticDataset, tempDir, identityBlocksModel } from './synthetic';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Labels that depend on the image, so the static model has something to learn. */
const data = syntheticDataset(192, (i) => i % 2);

async function weights(dir: string): Promise<Float32Array[]> {
  const { model } = await loadModel(dir);
  const out = [...model.variables().values()].map((v) => v.dataSync().slice() as Float32Array);
  model.dispose();
  return out;
}

function stepLosses(records: MetricRecord[]): [number, number][] {
  return records.filter((r) => r.kind === 'step').map((r) => [r.step, Number(r.loss)]);
}

describe('checkpoints', () => {
  it('static: stop mid-epoch, resume, and the final weights and later losses equal an uninterrupted run', async () => {
    const root = await tempDir('skipvit-resume-');
    const opts = (out: string) => ({ data, preset: 'micro' as const, configOverrides: { depth: 2, dim: 16, heads: 2, patchSize: 4, gateHidden: 8 }, epochs: 2, batchSize: 16, out, seed: 3 });
    const full: MetricRecord[] = [];
    const a = await trainStatic(opts(path.join(root, 'a')), { onMetric: (m) => full.push(m), checkpointEvery: 1000 });
    a.model.dispose();

    const part: MetricRecord[] = [];
    const b1 = await trainStatic(opts(path.join(root, 'b')), { stopAfterSteps: 7, checkpointEvery: 1000, onMetric: (m) => part.push(m) });
    expect(b1.stoppedEarly).toBe(true);
    b1.model.dispose();
    const b2 = await trainStatic(opts(path.join(root, 'b')), { resume: true, onMetric: (m) => part.push(m) });
    b2.model.dispose();
    expect(b2.steps).toBe(a.steps);
    // The whole run's time survives the resume: the resumed call adds its own seconds to the checkpoint's.
    expect(a.resumedFromStep).toBe(0);
    expect(a.trainedSeconds).toBe(a.wallSeconds);
    expect(b2.resumedFromStep).toBe(7);
    expect(b2.trainedSeconds!).toBeGreaterThan(b2.wallSeconds);
    expect(b2.trainedSeconds!).toBeLessThanOrEqual(b1.wallSeconds + b2.wallSeconds);
    expect(stepLosses(part).filter(([s]) => s > 7)).toEqual(stepLosses(full).filter(([s]) => s > 7));
    const wa = await weights(path.join(root, 'a'));
    const wb = await weights(path.join(root, 'b'));
    wa.forEach((w, i) => expect(Array.from(wb[i])).toEqual(Array.from(w)));
  });

  it('agent: resume restores the sampling RNG and both optimisers (same losses after the stop)', async () => {
    const root = await tempDir('skipvit-resume-agent-');
    const from = await saveTemp(identityBlocksModel());
    const opts = (out: string) => ({ data, from, out, epochs: 2, batchSize: 32, alpha: 1, seed: 5 });
    const full: MetricRecord[] = [];
    (await trainAgent(opts(path.join(root, 'a')), { onMetric: (m) => full.push(m) })).model.dispose();
    const part: MetricRecord[] = [];
    (await trainAgent(opts(path.join(root, 'b')), { stopAfterSteps: 4, onMetric: (m) => part.push(m) })).model.dispose();
    // A checkpoint written before the loop kept its seconds: the resumed run's total time is unknown, not guessed.
    const state = path.join((await latestCheckpoint(path.join(root, 'b', 'checkpoints')))!, 'state.json');
    const { trainedSeconds, ...older } = JSON.parse(readFileSync(state, 'utf8'));
    expect(trainedSeconds).toBeGreaterThan(0);
    await fs.writeFile(state, JSON.stringify(older));
    const b2 = await trainAgent(opts(path.join(root, 'b')), { resume: true, onMetric: (m) => part.push(m) });
    b2.model.dispose();
    expect(b2.resumedFromStep).toBe(4);
    expect(b2.trainedSeconds).toBeNull();
    expect(stepLosses(part).filter(([s]) => s > 4)).toEqual(stepLosses(full).filter(([s]) => s > 4));
    const wa = await weights(path.join(root, 'a'));
    const wb = await weights(path.join(root, 'b'));
    wa.forEach((w, i) => expect(Array.from(wb[i])).toEqual(Array.from(w)));
  });

  it('cancel stops within one step and leaves a loadable checkpoint', async () => {
    const root = await tempDir('skipvit-cancel-');
    const ac = new AbortController();
    let steps = 0;
    const run = trainStatic(
      { data, preset: 'micro', configOverrides: { depth: 2, dim: 16, heads: 2, patchSize: 4, gateHidden: 8 }, epochs: 3, batchSize: 16, out: path.join(root, 'm') },
      { signal: ac.signal, onProgress: (p) => { steps = p.step; if (p.step === 3) ac.abort(); } },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(steps).toBe(3);
    const folder = await latestCheckpoint(path.join(root, 'm', 'checkpoints'));
    expect(folder).not.toBeNull();
    const state = JSON.parse(await fs.readFile(path.join(folder!, 'state.json'), 'utf8'));
    expect(state.step).toBe(3);
    const { model } = await loadModel(folder!);
    expect(model.depth).toBe(2);
    model.dispose();
  });

  it('onCheckpoint reports each checkpoint once it is complete (every N steps, each epoch end, and on cancel)', async () => {
    const root = await tempDir('skipvit-ckpt-hook-');
    const ckptDir = path.join(root, 'm', 'checkpoints');
    const ac = new AbortController();
    const seen: { step: number; epoch: number; latestStep: number }[] = [];
    const run = trainStatic(
      { data, preset: 'micro', configOverrides: { depth: 2, dim: 16, heads: 2, patchSize: 4, gateHidden: 8 }, epochs: 3, batchSize: 16, out: path.join(root, 'm') },
      {
        signal: ac.signal,
        checkpointEvery: 5,
        onProgress: (p) => p.step === 15 && ac.abort(),
        onCheckpoint: (info) => {
          // The hook fires after latest.json names the new checkpoint, so a reader of the folder sees the same step.
          const latest = JSON.parse(readFileSync(path.join(ckptDir, 'latest.json'), 'utf8')) as { step: number };
          seen.push({ ...info, latestStep: latest.step });
        },
      },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    // 192 images / 16 = 12 steps per epoch: steps 5, 10, the end of epoch 1 (12, resuming in epoch 1), then the cancel at 15.
    expect(seen).toEqual([
      { step: 5, epoch: 0, latestStep: 5 },
      { step: 10, epoch: 0, latestStep: 10 },
      { step: 12, epoch: 1, latestStep: 12 },
      { step: 15, epoch: 1, latestStep: 15 },
    ]);
  });
});
