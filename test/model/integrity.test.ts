/**
 * A saved model says whether it is complete and carries the sha256 of its weights; loading checks both
 * and refuses non-finite weights (issue 15, findings 5 and 7). Training writes its best-so-far weights
 * marked incomplete and marks them complete only when it ends; `--allow-incomplete` (loadModel's
 * allowIncomplete) takes them anyway.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { defaultMeta, loadModel, saveModel, ViT } from '../../src-main/core/model';
import { trainStatic } from '../../src-main/core/train';
import { syntheticDataset } from '../train/synthetic';
import { smallConfig } from './helpers';

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skipvit-integrity-'));
});

const skipvitBlock = async (folder: string) => JSON.parse(await fs.readFile(path.join(folder, 'model.json'), 'utf8')).modelTopology.skipvit;

describe('model completion marker and weights checksum', () => {
  it('saveModel records complete and the sha256 of weights.bin; loading verifies the checksum', async () => {
    const m = ViT.create(smallConfig(), 1);
    const out = path.join(dir, 'ok');
    await saveModel(out, m, defaultMeta(m, 'static'));
    const block = await skipvitBlock(out);
    const weights = await fs.readFile(path.join(out, 'weights.bin'));
    expect(block.complete).toBe(true);
    expect(block.weightsSha256).toBe(createHash('sha256').update(weights).digest('hex'));
    (await loadModel(out)).model.dispose();

    // Same length, one byte changed: only the checksum can tell.
    const corrupt = path.join(dir, 'corrupt');
    await fs.cp(out, corrupt, { recursive: true });
    weights[100] ^= 0xff;
    await fs.writeFile(path.join(corrupt, 'weights.bin'), weights);
    await expect(loadModel(corrupt)).rejects.toThrow(
      /corrupt[/\\]weights\.bin: checksum mismatch \(sha256 [0-9a-f]{64}, model\.json records [0-9a-f]{64}\)/,
    );
    await expect(loadModel(corrupt, { allowIncomplete: true })).rejects.toThrow(/checksum mismatch/);
    m.dispose();
  });

  it('refuses weights holding NaN or Infinity, naming the weight', async () => {
    const m = ViT.create(smallConfig(), 2);
    const name = [...m.variables().keys()][3];
    const v = m.variables().get(name)!;
    v.assign(tf.fill(v.shape, NaN));
    const out = path.join(dir, 'nan');
    await saveModel(out, m, defaultMeta(m, 'static'));
    const count = v.size;
    await expect(loadModel(out)).rejects.toThrow(
      `${path.join(out, 'weights.bin')}: weight "${name}" holds ${count} non-finite values (NaN or Infinity) of ${count}: training diverged or the file is corrupt`,
    );
    m.dispose();
  });

  it('an incomplete model is refused with a clear error unless allowIncomplete; a model without a marker (older build) loads', async () => {
    const m = ViT.create(smallConfig(), 3);
    const out = path.join(dir, 'partial');
    await saveModel(out, m, { ...defaultMeta(m, 'static'), complete: false, bestEpoch: 2 });
    await expect(loadModel(out)).rejects.toThrow(
      /partial[/\\]model\.json: the model is incomplete: training wrote these best-so-far weights \(epoch 2\) and has not finished; .*--allow-incomplete/,
    );
    (await loadModel(out, { allowIncomplete: true })).model.dispose();

    const legacy = path.join(dir, 'legacy');
    await fs.cp(out, legacy, { recursive: true });
    const json = JSON.parse(await fs.readFile(path.join(legacy, 'model.json'), 'utf8'));
    delete json.modelTopology.skipvit.complete;
    delete json.modelTopology.skipvit.weightsSha256;
    await fs.writeFile(path.join(legacy, 'model.json'), JSON.stringify(json));
    (await loadModel(legacy)).model.dispose();
    m.dispose();
  });

  it('training leaves its model incomplete until it ends: a stopped run is refused, the resumed one is complete', async () => {
    const data = syntheticDataset(64, (i) => i % 2);
    const out = path.join(dir, 'trained');
    const opts = {
      data,
      preset: 'micro' as const,
      configOverrides: { depth: 2, dim: 16, heads: 2, patchSize: 4, gateHidden: 8 },
      epochs: 2,
      batchSize: 16,
      out,
      seed: 1,
    };
    // 3 steps per epoch (57 training images): stop after the first epoch wrote its best model.
    const first = await trainStatic(opts, { stopAfterSteps: 4 });
    first.model.dispose();
    expect(first.stoppedEarly).toBe(true);
    expect(await skipvitBlock(out)).toMatchObject({ complete: false, bestEpoch: 1 });
    await expect(loadModel(out)).rejects.toThrow(/the model is incomplete/);

    // The CLI refuses it too, and takes it with --allow-incomplete.
    const cli = (...extra: string[]) =>
      spawnSync(
        process.execPath,
        ['bin/skipvit.mjs', 'eval', '--model', out, '--dataset', 'fashion-mnist', '--limit', '4', '--backend', 'cpu', ...extra],
        {
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
    const refused = cli();
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/the model is incomplete.*--allow-incomplete/);
    // With the flag the model loads; this 8x8 model then meets 28x28 images, a different, later error.
    expect(cli('--allow-incomplete').stderr).not.toMatch(/incomplete/);

    const rest = await trainStatic(opts, { resume: true });
    rest.model.dispose();
    expect(await skipvitBlock(out)).toMatchObject({ complete: true });
    (await loadModel(out)).model.dispose();
  });
});
