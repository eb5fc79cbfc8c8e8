/**
 * Seeded randomness for splits, shuffles and augmentation. Each stream is keyed by a tuple
 * (seed, epoch, batch, ...), so any batch can be recreated without replaying the ones before it.
 */
import { Rng } from '../util/rng';

/** Mixes integers into one 32-bit seed (murmur3-style finaliser per word). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    let k = Math.imul((p | 0) ^ ((p / 0x100000000) | 0), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A generator of floats in [0, 1): the core's mulberry32 (util/rng.ts) as a plain function. */
export function createRng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

/** An integer in [0, n). */
export function randInt(rng: () => number, n: number): number {
  return Math.floor(rng() * n);
}

/** A seeded permutation of 0..n-1. */
export function permutation(n: number, seed: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return new Rng(seed).shuffle(p);
}
