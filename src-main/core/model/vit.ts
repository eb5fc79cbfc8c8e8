/**
 * The Vision Transformer with a per-layer skipping agent. Two of the three forward paths live here:
 * static (every layer runs) and dynamic-train (sampled actions, masked so gradients reach everything).
 * The third, dynamic-infer with gather/scatter, is in executor.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { block } from './block';
import { validateConfig, type ViTConfig } from './config';
import { layerCosts } from './costs';
import { embed } from './embed';
import { checkKeepMask, layerColumn, type KeepMask } from './keep-mask';
import { classTokenState, gateLogits, valueEstimate } from './gate';
import { layerNorm, linear } from './ops';
import { disposeParams, initParams, namedVariables, type ViTParams } from './params';

/**
 * A layer run for some samples and skipped (the identity) for the others, by masking, for the training paths
 * where gradients must reach every block: x + run * (y - x). x, y [B, N, D]; run [B] of 0/1.
 */
function runWhere(x: tf.Tensor3D, y: tf.Tensor3D, run: tf.Tensor1D): tf.Tensor3D {
  return x.add(y.sub(x).mul(run.reshape([run.shape[0], 1, 1])));
}

export interface DynamicTrainOutput {
  logits: tf.Tensor2D; // [B, K]
  actions: tf.Tensor2D; // [B, L], 1 = ran, 0 = skipped
  logProbs: tf.Tensor2D; // [B, L], log pi(a_l | s_l)
  values: tf.Tensor2D; // [B, L], baseline estimates
  runProbs: tf.Tensor2D; // [B, L], pi(run | s_l), for the entropy term and logging
}

export class ViT {
  readonly config: ViTConfig;
  readonly params: ViTParams;
  /** c_l per layer, see costs.ts. */
  readonly costs: number[];

  /** `costs` overrides the config's cost rule (an exported model keeps its original layers' costs). */
  constructor(config: ViTConfig, params: ViTParams, costs?: number[]) {
    this.config = validateConfig(config);
    this.params = params;
    this.costs = costs ?? layerCosts(config);
  }

  static create(config: ViTConfig, seed = 0): ViT {
    return new ViT(config, initParams(validateConfig(config), seed));
  }

  get depth(): number {
    return this.config.depth;
  }

  /** [B, H, W, C] -> [B, N+1, D] */
  embed(images: tf.Tensor4D): tf.Tensor3D {
    return embed(images, this.params, this.config);
  }

  /** Encoder block l. [B, N, D] -> [B, N, D] */
  block(l: number, x: tf.Tensor3D): tf.Tensor3D {
    return block(x, this.params.blocks[l], this.config.heads);
  }

  /** Final norm on the class token, then the linear head. [B, N, D] -> [B, K] */
  classify(x: tf.Tensor3D): tf.Tensor2D {
    const [B, , D] = x.shape;
    const cls = x.slice([0, 0, 0], [B, 1, D]).reshape([B, D]); // [B, D]
    const h = layerNorm(cls, this.params.norm.gamma, this.params.norm.beta);
    return linear(h, this.params.head.w, this.params.head.b) as tf.Tensor2D;
  }

  /** Gate logits of layer l for the tokens x entering it. [B, N, D] -> [B, 2] */
  gate(l: number, x: tf.Tensor3D): tf.Tensor2D {
    return gateLogits(classTokenState(x), this.params.gates[l]);
  }

  /**
   * Static inference: every layer runs. Each layer is its own tidy scope and its input is freed as soon
   * as its output exists, so working memory is one activation plus one layer's temporaries (the same
   * discipline as the dynamic executor, which makes their peakBytes comparable). [B, H, W, C] -> [B, K]
   */
  forwardStatic(images: tf.Tensor4D): tf.Tensor2D {
    let x = tf.tidy(() => this.embed(images));
    for (let l = 0; l < this.depth; l++) {
      const prev = x;
      x = tf.tidy(() => this.block(l, prev));
      prev.dispose();
    }
    const logits = tf.tidy(() => this.classify(x));
    x.dispose();
    return logits;
  }

