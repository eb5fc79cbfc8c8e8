/**
 * The agent trainer's opt-in variations (issue 17's attempts at dynamic >= static): curriculum, distillation,
 * consolidation, FLOP-proportional reward costs. Each off by default; each checked against what it must do.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { loadModel, type ViT } from '../../src-main/core/model';
import { curriculumForceRun, distillationLoss, trainAgent, type MetricRecord } from '../../src-main/core/train';
import { allLayersNeededModel, identityBlocksModel, saveTemp, syntheticDataset, tempDir } from './synthetic';

beforeAll(async () => {
  await initBackend('wasm');
});

const data = syntheticDataset(64);

/** Gates that always choose `choice` (fc2's bias dominates: logits are [skip, run]). */
function gatesAlways(m: ViT, choice: 'run' | 'skip'): ViT {
  for (const g of m.params.gates) {
    g.fc2.w.assign(tf.zerosLike(g.fc2.w));
    g.fc2.b.assign(tf.tensor1d(choice === 'run' ? [-10, 10] : [10, -10]));
  }
  return m;
}

async function train(from: string, extra: Partial<Parameters<typeof trainAgent>[0]>) {
  const metrics: MetricRecord[] = [];
  const out = path.join(await tempDir('skipvit-agent-opt-'), 'm');
  const r = await trainAgent({ data, from, out, epochs: 1, batchSize: 32, augment: false, seed: 4, ...extra }, { onMetric: (m) => metrics.push(m) });
  return { r, metrics, steps: metrics.filter((m) => m.kind === 'step') };
}

describe('curriculum', () => {
  it('forces the first layers to run and frees one more layer at a time until the agent decides all', () => {
    expect(curriculumForceRun(4, 0, 8)).toEqual([true, true, true, false]);
    expect(curriculumForceRun(4, 3, 8)).toEqual([true, true, false, false]);
    expect(curriculumForceRun(4, 5, 8)).toEqual([true, false, false, false]);
    expect(curriculumForceRun(4, 7, 8)).toEqual([false, false, false, false]);
    expect(curriculumForceRun(4, 8, 8)).toBeUndefined();
    expect(curriculumForceRun(4, 0, 0)).toBeUndefined();
  });

  it('in training, forced layers run even when every gate says skip', async () => {
    const from = await saveTemp(gatesAlways(identityBlocksModel(), 'skip'));
    const plain = await train(from, { freezeBackbone: true });
    const curriculum = await train(from, { freezeBackbone: true, curriculumEpochs: 1 });
    // Step 1 of a 2-step curriculum: the agent decides the last 2 of 4 layers; the first two run whatever the gates say.
    const costs = plain.r.model.costs;
    const forced = (costs[0] + costs[1]) / costs.reduce((a, c) => a + c, 0);
    expect(plain.steps[0].executedCost).toBe(0);
    expect(curriculum.steps[0].executedCost).toBeCloseTo(forced, 5);
    expect(curriculum.r.meta.agent).toMatchObject({ curriculumEpochs: 1 });
    await expect(train(from, { curriculumEpochs: 2 })).rejects.toThrow(/curriculum \(2 epochs\) is longer/);
  });
});

describe('distillation', () => {
  it('is KL(teacher || student) at temperature T, times T^2 (hand-computed)', () => {
    const teacher = tf.tensor2d([[0, Math.log(3)]]); // p = [1/4, 3/4]
    const student = tf.tensor2d([[0, 0]]); // q = [1/2, 1/2]
    expect(distillationLoss(student, teacher, 1).dataSync()[0]).toBeCloseTo(0.25 * Math.log(0.5) + 0.75 * Math.log(1.5), 5); // 0.130812
    expect(distillationLoss(student, teacher, 2).dataSync()[0]).toBeCloseTo(0.145363131, 5);
    expect(distillationLoss(teacher, teacher, 2).dataSync()[0]).toBeCloseTo(0, 6);
    expect(() => distillationLoss(student, teacher, 0)).toThrow(/temperature/);
  });

  it('in joint fine-tuning, adds the term against the static model it started from, which is left unchanged', async () => {
    const from = await saveTemp(allLayersNeededModel());
    const before = (await loadModel(from)).model;
    const { r, steps } = await train(from, { distill: { weight: 1 } });
    expect(steps.length).toBeGreaterThan(0);
    for (const m of steps) expect(m.distillLoss).toBeGreaterThanOrEqual(0);
    expect(r.meta.agent).toMatchObject({ distill: { weight: 1, temperature: 2, teacher: from } });
    const after = (await loadModel(from)).model;
    for (const [name, v] of before.variables()) expect(Array.from(after.variables().get(name)!.dataSync())).toEqual(Array.from(v.dataSync()));
    await expect(train(from, { distill: { weight: 1 }, freezeBackbone: true })).rejects.toThrow(/frozen backbone/);
  });
});

describe('consolidation', () => {
  it('fine-tunes the backbone with the gates and value heads frozen', async () => {
    const from = await saveTemp(allLayersNeededModel());
    const source = (await loadModel(from)).model;
    const { r } = await train(from, { epochs: 0, consolidationEpochs: 1 });
    const trained = r.model.variables();
    let backboneMoved = false;
    for (const [name, v] of source.variables()) {
      const same = Array.from(trained.get(name)!.dataSync()).every((x, i) => x === v.dataSync()[i]);
      if (name.startsWith('gates.') || name.startsWith('values.')) expect(same, name).toBe(true);
      else if (!same) backboneMoved = true;
    }
    expect(backboneMoved).toBe(true);
    expect(r.meta.agent).toMatchObject({ consolidationEpochs: 1 });
  });
});

describe('FLOP-proportional reward costs', () => {
  it('charge 1/L per layer run instead of the model\'s costs', async () => {
    const from = await saveTemp(gatesAlways(identityBlocksModel(), 'run'));
    const alpha = 0.5;
    const model = await train(from, { freezeBackbone: true, alpha });
    const flops = await train(from, { freezeBackbone: true, alpha, rewardCosts: 'flops' });
    // Every layer runs at step 1 in both, on the same images with the same weights: the rewards differ by alpha (1 - sum c_l).
    const sum = model.r.model.costs.reduce((a, c) => a + c, 0);
    expect((model.steps[0].reward as number) - (flops.steps[0].reward as number)).toBeCloseTo(alpha * (1 - sum), 5);
    expect(flops.r.meta.agent).toMatchObject({ rewardCosts: 'flops' });
  });
});
