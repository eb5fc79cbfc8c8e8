/**
 * Named tensors laid out one after another in a flat Float32Array (in shared memory): gradients, weights
 * and optimiser moments cross between threads this way, with no serialisation.
 */
import * as tf from '@tensorflow/tfjs';

export interface FlatEntry {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

export class FlatLayout {
  readonly entries: FlatEntry[];
  /** Total number of floats. */
  readonly size: number;

  /** Entries in the order given (every thread builds its layout from the same names in the same order). */
  constructor(shapes: Iterable<[string, readonly number[]]>) {
    this.entries = [];
    let offset = 0;
    for (const [name, shape] of shapes) {
      const size = shape.reduce((a, b) => a * b, 1);
      this.entries.push({ name, shape: [...shape], offset, size });
      offset += size;
    }
    this.size = offset;
  }

  static of(tensors: Map<string, tf.Tensor> | Record<string, tf.Tensor>): FlatLayout {
    const list = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
    return new FlatLayout(list.map(([n, t]) => [n, t.shape]));
  }

  /** Copies the tensors (by name) into `into` at `base`; entries without a tensor are zeroed. */
  write(tensors: Map<string, tf.Tensor> | Record<string, tf.Tensor>, into: Float32Array, base = 0): void {
    const get = (n: string) => (tensors instanceof Map ? tensors.get(n) : tensors[n]);
    for (const e of this.entries) {
      const t = get(e.name);
      const at = base + e.offset;
      if (t) into.set(t.dataSync() as Float32Array, at);
      else into.fill(0, at, at + e.size);
    }
  }

  /** New tensors (the caller disposes them) from `from` at `base`, for the entries `keep` accepts. */
  read(from: Float32Array, base = 0, keep: (e: FlatEntry, i: number) => boolean = () => true): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    this.entries.forEach((e, i) => {
      if (keep(e, i)) out.set(e.name, tf.tensor(from.subarray(base + e.offset, base + e.offset + e.size), e.shape));
    });
    return out;
  }
}

/** FNV-1a over the bytes of the variables' values, in order: equal weights give equal hashes. */
export function hashVariables(vars: Map<string, tf.Variable>): number {
  let h = 0x811c9dc5;
  for (const v of vars.values()) {
    const data = v.dataSync() as Float32Array;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  }
  return h >>> 0;
}
