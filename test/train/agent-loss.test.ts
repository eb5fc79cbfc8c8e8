/** The agent's reported loss is the scalar it optimises: cross-entropy + policy + value - entropy bonus. */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { trainAgent, type MetricRecord } from '../../src-main/core/train';
import { identityBlocksModel, saveTemp, syntheticDataset, tempDir } from './synthetic';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('agent loss', () => {
  it('the reported loss includes the entropy term it optimises (with its decaying weight)', async () => {
    const data = syntheticDataset(96, (i) => i % 2);
    const from = await saveTemp(identityBlocksModel());
    const records: MetricRecord[] = [];
    const entropy = 0.5; // large enough that leaving the term out is far outside rounding
    const valueWeight = 0.5;
    const epochs = 1;
    const batchSize = 16;
    const r = await trainAgent(
      { data, from, out: path.join(await tempDir('skipvit-agent-loss-'), 'm'), epochs, batchSize, alpha: 1, entropy, valueWeight, seed: 1 },
      { onMetric: (m) => records.push(m) },
    );
    r.model.dispose();
    const totalSteps = Math.floor(data.train.count / batchSize) * epochs;
    const steps = records.filter((m) => m.kind === 'step');
    expect(steps.length).toBeGreaterThan(0);
    for (const m of steps) {
      // The metric's step counts steps done; the step that produced it ran at index step - 1.
      const coef = entropy * (1 - (m.step - 1) / totalSteps);
      const optimised = Number(m.ceLoss) + Number(m.policyLoss) + valueWeight * Number(m.valueLoss) - coef * Number(m.entropy);
      expect(Number(m.entropy)).toBeGreaterThan(0.1);
      expect(Number(m.loss)).toBeCloseTo(optimised, 4);
    }
  });
});
