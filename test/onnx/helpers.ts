import * as tf from '@tensorflow/tfjs';
import { forwardDynamic, type ViT } from '../../src-main/core/model';
import { normalizeBatch, type Dataset } from '../../src-main/core/data';
import type { Genome, OrtModel } from '../../src-main/core/onnx/ort-model';

export const DEMO_STATIC = 'resources/models/fashion-mnist-micro-static';
export const DEMO_DYNAMIC = 'resources/models/fashion-mnist-micro-dynamic';

/** The first n test images, normalised, [n, H, W, C]. */
export function testImages(data: Dataset, n: number, from = 0): Float32Array {
  return normalizeBatch(data.test, data.info, Int32Array.from({ length: n }, (_, i) => from + i));
}

export interface Side {
  logits: Float32Array; // [n, K]
  executed: Uint8Array; // [n, L]
  margins?: Float32Array; // [n, L], tfjs only
}

/** The tfjs executor on the first n test images, in batches of 256. */
export async function tfjsDynamic(model: ViT, data: Dataset, n: number, genome: Genome = {}): Promise<Side> {
  const L = model.depth;
  const K = model.config.numClasses;
  const out = { logits: new Float32Array(n * K), executed: new Uint8Array(n * L), margins: new Float32Array(n * L) };
  for (let from = 0; from < n; from += 256) {
    const b = Math.min(256, n - from);
    const x = tf.tensor4d(testImages(data, b, from), [b, 28, 28, 1]);
    const r = await forwardDynamic(model, x, { bias: genome.bias, pruned: genome.pruned });
    out.logits.set(await r.logits.data(), from * K);
    out.executed.set(r.executed, from * L);
    out.margins.set(r.margins, from * L);
    tf.dispose([x, r.logits]);
  }
  return out;
}

/** The ORT model on the first n test images, in batches of 256. */
export async function ortRun(model: OrtModel, data: Dataset, n: number, genome: Genome = {}): Promise<Side> {
  const L = model.depth;
  const K = model.meta.config.numClasses;
  const out = { logits: new Float32Array(n * K), executed: new Uint8Array(n * L) };
  for (let from = 0; from < n; from += 256) {
    const b = Math.min(256, n - from);
    const r = await model.run(testImages(data, b, from), b, genome);
    out.logits.set(r.logits, from * K);
    out.executed.set(r.executed, from * L);
  }
  return out;
}

export function accuracy(logits: Float32Array, labels: Int32Array, n: number, K: number): number {
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (logits[i * K + k] > logits[i * K + best]) best = k;
    if (best === labels[i]) correct++;
  }
  return correct / n;
}

export interface Agreement {
  /** Images whose decisions differ although no deciding margin was within `tol` of zero. */
  disagreeing: number;
  /** Images whose decisions differ at a layer where tfjs's margin was within `tol` of zero (excused). */
  nearZero: number;
  /** Largest logit difference over images with identical decisions. */
  maxLogitDiff: number;
}

/**
 * Compares per-image skip decisions, with `cols` mapping each ORT column to its tfjs layer (pruned layers
 * removed from the ORT file). An image differing first at layer l is excused when |tfjs margin| <= tol there.
 */
export function agreement(ref: Side, got: Side, n: number, L: number, K: number, cols: number[], tol = 1e-5): Agreement {
  const Lo = cols.length;
  let disagreeing = 0;
  let nearZero = 0;
  let maxLogitDiff = 0;
  for (let i = 0; i < n; i++) {
    let first = -1;
    for (let l = 0; l < L && first < 0; l++) {
      const j = cols.indexOf(l);
      const theirs = j >= 0 ? got.executed[i * Lo + j] : 0;
      if (theirs !== ref.executed[i * L + l]) first = l;
    }
    if (first >= 0) {
      if (Math.abs(ref.margins![i * L + first]) <= tol) nearZero++;
      else disagreeing++;
      continue;
    }
    for (let k = 0; k < K; k++) maxLogitDiff = Math.max(maxLogitDiff, Math.abs(ref.logits[i * K + k] - got.logits[i * K + k]));
  }
  return { disagreeing, nearZero, maxLogitDiff };
}
