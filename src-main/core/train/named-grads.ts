/** Gradients keyed by the model's variable names. */
import * as tf from '@tensorflow/tfjs';

/** Gradients of f by our variable names (tfjs keys them by its own variable ids). */
export function namedGrads(
  f: () => tf.Scalar,
  vars: Map<string, tf.Variable>,
): { value: tf.Scalar; grads: Map<string, tf.Tensor> } {
  const list = [...vars.entries()];
  const { value, grads } = tf.variableGrads(f, list.map(([, v]) => v));
  const byId = new Map(list.map(([n, v]) => [v.name, n]));
  const out = new Map<string, tf.Tensor>();
  for (const [id, g] of Object.entries(grads)) out.set(byId.get(id)!, g);
  return { value, grads: out };
}
