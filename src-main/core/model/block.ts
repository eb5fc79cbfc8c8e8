/** One pre-norm encoder block: x + attn(norm1(x)), then x + mlp(norm2(x)). */
import type * as tf from '@tensorflow/tfjs';
import { attention } from './attention';
import { gelu, layerNorm, linear } from './ops';
import type { BlockParams } from './params';

/** [B, N, D] -> [B, N, D] */
export function mlp(x: tf.Tensor3D, p: BlockParams): tf.Tensor3D {
  return linear(gelu(linear(x, p.fc1.w, p.fc1.b)), p.fc2.w, p.fc2.b) as tf.Tensor3D; // [B, N, hidden] -> [B, N, D]
}

/** [B, N, D] -> [B, N, D] */
export function block(x: tf.Tensor3D, p: BlockParams, heads: number): tf.Tensor3D {
  const h = x.add(attention(layerNorm(x, p.norm1.gamma, p.norm1.beta) as tf.Tensor3D, p, heads)) as tf.Tensor3D;
  return h.add(mlp(layerNorm(h, p.norm2.gamma, p.norm2.beta) as tf.Tensor3D, p)) as tf.Tensor3D;
}
