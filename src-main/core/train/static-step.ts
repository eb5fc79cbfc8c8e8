/**
 * The static trainer's step: label-smoothed cross-entropy through every layer (or LayerDrop's random
 * subset), gradients clipped by their global norm, one AdamW update of the backbone.
 */
import * as tf from '@tensorflow/tfjs';
import { isAgentVariable, isDecayed } from '../model/params';
import type { ViT } from '../model/vit';
import { AdamW, clipByGlobalNorm } from './adamw';
import { smoothedCrossEntropy } from './losses';
import { namedGrads } from './named-grads';
import { learningRate, type Schedule } from './schedule';
import { weighted, type Stepper } from './stepper';

export interface StaticStepPlan {
  kind: 'static';
  schedule: Schedule;
  weightDecay: number;
  labelSmoothing: number;
  clipNorm: number;
  /** Chance that a layer is skipped for a sample in a step (0: no draws, the RNG stream is untouched). */
  layerDrop: number;
}

export function staticStepper(model: ViT, plan: StaticStepPlan): Stepper {
  const trainable = new Map([...model.variables()].filter(([n]) => !isAgentVariable(n)));
  const optimizer = new AdamW(trainable, isDecayed, { weightDecay: plan.weightDecay });
  const L = model.depth;
  return {
    optimizers: { backbone: optimizer },
    trainable,
    // Drawn only when LayerDrop is on, so runs without it keep their random stream.
    draw: (rng, B) => (plan.layerDrop > 0 ? rng.uniforms(B * L) : null),
    gradients({ x, y, draws, weight }) {
      // keep [L*n], 1 = run, 0 = skip.
      const keep = draws ? draws.map((u) => (u < plan.layerDrop ? 0 : 1)) : undefined;
      const grads = new Map<string, tf.Tensor>();
      let loss = 0;
      let correct = 0;
      tf.tidy(() => {
        let logitsOut: tf.Tensor2D | null = null;
        const { value, grads: g } = namedGrads(() => {
          const logits = model.forwardStaticTrain(x, keep);
          logitsOut = tf.keep(logits);
          return weighted(smoothedCrossEntropy(logits, y, plan.labelSmoothing), weight);
        }, trainable);
        for (const [name, t] of g) grads.set(name, tf.keep(t));
        const kept = logitsOut as unknown as tf.Tensor2D;
        const pred = kept.argMax(1).dataSync();
        kept.dispose();
        for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) correct++;
        loss = value.dataSync()[0];
      });
      return { grads, sums: { loss, correct } };
    },
    update(grads, step) {
      const lr = learningRate(plan.schedule, step);
      let gradNorm = 0;
      tf.tidy(() => {
        const clipped = clipByGlobalNorm(grads, plan.clipNorm);
        optimizer.apply(clipped.grads, lr);
        gradNorm = clipped.norm;
      });
      tf.dispose([...grads.values()]);
      return { lr, gradNorm };
    },
    metrics: (sums, B, u) => ({ loss: sums.loss, accuracy: sums.correct / B, lr: u.lr, gradNorm: u.gradNorm }),
    dispose: () => optimizer.dispose(),
  };
}
