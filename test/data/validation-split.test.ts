/**
 * The validation split travels with the model (issue 17, fix 2): training records it, and the search, evaluation
 * and further training use exactly those images or refuse, naming the model and both splits.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { indicesSha256, loadDataset, loadDatasetForModel, makeSplits, SplitMismatchError, type Dataset, type LoadOptions } from '../../src-main/core/data';
import { DEBIAN_FASHION_MNIST } from '../../src-main/core/data';
import { readModelMeta } from '../../src-main/core/model';
import { runSearch } from '../../src-main/core/search/vit-search';
import { trainAgent, trainStatic } from '../../src-main/core/train';
import { tempDir } from '../train/synthetic';

const embedded = (opts: LoadOptions = {}) => loadDataset('fashion-mnist', { prefer: 'embedded', ...opts });
let data: Dataset;
let modelDir: string;

beforeAll(async () => {
  await initBackend('wasm');
  data = await embedded({ valFraction: 0.2, seed: 3 });
  // A one-layer model trained for one short epoch: enough to have a model folder with the metadata training writes.
  modelDir = path.join(await tempDir('skipvit-split-'), 'static');
  const small = await embedded({ valFraction: 0.2, seed: 3, limit: { train: 64 } });
  const r = await trainStatic({ data: small, preset: 'micro', configOverrides: { depth: 2, dim: 16, heads: 2 }, epochs: 1, batchSize: 32, out: modelDir, augment: false });
  r.model.dispose();
});

describe('validation split', () => {
  it('loadDataset states its split: seed, fraction, size and the hash of the held-out indices', async () => {
    const s = data.valSplit!;
    expect(s).toMatchObject({ dataset: 'fashion-mnist', seed: 3, valFraction: 0.2, size: data.val.count });
    // The same hash as the indices makeSplits holds out, computed independently.
    const raw = await embedded({ valFraction: 0 });
    const { valIndices } = makeSplits(raw.train, raw.test, 10, { valFraction: 0.2, seed: 3 });
    expect(s.indicesSha256).toBe(indicesSha256(valIndices));
    expect((await embedded({ valFraction: 0.2, seed: 4 })).valSplit!.indicesSha256).not.toBe(s.indicesSha256);
  });

  it('training records the split in the model metadata', async () => {
    const { meta } = await readModelMeta(modelDir);
    expect(meta.validationSplit).toEqual(data.valSplit);
  });

  it('loadDatasetForModel rebuilds the model\'s split when none is asked for, and refuses another, naming the model and both splits', async () => {
    const { meta } = await readModelMeta(modelDir);
    const again = await loadDatasetForModel(modelDir, meta.validationSplit, 'fashion-mnist', { prefer: 'embedded' });
    expect(again.valSplit).toEqual(data.valSplit);
    expect(Array.from(again.val.labels)).toEqual(Array.from(data.val.labels));
    const asked = loadDatasetForModel(modelDir, meta.validationSplit, 'fashion-mnist', { prefer: 'embedded', valFraction: 0.1 });
    await expect(asked).rejects.toThrow(SplitMismatchError);
    await expect(asked).rejects.toThrow(new RegExp(`${modelDir}.*seed 3, fraction 0.2\\).*seed 3, fraction 0.1\\)`));
    // Same options, other images (a tampered or different copy of the dataset): caught by the hash.
    const tampered = { ...meta.validationSplit!, indicesSha256: '0'.repeat(64) };
    await expect(loadDatasetForModel(modelDir, tampered, 'fashion-mnist', { prefer: 'embedded' })).rejects.toThrow(/indices sha256 000000000000.*indices sha256/);
  });

  it('the search refuses data held out differently from the model, and records the split it used', async () => {
    const other = await embedded();
    await expect(runSearch({ model: modelDir, data: other, pop: 2, gens: 0, valImages: 8, testImages: 8 })).rejects.toThrow(/validation split.*fraction 0.2.*fraction 0.1/);
    const r = await runSearch({ model: modelDir, data, pop: 2, gens: 0, valImages: 8, testImages: 8 });
    expect(r.splits.val.split).toEqual(data.valSplit);
  });

  it('the agent trainer refuses a split other than its backbone\'s before training', async () => {
    const out = path.join(await tempDir('skipvit-split-agent-'), 'dynamic');
    await expect(trainAgent({ data: await embedded(), from: modelDir, out, epochs: 1 })).rejects.toThrow(SplitMismatchError);
    expect(existsSync(out)).toBe(false);
  });

  it.skipIf(!existsSync(DEBIAN_FASHION_MNIST))('the demo models record the split train:demo held out (5,000 images), verified by hash', async () => {
    for (const kind of ['static', 'dynamic']) {
      const dir = path.resolve(`resources/models/fashion-mnist-micro-${kind}`);
      const { meta } = await readModelMeta(dir);
      expect(meta.validationSplit).toMatchObject({ dataset: 'fashion-mnist', seed: 0, size: 5000 });
      const d = await loadDatasetForModel(dir, meta.validationSplit, 'fashion-mnist');
      expect(d.val.count).toBe(5000);
    }
  });
});
