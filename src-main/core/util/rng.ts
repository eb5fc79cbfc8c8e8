/**
 * The core's one seeded randomness module: a small PRNG (mulberry32) with the helpers the core needs, and
 * the two ways it derives seeds (mixSeed for integer tuples such as (seed, epoch, batch), deriveSeed for a
 * seed and a label). Deterministic across platforms, and its whole state is one 32-bit integer, so it is
 * trivial to checkpoint and resume. Its 2^32 period is far beyond any stream the core draws (a search draws
 * about 10^5 numbers, an epoch's augmentation 10^5), and keeping the one generator keeps every stored split,
 * initialisation and checkpoint reproducible.
 */
export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** The state, for checkpoints. `new Rng(0).setState(r.state())` continues r's sequence. */
  state(): number {
    return this.s;
  }

  setState(s: number): this {
    this.s = s >>> 0;
    return this;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** n uniforms in [0, 1) as a Float32Array. */
  uniforms(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.next();
    return out;
  }

  /** A uniformly random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    return this.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}

/** Derives an independent 32-bit seed from a base seed and a label (FNV-1a over the label). */
export function deriveSeed(base: number, label: string): number {
  let h = (0x811c9dc5 ^ base) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Mixes integers into one 32-bit seed (murmur3-style finaliser per word): any (seed, epoch, batch, ...) stream. */
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
