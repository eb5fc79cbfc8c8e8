/** Multi-head self-attention. */
import * as tf from '@tensorflow/tfjs';
import { linear, mergeHeads, opsMode, scores, splitHeads, toHeads, weightedSum } from './ops';
import type { BlockParams } from './params';

/** [B, N, D] -> [B, N, D] */
export function attention(x: tf.Tensor3D, p: BlockParams, heads: number): tf.Tensor3D {
  const [B, , D] = x.shape;
  let q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D; // each [B*H, N, dh]
  if (opsMode() === 'plain') {
    [q, k, v] = splitHeads(linear(x, p.qkv.w, p.qkv.b) as tf.Tensor3D, heads); // via [B, N, 3D]
  } else {
    // Three products with column blocks of the qkv weight: slicing the [D, 3D] weight is cheap, while
    // splitting the [B, N, 3D] activation costs as much as a matMul on wasm (SplitV, measured).
    [q, k, v] = [0, 1, 2].map((i) =>
      toHeads(linear(x, p.qkv.w.slice([0, i * D], [D, D]), p.qkv.b.slice(i * D, D)) as tf.Tensor3D, heads),
    ) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
  }
  const scale = 1 / Math.sqrt(D / heads);
  const att = tf.softmax(scores(q.mul(scale), k)) as tf.Tensor3D; // [B*H, N, N]
  const y = mergeHeads(weightedSum(att, v), B, heads); // [B, N, D]
  return linear(y, p.proj.w, p.proj.b) as tf.Tensor3D;
}
