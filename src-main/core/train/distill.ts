/**
 * Knowledge distillation (Hinton et al. 2015): KL(teacher || student) between the temperature-softened output
 * distributions, scaled by T^2 so its gradients keep their size as T changes. Used (opt-in) while the agent
 * fine-tunes the backbone jointly: the static model it started from is the teacher, pulling the skipping
 * student's predictions towards what the full network would say.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * student, teacher: [B, K] logits -> scalar, mean over the batch. The teacher's logits must be constants (computed
 * outside the gradient scope). No tidy inside: it is called within a gradient scope, which owns the intermediates.
 */
export function distillationLoss(student: tf.Tensor2D, teacher: tf.Tensor2D, temperature: number): tf.Scalar {
  if (!(temperature > 0)) throw new Error(`distillation temperature must be > 0, got ${temperature}`);
  const pT = tf.softmax(teacher.div(temperature));
  const logPT = tf.logSoftmax(teacher.div(temperature));
  const logPS = tf.logSoftmax(student.div(temperature));
  return pT.mul(logPT.sub(logPS)).sum(1).mean().mul(temperature * temperature) as tf.Scalar;
}
