/**
 * The static trainer's step: label-smoothed cross-entropy through every layer (or LayerDrop's random
 * subset), gradients clipped by their global norm, one AdamW update of the backbone.
 */
import * as tf from '@tensorflow/tfjs';
import { keepIndex, type KeepMask } from '../model/keep-mask';
import { isAgentVariable, isDecayed } from '../model/params';
import type { ViT } from '../model/vit';
import type { Rng } from '../util/rng';
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

/**
 * LayerDrop's KeepMask (sample-major) from a batch's uniforms, drawn layer-major [L*B] (the order runs with
 * a seed have always drawn them in): each sample skips each layer with probability p.
 */
export function keepFromUniforms(u: Float32Array, B: number, L: number, p: number): KeepMask {
  const keep = new Float32Array(B * L);
  for (let l = 0; l < L; l++) for (let b = 0; b < B; b++) keep[keepIndex(b, l, L)] = u[l * B + b] < p ? 0 : 1;
  return keep;
}

/** LayerDrop's KeepMask for a batch of B, drawn from the training RNG. */
export function layerDropMask(rng: Rng, B: number, L: number, p: number): KeepMask {
  return keepFromUniforms(rng.uniforms(L * B), B, L, p);
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
      const keep = draws ? keepFromUniforms(draws, y.length, L, plan.layerDrop) : undefined;
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
