/**
 * The RL agent's per-layer parts (SPEC 2): a gate that reads the class token at the input of layer l and
 * gives 2 logits (skip, run), and a value head on the same input that predicts the return (the baseline).
 * Both read the class token through stopGradient: the agent's losses never move the backbone.
 */
import * as tf from '@tensorflow/tfjs';
import { linear } from './ops';
import type { HeadMlp } from './params';

/** Identity forward, zero gradient backward (tfjs has no stopGradient op). */
const detach = tf.customGrad((x, save) => {
  void save;
  return { value: (x as tf.Tensor).clone(), gradFunc: (dy) => tf.zerosLike(dy as tf.Tensor) };
}) as unknown as <T extends tf.Tensor>(x: T) => T;

/** The class token of a token tensor, detached. [B, N, D] -> [B, D] */
export function classTokenState(x: tf.Tensor3D): tf.Tensor2D {
  const [B, , D] = x.shape;
  return detach(x.slice([0, 0, 0], [B, 1, D]).reshape([B, D]) as tf.Tensor2D);
}

function headMlp(state: tf.Tensor2D, p: HeadMlp): tf.Tensor2D {
  return linear(tf.relu(linear(state, p.fc1.w, p.fc1.b)), p.fc2.w, p.fc2.b) as tf.Tensor2D;
}

/** Gate logits [B, 2]: column 0 = skip, column 1 = run. */
export function gateLogits(state: tf.Tensor2D, p: HeadMlp): tf.Tensor2D {
  return headMlp(state, p);
}

/** Run-minus-skip logit margin [B]; p(run) > 0.5 exactly when the margin is > 0. */
export function runMargin(logits: tf.Tensor2D): tf.Tensor1D {
  const [skip, run] = tf.split(logits, 2, 1);
  return run.sub(skip).reshape([-1]) as tf.Tensor1D;
}

/** Value estimate [B]. */
export function valueEstimate(state: tf.Tensor2D, p: HeadMlp): tf.Tensor1D {
  return headMlp(state, p).reshape([-1]) as tf.Tensor1D;
}
