/**
 * A run that would train nothing is refused (issue 15, finding 4): an IDX dataset with zero training
 * images, or fewer than one batch, used to train zero steps and report success with an untrained model
 * (test accuracy NaN% or chance). Now training and evaluation say which data is short and by how much.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { loadDataset } from '../../src-main/core/data';
import { evaluate, trainStatic } from '../../src-main/core/train';
import { writeIdxDataset } from '../data/fixtures';
import { identityBlocksModel, syntheticDataset, tempDir } from './synthetic';

beforeAll(async () => {
  await initBackend('wasm');
});

const SMALL = { depth: 2, dim: 16, heads: 2, patchSize: 7, gateHidden: 8 };

describe('training that would take zero steps', () => {
  it('an IDX dataset with zero training images is refused before any step, naming the dataset', async () => {
    const root = await tempDir('skipvit-zero-');
    writeIdxDataset(path.join(root, 'mnist'), { train: 0, test: 5 });
    const data = await loadDataset('mnist', { root, prefer: 'download' });
    expect(data.train.count).toBe(0);
    await expect(
      trainStatic({ data, preset: 'micro', configOverrides: SMALL, epochs: 1, batchSize: 8, out: path.join(root, 'out') }),
    ).rejects.toThrow(/mnist: 0 training images make no batch of 8: training would take zero steps/);
  });

  it('fewer training images than one batch is refused, with the counts and what to change', async () => {
    const root = await tempDir('skipvit-short-');
    writeIdxDataset(path.join(root, 'mnist'), { train: 20, test: 5 });
    const data = await loadDataset('mnist', { root, prefer: 'download' });
    await expect(
      trainStatic({ data, preset: 'micro', configOverrides: SMALL, epochs: 2, batchSize: 64, out: path.join(root, 'out') }),
    ).rejects.toThrow(
      /mnist: 20 training images make no batch of 64: training would take zero steps; use a batch size of at most 20 or more images/,
    );
  });

  it('evaluating zero images is an error, not NaN% accuracy', async () => {
    const data = syntheticDataset(16);
    const model = identityBlocksModel();
    await expect(
      evaluate(model, { ...data.test, count: 0, labels: new Int32Array(0), images: new Uint8Array(0) }, data.info, { mode: 'static' }),
    ).rejects.toThrow(/synthetic: no images to evaluate/);
    await expect(evaluate(model, data.test, data.info, { mode: 'static', limit: 0 })).rejects.toThrow(/no images to evaluate/);
    model.dispose();
  });
});