  /**
   * Static path for training: one graph, all intermediates kept for the backward pass. [B, K]
   * `keep` (optional, a KeepMask: [B*L] sample-major, as the executor's) is LayerDrop: a skipped layer is
   * the identity for that sample, x <- x + keep * (block(x) - x).
   */
  forwardStaticTrain(images: tf.Tensor4D, keep?: KeepMask): tf.Tensor2D {
    const B = images.shape[0];
    const L = this.depth;
    if (keep) checkKeepMask(keep, B, L, 'keep');
    let x = this.embed(images); // [B, N, D]
    for (let l = 0; l < L; l++) {
      const y = this.block(l, x);
      x = keep ? runWhere(x, y, tf.tensor1d(layerColumn(keep, l, B, L))) : y;
    }
    return this.classify(x);
  }

  /**
   * Dynamic-train path (SPEC 2). Layer l's gate sees the tokens produced by the layers actually run
   * before it; its action is sampled: run where uniforms[l*B + b] < pi(run). A skipped layer is the
   * identity: x <- x + a * (block(x) - x). Masking is right here (gradients must reach every block, and
   * training speed is not the product's claim); inference uses the gather/scatter executor.
   *
   * `uniforms` ([L*B], from the caller's seeded RNG) makes sampling deterministic and resumable.
   * `forceRun` (optional, [L]) overrides the sampled action with "run" for those layers (curriculum).
   * No tidy inside: it is called within a gradient scope, which owns the intermediates.
   */
  forwardDynamicTrain(images: tf.Tensor4D, uniforms: Float32Array, forceRun?: boolean[]): DynamicTrainOutput {
    const B = images.shape[0];
    const L = this.depth;
    if (uniforms.length !== L * B) throw new Error(`uniforms must have L*B = ${L * B} values, got ${uniforms.length}`);
    {
      let x = this.embed(images); // [B, N, D]
      const actions: tf.Tensor1D[] = [];
      const logProbs: tf.Tensor1D[] = [];
      const values: tf.Tensor1D[] = [];
      const runProbs: tf.Tensor1D[] = [];
      for (let l = 0; l < L; l++) {
        const state = classTokenState(x); // [B, D], detached
        const logits = gateLogits(state, this.params.gates[l]); // [B, 2]
        const logp = tf.logSoftmax(logits); // [B, 2]
        const pRun = tf.exp(logp.slice([0, 1], [B, 1]).reshape([B])) as tf.Tensor1D; // [B]
        const u = tf.tensor1d(uniforms.subarray(l * B, (l + 1) * B));
        // step() rather than less(): it has a (zero) gradient, so the tape can pass through the sampled action.
        const a = (forceRun?.[l] ? tf.onesLike(pRun) : tf.step(pRun.sub(u))) as tf.Tensor1D; // [B], 1 = run
        const aSkipRun = tf.stack([tf.sub(1, a), a], 1); // [B, 2] one-hot of the action
        logProbs.push(logp.mul(aSkipRun).sum(1) as tf.Tensor1D);
        values.push(valueEstimate(state, this.params.values[l]));
        actions.push(a);
        runProbs.push(pRun);
        const y = this.block(l, x);
        x = runWhere(x, y, a);
      }
      return {
        logits: this.classify(x),
        actions: tf.stack(actions, 1) as tf.Tensor2D,
        logProbs: tf.stack(logProbs, 1) as tf.Tensor2D,
        values: tf.stack(values, 1) as tf.Tensor2D,
        runProbs: tf.stack(runProbs, 1) as tf.Tensor2D,
      };
    }
  }

  variables(): Map<string, tf.Variable> {
    return namedVariables(this.params);
  }

  dispose(): void {
    disposeParams(this.params);
  }
}
