/**
 * The small set of tensor ops the ViT is written in.
 *
 * Why not plain tfjs ops: on the wasm backend, `matMul` with transpose flags is about 10x slower than an
 * explicit transpose followed by a plain `matMul`, and the built-in matMul gradient uses those flags;
 * 5-D transposes cost far more than 4-D ones (SPEC 4). These ops avoid both: matrix products get a custom
 * gradient made of explicit transposes, and heads are split with 4-D transposes only.
 *
 * `setOpsMode('plain')` switches to the straightforward tfjs formulation (flags, 5-D qkv transpose) so that
 * `npm run bench:ops` can measure what the choice buys, in one process. Every backend computes the same
 * function either way.
 */
import * as tf from '@tensorflow/tfjs';

export type OpsMode = 'wasm-friendly' | 'plain';
let mode: OpsMode = 'wasm-friendly';

export function setOpsMode(m: OpsMode): void {
  mode = m;
}

export function opsMode(): OpsMode {
  return mode;
}

/**
 * Whether a gradient tape is recording. The custom-gradient products matter only then; in inference
 * they are plain matMuls, since customGrad keeps its inputs alive for a backward pass that never comes
 * (more working memory) and adds per-op overhead (measured: about a third of a micro ViT block's time
 * at batch 128 on wasm).
 */
function recordingGradients(): boolean {
  return tf.engine().isTapeOn();
}

/** A 2-D product whose gradient uses explicit transposes instead of matMul's transpose flags. */
const matMul2d = tf.customGrad((a, b, save) => {
  (save as tf.GradSaveFunc)([a as tf.Tensor2D, b as tf.Tensor2D]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy, saved) => {
      const [sa, sb] = saved as tf.Tensor2D[];
      return [tf.matMul(dy as tf.Tensor2D, sb.transpose()), tf.matMul(sa.transpose(), dy as tf.Tensor2D)];
    },
  };
}) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** Batched product of 3-D tensors, gradient by explicit [0, 2, 1] transposes. */
const matMul3d = tf.customGrad((a, b, save) => {
  (save as tf.GradSaveFunc)([a as tf.Tensor3D, b as tf.Tensor3D]);
  return {
    value: tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D),
    gradFunc: (dy, saved) => {
      const [sa, sb] = saved as tf.Tensor3D[];
      const t = (x: tf.Tensor) => tf.transpose(x, [0, 2, 1]);
      return [tf.matMul(dy as tf.Tensor3D, t(sb) as tf.Tensor3D), tf.matMul(t(sa) as tf.Tensor3D, dy as tf.Tensor3D)];
    },
  };
}) as unknown as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

/** y = x W + b over the last axis, for x of any rank. */
export function linear(x: tf.Tensor, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor {
  const inDim = w.shape[0];
  const outDim = w.shape[1];
  const lead = x.shape.slice(0, -1);
  const x2 = x.reshape([-1, inDim]) as tf.Tensor2D; // [M, in]
  let y: tf.Tensor; // [M, out]
  if (mode === 'plain') {
    y = tf.matMul(x2, w);
    if (b) y = y.add(b);
  } else if (recordingGradients()) {
    y = matMul2d(x2, w);
    if (b) y = y.add(b);
  } else {
    y = tf.fused.matMul({ a: x2, b: w, bias: b }); // inference: product and bias in one kernel
  }
  return y.reshape([...lead, outDim]);
}

/** Attention scores q k^T for q, k: [BH, N, dh] -> [BH, N, N]. */
export function scores(q: tf.Tensor3D, k: tf.Tensor3D): tf.Tensor3D {
  if (mode === 'plain') return tf.matMul(q, k, false, true);
  const kT = tf.transpose(k, [0, 2, 1]) as tf.Tensor3D;
  return recordingGradients() ? matMul3d(q, kT) : tf.matMul(q, kT);
}

/** att v for att: [BH, N, N], v: [BH, N, dh] -> [BH, N, dh]. */
export function weightedSum(att: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
  return mode === 'plain' || !recordingGradients() ? tf.matMul(att, v) : matMul3d(att, v);
}

/**
 * plain mode's head split, the timm formulation: qkv [B, N, 3D] reshaped to 5-D [B, N, 3, H, dh] and
 * permuted to [3, B, H, N, dh]. Returns q, k, v each [B*H, N, dh].
 */
export function splitHeads(qkv: tf.Tensor3D, heads: number): [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D] {
  const [B, N, D3] = qkv.shape;
  const dh = D3 / 3 / heads;
  const t = qkv.reshape([B, N, 3, heads, dh]).transpose([2, 0, 3, 1, 4]); // [3, B, H, N, dh]
  const [q, k, v] = tf.unstack(t, 0);
  return [q, k, v].map((x) => x.reshape([B * heads, N, dh])) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
}

/** [B, N, D] -> [B*H, N, dh] with one 4-D transpose. */
export function toHeads(x: tf.Tensor3D, heads: number): tf.Tensor3D {
  const [B, N, D] = x.shape;
  const dh = D / heads;
  return x.reshape([B, N, heads, dh]).transpose([0, 2, 1, 3]).reshape([B * heads, N, dh]);
}

/** [B*H, N, dh] -> [B, N, H*dh] (one 4-D transpose). */
export function mergeHeads(x: tf.Tensor3D, batch: number, heads: number): tf.Tensor3D {
  const [, N, dh] = x.shape;
  return x.reshape([batch, heads, N, dh]).transpose([0, 2, 1, 3]).reshape([batch, N, heads * dh]);
}

/** LayerNorm over the last axis. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-6): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).mul(tf.rsqrt(variance.add(eps))).mul(gamma).add(beta);
}

const GELU_C = Math.sqrt(2 / Math.PI);

/**
 * GELU, tanh approximation (GPT-2, BERT): 0.5 x (1 + tanh(c (x + 0.044715 x^3))). Computed through the
 * identity 0.5 (1 + tanh(z)) = sigmoid(2z) as x * sigmoid(2c x (1 + 0.044715 x^2)): the same function
 * in 6 elementwise ops instead of 9 (elementwise ops cost as much as the matMuls on wasm, measured).
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  const z = x.square().mul(2 * GELU_C * 0.044715).add(2 * GELU_C).mul(x);
  return x.mul(tf.sigmoid(z));
}

/**
 * The sum of same-shaped tensors. Not tf.addN: on WebGPU it binds every input to one shader, and past the
 * device's storage-buffer limit per stage (8 by default) the pipeline is invalid and the result silently
 * wrong (measured: a global gradient norm over 33 tensors read 0). Pairwise adds in a balanced tree cost
 * n - 1 small kernels instead of one.
 */
export function addAll(xs: tf.Tensor[]): tf.Tensor {
  if (xs.length === 0) throw new Error('addAll: no tensors to add');
  let level = xs;
  while (level.length > 1) {
    const next: tf.Tensor[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? tf.add(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}
