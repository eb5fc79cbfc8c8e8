/** The supervised loss shared by the static and agent trainers. */
import * as tf from '@tensorflow/tfjs';

/** Cross-entropy with label smoothing, averaged over the batch. logits [B, K], labels [B] -> scalar */
export function smoothedCrossEntropy(logits: tf.Tensor2D, labels: Int32Array, smoothing: number): tf.Scalar {
  const K = logits.shape[1];
  const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), K);
  return tf.losses.softmaxCrossEntropy(onehot, logits, undefined, smoothing) as tf.Scalar;
}
