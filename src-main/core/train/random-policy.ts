/**
 * The random-policy control: each image runs layer l with probability rates[l], independently of the image. With
 * a trained twin's per-layer rates it spends about the same compute as the twin, layer by layer, so the accuracy
 * difference measures what the agent's per-input choice is worth.
 */
import { Rng } from '../util/rng';

/** Decisions for n images, [n*L] row-major, 1 = run; seeded, so a control row can be reproduced. */
export function randomPolicyDecisions(n: number, rates: number[], seed: number): Uint8Array {
  for (const [l, r] of rates.entries()) if (!(r >= 0 && r <= 1)) throw new Error(`random policy: layer ${l}'s rate must be in [0, 1], got ${r}`);
  const L = rates.length;
  const rng = new Rng(seed);
  const out = new Uint8Array(n * L);
  for (let i = 0; i < n; i++) for (let l = 0; l < L; l++) out[i * L + l] = rng.next() < rates[l] ? 1 : 0;
  return out;
}
