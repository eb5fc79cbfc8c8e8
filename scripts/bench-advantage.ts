/**
 * `npm run bench:advantage`: does our advantage (G - V with the learned baseline, batch-scaled) learn
 * better than the reference's per-sample standardised returns? Both train the same agent, same seeds, on
 * the two synthetic tasks whose answer is known (test/train/synthetic.ts): "skipping is free" (the best
 * policy skips everything) and "every layer is needed" (the best policy runs everything). Reported: the
 * greedy policy's executed cost and reward on held-out images after a fixed number of steps, per seed.
 */
import path from 'node:path';
import { initBackend } from '../src-main/core/backend';
import { evaluate, trainAgent, type AdvantageMode } from '../src-main/core/train';
import { table } from '../src-main/core/bench/table';
import { allLayersNeededModel, identityBlocksModel, saveTemp, syntheticDataset, tempDir } from '../test/train/synthetic';

await initBackend();
const seeds = [1, 2, 3];
const epochs = Number(process.env.EPOCHS ?? 12);
const tasks = {
  'skipping is free (alpha 1)': { model: identityBlocksModel, alpha: 1 },
  'every layer needed (alpha 0.5)': { model: allLayersNeededModel, alpha: 0.5 },
};
const rows: (string | number)[][] = [];
const json: Record<string, unknown>[] = [];
for (const [task, t] of Object.entries(tasks)) {
  const from = await saveTemp(t.model());
  const data = syntheticDataset(256);
  for (const mode of ['baseline', 'reference'] as AdvantageMode[]) {
    const costs: number[] = [];
    const rewards: number[] = [];
    for (const seed of seeds) {
      const out = path.join(await tempDir('skipvit-adv-'), 'm');
      const r = await trainAgent({ data, from, out, alpha: t.alpha, epochs, batchSize: 32, agentLr: 3e-2, freezeBackbone: true, augment: false, advantage: mode, seed });
      const e = await evaluate(r.model, data.test, data.info, { mode: 'dynamic' });
      const totalCost = r.model.costs.reduce((a, c) => a + c, 0);
      costs.push(e.meanExecutedCost);
      rewards.push(e.accuracy - t.alpha * e.meanExecutedCost * totalCost);
      r.model.dispose();
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    rows.push([task, mode, costs.map((c) => c.toFixed(2)).join(' '), mean(rewards).toFixed(3)]);
    json.push({ task, mode, epochs, steps: epochs * 8, executedCost: costs, reward: rewards, meanReward: mean(rewards) });
  }
}
console.log(`${epochs} epochs x 8 steps, agent lr 3e-2, seeds ${seeds.join(', ')}; held-out greedy policy`);
console.log(table(['task', 'advantage', 'executed cost per seed', 'mean reward'], rows));
console.log(JSON.stringify(json));
