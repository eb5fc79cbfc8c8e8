/** An agent trained from an exported Pareto point describes the new model, not the export it started from. */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { defaultMeta, readModelMeta, saveModel, ViT } from '../../src-main/core/model';
import { trainAgent } from '../../src-main/core/train';
import { syntheticDataset, tempDir, TINY } from './synthetic';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('agent from an exported model', () => {
  it("drops the export's gate bias, source layers and export record from the new model's metadata", async () => {
    const root = await tempDir('skipvit-agent-export-');
    const from = path.join(root, 'exported');
    // What `skipvit export` writes for a point that pruned layer 1 of 5 and chose per-layer biases.
    const m = ViT.create(TINY, 3);
    await saveModel(from, m, {
      ...defaultMeta(m, 'dynamic'),
      gateBias: [0.5, -1, 2, 0.25],
      sourceLayers: [0, 2, 3, 4],
      sourceDepth: 5,
      export: { from: '/somewhere/model', run: 'search-1', point: 3 },
    });
    m.dispose();
    const out = path.join(root, 'retrained');
    const r = await trainAgent({ data: syntheticDataset(32, (i) => i % 2), from, out, epochs: 1, batchSize: 16, seed: 1 });
    r.model.dispose();
    const { meta } = await readModelMeta(out);
    expect(meta.gateBias).toBeUndefined(); // the old bias was tuned to the old gates; the new gates run unbiased
    expect(meta.sourceLayers).toBeUndefined();
    expect(meta.sourceDepth).toBeUndefined();
    expect(meta.export).toBeUndefined();
    expect((meta.agent as { from: string }).from).toBe(from); // the lineage is kept where it belongs
    expect(meta.costs).toEqual(r.meta.costs);
  });
});
