/**
 * The ViT's parameters as plain tf.Variables in a typed tree, with stable names for saving, loading and
 * for grouping into optimiser parameter groups (backbone vs agent, decayed vs not).
 */
import * as tf from '@tensorflow/tfjs';
import { mlpHidden, numTokens, type ViTConfig } from './config';
import { deriveSeed } from '../util/rng';

export interface Linear {
  w: tf.Variable<tf.Rank.R2>; // [in, out]
  b: tf.Variable<tf.Rank.R1>; // [out]
}

export interface Norm {
  gamma: tf.Variable<tf.Rank.R1>; // [D]
  beta: tf.Variable<tf.Rank.R1>; // [D]
}

export interface BlockParams {
  norm1: Norm;
  qkv: Linear; // [D, 3D]
  proj: Linear; // [D, D]
  norm2: Norm;
  fc1: Linear; // [D, hidden]
  fc2: Linear; // [hidden, D]
}

/** One gate (2 logits: skip, run) or one value head (1 output): a 2-layer MLP on the class token. */
export interface HeadMlp {
  fc1: Linear; // [D, gateHidden]
  fc2: Linear; // [gateHidden, 2 or 1]
}

export interface ViTParams {
  patch: Linear; // [p*p*C, D]
  cls: tf.Variable; // [1, 1, D]
  pos: tf.Variable; // [1, N+1, D]
  blocks: BlockParams[];
  norm: Norm;
  head: Linear; // [D, K]
  gates: HeadMlp[];
  values: HeadMlp[];
}

/** Initial logit margin in favour of "run": a fresh agent starts from (nearly) the static model. */
export const GATE_RUN_BIAS_INIT = 1.0;

/** Creates parameters with timm's initialisation (truncated normal std 0.02, zero biases, unit norms). */
export function initParams(c: ViTConfig, seed: number): ViTParams {
  const D = c.dim;
  // Each tensor's seed derives from the base seed and its name, so adding a parameter never reshuffles the others.
  // (tfjs variable names stay auto-generated: ours live in namedVariables(), and tfjs's are global.)
  const tn = (name: string, shape: number[]): tf.Variable =>
    tf.variable(tf.truncatedNormal(shape, 0, 0.02, 'float32', deriveSeed(seed, name)), true);
  const zeros = (shape: number[]): tf.Variable => tf.variable(tf.zeros(shape), true);
  const ones = (shape: number[]): tf.Variable => tf.variable(tf.ones(shape), true);
  const lin = (name: string, i: number, o: number): Linear => ({
    w: tn(`${name}.w`, [i, o]) as tf.Variable<tf.Rank.R2>,
    b: zeros([o]) as tf.Variable<tf.Rank.R1>,
  });
  const norm = (): Norm => ({ gamma: ones([D]) as tf.Variable<tf.Rank.R1>, beta: zeros([D]) as tf.Variable<tf.Rank.R1> });
  const hidden = mlpHidden(c);
  const blocks = Array.from({ length: c.depth }, (_, l): BlockParams => ({
    norm1: norm(),
    qkv: lin(`blocks.${l}.attn.qkv`, D, 3 * D),
    proj: lin(`blocks.${l}.attn.proj`, D, D),
    norm2: norm(),
    fc1: lin(`blocks.${l}.mlp.fc1`, D, hidden),
    fc2: lin(`blocks.${l}.mlp.fc2`, hidden, D),
  }));
  const gates = Array.from({ length: c.depth }, (_, l): HeadMlp => {
    const g = { fc1: lin(`gates.${l}.fc1`, D, c.gateHidden), fc2: lin(`gates.${l}.fc2`, c.gateHidden, 2) };
    g.fc2.b.assign(tf.tensor1d([0, GATE_RUN_BIAS_INIT]));
    return g;
  });
  const values = Array.from({ length: c.depth }, (_, l): HeadMlp => ({
    fc1: lin(`values.${l}.fc1`, D, c.gateHidden),
    fc2: lin(`values.${l}.fc2`, c.gateHidden, 1),
  }));
  const patchIn = c.patchSize * c.patchSize * c.channels;
  return {
    patch: lin('patch', patchIn, D),
    cls: zeros([1, 1, D]),
    pos: tn('pos', [1, numTokens(c), D]),
    blocks,
    norm: norm(),
    head: lin('head', D, c.numClasses),
    gates,
    values,
  };
}

/** Every variable by its stable name, in a fixed order (the order of the saved weights). */
export function namedVariables(p: ViTParams): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  const walk = (prefix: string, node: unknown): void => {
    if (node instanceof tf.Variable) {
      out.set(prefix, node);
    } else if (Array.isArray(node)) {
      node.forEach((child, i) => walk(`${prefix}.${i}`, child));
    } else if (node && typeof node === 'object') {
      for (const [k, child] of Object.entries(node)) walk(prefix ? `${prefix}.${k}` : k, child);
    }
  };
  walk('', p);
  return out;
}

/** Which optimiser group a variable belongs to. */
export function isAgentVariable(name: string): boolean {
  return name.startsWith('gates.') || name.startsWith('values.');
}

/** Weight decay applies to matrices only: not to biases, norms, the class token or position embeddings. */
export function isDecayed(name: string): boolean {
  return name.endsWith('.w') && name !== 'cls' && name !== 'pos';
}

export function disposeParams(p: ViTParams): void {
  for (const v of namedVariables(p).values()) v.dispose();
}
