/**
 * Patch embedding as reshape + matMul (conv2d's filter gradient does not exist on wasm, SPEC 4),
 * with only 4-D transposes.
 */
import * as tf from '@tensorflow/tfjs';
import type { ViTConfig } from './config';
import { linear } from './ops';
import type { ViTParams } from './params';

/** [B, H, W, C] -> [B, N, p*p*C], patch features ordered (row in patch, column in patch, channel). */
export function patchify(images: tf.Tensor4D, p: number): tf.Tensor3D {
  const [B, H, W, C] = images.shape;
  const gh = H / p;
  const gw = W / p;
  return images
    .reshape([B * gh, p, gw, p * C]) // [B*gh, p, gw, p*C]
    .transpose([0, 2, 1, 3]) // [B*gh, gw, p, p*C]
    .reshape([B, gh * gw, p * p * C]);
}

/** Images to tokens: patch projection, class token, position embedding. [B, H, W, C] -> [B, N+1, D] */
export function embed(images: tf.Tensor4D, params: ViTParams, c: ViTConfig): tf.Tensor3D {
  const B = images.shape[0];
  const patches = linear(patchify(images, c.patchSize), params.patch.w, params.patch.b); // [B, N, D]
  const cls = tf.tile(params.cls, [B, 1, 1]); // [B, 1, D]
  return tf.concat([cls, patches], 1).add(params.pos) as tf.Tensor3D; // [B, N+1, D]
}
