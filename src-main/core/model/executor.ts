/**
 * Dynamic-infer: the gather/scatter executor (SPEC 3). For each layer, the samples whose gate says "run"
 * are gathered, the block runs on that subset only, and the results are scattered back. A layer no sample
 * runs costs nothing; a layer every sample runs needs no gather. No masking: skipped work is not done.
 *
 * Asynchronous because the gate decisions are read with `data()`: a GPU backend has no synchronous read
 * in Node (tfjs-webgpu's dataSync goes through an OffscreenCanvas), and awaiting lets the device finish
 * the layer's work meanwhile. Activations never leave the device; only the B gate margins are read.
 */
import * as tf from '@tensorflow/tfjs';
import { runMargin } from './gate';
import { checkKeepMask, keepIndex, type KeepMask } from './keep-mask';
import { mapRows } from './rows';
import type { ViT } from './vit';

export interface DynamicInferOptions {
  /** Per-layer bias added to the run-minus-skip logit margin (NSGA-II genome); default 0. */
  bias?: number[];
  /** Per-layer prune flags: a pruned layer never runs and its gate is not evaluated. */
  pruned?: boolean[];
  /**
   * Forced per-sample decisions (a KeepMask, [B*L] sample-major). Replaces the gates entirely (they are not
   * evaluated): for tests and for the executor benchmark.
   */
  keep?: KeepMask;
}

export interface DynamicInferOutput {
  logits: tf.Tensor2D; // [B, K]
  /** The layers each sample ran: a KeepMask, [B*L] sample-major. */
  executed: Uint8Array;
  /** [B*L] sample-major, the run-minus-skip gate margin plus bias that decided (NaN where no gate decided). */
  margins: Float32Array;
}

/** Indices where mask is 1, ascending. */
function runIndices(mask: Uint8Array): number[] {
  const run: number[] = [];
  for (let b = 0; b < mask.length; b++) if (mask[b]) run.push(b);
  return run;
}

/** One layer on a subset: x[run] <- block(x[run]); the rest unchanged. [B, N, D] -> [B, N, D] */
function runSubset(model: ViT, l: number, x: tf.Tensor3D, run: number[]): tf.Tensor3D {
  return mapRows(x, run, (rows) => model.block(l, rows as tf.Tensor3D)) as tf.Tensor3D; // block on [R, N, D]
}

/** Greedy dynamic inference. [B, H, W, C] -> logits [B, K] and the executed-layer matrix. */
export async function forwardDynamic(model: ViT, images: tf.Tensor4D, opts: DynamicInferOptions = {}): Promise<DynamicInferOutput> {
  const B = images.shape[0];
  const L = model.depth;
  const executed = new Uint8Array(B * L);
  const margins = new Float32Array(B * L).fill(NaN);
  if (opts.keep) checkKeepMask(opts.keep, B, L, 'keep mask');
  let x = tf.tidy(() => model.embed(images)); // [B, N, D]
  for (let l = 0; l < L; l++) {
    if (opts.pruned?.[l]) continue;
    const decide = new Uint8Array(B);
    if (opts.keep) {
      for (let b = 0; b < B; b++) decide[b] = opts.keep[keepIndex(b, l, L)];
    } else {
      // The one host read per layer: which samples run is needed to build the gather indices.
      const m = tf.tidy(() => runMargin(model.gate(l, x)).add(opts.bias?.[l] ?? 0));
      const margin = await m.data();
      m.dispose();
      for (let b = 0; b < B; b++) {
        decide[b] = margin[b] > 0 ? 1 : 0;
        margins[keepIndex(b, l, L)] = margin[b];
      }
    }
    const run = runIndices(decide);
    for (const b of run) executed[keepIndex(b, l, L)] = 1;
    if (run.length === 0) continue;
    const prev = x;
    x = tf.tidy(() => (run.length === B ? model.block(l, prev) : runSubset(model, l, prev, run)));
    prev.dispose(); // one activation alive at a time, as in forwardStatic
  }
  const logits = tf.tidy(() => model.classify(x));
  x.dispose();
  return { logits, executed, margins };
}
