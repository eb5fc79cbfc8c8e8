/**
 * Variation operators for the mixed genome, transcribed from Deb's NSGA-II C code (v1.1.6: realcross,
 * real_mutate_ind) for the real genes, and the usual uniform crossover and bit-flip mutation for the bits.
 * Each operator writes into the children it is given; parents are never modified.
 */
import type { Rng } from '../util/rng';

/** Below this gap two parent genes count as equal and SBX leaves them alone (Deb's EPS). */
const EPS = 1e-14;

export interface SbxOptions {
  /** Probability that a pair of parents is recombined at all. */
  probability: number;
  /** Distribution index eta_c: larger keeps children closer to their parents. */
  eta: number;
  /** Per-variable probability of recombining one gene of a recombined pair (0.5 in Deb's code). */
  variableProbability: number;
}

/**
 * Simulated binary crossover (Deb & Agrawal 1995) with bounds: the spread factor's distribution is truncated so
 * that children stay within [lower, upper]. Children are written into c1 and c2 (same length as the parents).
 */
export function sbx(
  p1: readonly number[],
  p2: readonly number[],
  c1: number[],
  c2: number[],
  lower: readonly number[],
  upper: readonly number[],
  opts: SbxOptions,
  rng: Rng,
): void {
  const n = p1.length;
  for (let i = 0; i < n; i++) {
    c1[i] = p1[i];
    c2[i] = p2[i];
  }
  if (rng.next() >= opts.probability) return;
  const exponent = 1 / (opts.eta + 1);
  for (let i = 0; i < n; i++) {
    if (rng.next() >= opts.variableProbability) continue;
    if (Math.abs(p1[i] - p2[i]) <= EPS) continue;
    const y1 = Math.min(p1[i], p2[i]);
    const y2 = Math.max(p1[i], p2[i]);
    const yl = lower[i];
    const yu = upper[i];
    const u = rng.next();
    // Child near y1: the spread distribution is cut where the child would cross the lower bound.
    let beta = 1 + (2 * (y1 - yl)) / (y2 - y1);
    let alpha = 2 - Math.pow(beta, -(opts.eta + 1));
    let betaq = u <= 1 / alpha ? Math.pow(u * alpha, exponent) : Math.pow(1 / (2 - u * alpha), exponent);
    let a = 0.5 * (y1 + y2 - betaq * (y2 - y1));
    // Child near y2: the same, against the upper bound.
    beta = 1 + (2 * (yu - y2)) / (y2 - y1);
    alpha = 2 - Math.pow(beta, -(opts.eta + 1));
    betaq = u <= 1 / alpha ? Math.pow(u * alpha, exponent) : Math.pow(1 / (2 - u * alpha), exponent);
    let b = 0.5 * (y1 + y2 + betaq * (y2 - y1));
    a = clamp(a, yl, yu);
    b = clamp(b, yl, yu);
    // Which child receives which value is a coin flip, so neither child is biased towards low values.
    if (rng.next() < 0.5) {
      c1[i] = b;
      c2[i] = a;
    } else {
      c1[i] = a;
      c2[i] = b;
    }
  }
}

export interface PolynomialMutationOptions {
  /** Per-gene mutation probability (1/n by default in the engine). */
  probability: number;
  /** Distribution index eta_m: larger gives smaller perturbations. */
  eta: number;
}

/** Polynomial mutation (Deb & Goyal 1996), bounded variant of Deb's code, applied in place. */
export function polynomialMutation(
  x: number[],
  lower: readonly number[],
  upper: readonly number[],
  opts: PolynomialMutationOptions,
  rng: Rng,
): void {
  const power = 1 / (opts.eta + 1);
  for (let i = 0; i < x.length; i++) {
    if (rng.next() >= opts.probability) continue;
    const yl = lower[i];
    const yu = upper[i];
    const range = yu - yl;
    if (range <= 0) continue;
    const y = x[i];
    const u = rng.next();
    let deltaq: number;
    if (u <= 0.5) {
      const xy = 1 - (y - yl) / range;
      const val = 2 * u + (1 - 2 * u) * Math.pow(xy, opts.eta + 1);
      deltaq = Math.pow(val, power) - 1;
    } else {
      const xy = 1 - (yu - y) / range;
      const val = 2 * (1 - u) + 2 * (u - 0.5) * Math.pow(xy, opts.eta + 1);
      deltaq = 1 - Math.pow(val, power);
    }
    x[i] = clamp(y + deltaq * range, yl, yu);
  }
}

/**
 * Uniform crossover of bit strings: with `probability` the pair is recombined, and then each bit is swapped
 * between the children with `variableProbability`.
 */
export function uniformCrossover(
  p1: readonly number[],
  p2: readonly number[],
  c1: number[],
  c2: number[],
  probability: number,
  variableProbability: number,
  rng: Rng,
): void {
  for (let i = 0; i < p1.length; i++) {
    c1[i] = p1[i];
    c2[i] = p2[i];
  }
  if (rng.next() >= probability) return;
  for (let i = 0; i < p1.length; i++) {
    if (rng.next() < variableProbability) {
      c1[i] = p2[i];
      c2[i] = p1[i];
    }
  }
}

/** Flips each bit with the given probability, in place. */
export function bitFlip(bits: number[], probability: number, rng: Rng): void {
  for (let i = 0; i < bits.length; i++) {
    if (rng.next() < probability) bits[i] = 1 - bits[i];
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
