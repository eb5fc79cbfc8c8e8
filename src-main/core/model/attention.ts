/** Multi-head self-attention. */
import * as tf from '@tensorflow/tfjs';
import { linear, mergeHeads, scores, splitHeads, weightedSum } from './ops';
import type { BlockParams } from './params';

/** [B, N, D] -> [B, N, D] */
export function attention(x: tf.Tensor3D, p: BlockParams, heads: number): tf.Tensor3D {
  const [B, , D] = x.shape;
  const qkv = linear(x, p.qkv.w, p.qkv.b) as tf.Tensor3D; // [B, N, 3D]
  const [q, k, v] = splitHeads(qkv, heads); // 3 x [B*H, N, dh]
  const scale = 1 / Math.sqrt(D / heads);
  const att = tf.softmax(scores(q.mul(scale), k)) as tf.Tensor3D; // [B*H, N, N]
  const y = mergeHeads(weightedSum(att, v), B, heads); // [B, N, D]
  return linear(y, p.proj.w, p.proj.b) as tf.Tensor3D;
}
