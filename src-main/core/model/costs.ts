/**
 * Per-layer costs c_l for the RL reward r = 1[correct] - alpha * sum_l a_l c_l (SPEC 2).
 */
import type { ViTConfig } from './config';

/**
 * 'reference': the thesis code's costs, softmax(geomspace(0.1, 0.9, L+1)) with the first L kept, so later
 * layers cost more (for L=12: 0.057 ... 0.108, summing to 0.874).
 * 'uniform': 1/L each, which is FLOP-proportional here because every block has the same FLOPs.
 */
export function layerCosts(config: Pick<ViTConfig, 'depth' | 'costs'>): number[] {
  const L = config.depth;
  if (config.costs === 'uniform') return Array.from({ length: L }, () => 1 / L);
  const g = Array.from({ length: L + 1 }, (_, i) => 0.1 * Math.pow(0.9 / 0.1, i / L));
  const e = g.map(Math.exp);
  const z = e.reduce((a, b) => a + b, 0);
  return e.slice(0, L).map((v) => v / z);
}

/** Executed cost of one sample as a fraction of the total layer cost (1.0 = every layer ran). */
export function executedCostFraction(executed: ArrayLike<number>, costs: number[]): number {
  let run = 0;
  let all = 0;
  for (let l = 0; l < costs.length; l++) {
    all += costs[l];
    if (executed[l]) run += costs[l];
  }
  return run / all;
}
