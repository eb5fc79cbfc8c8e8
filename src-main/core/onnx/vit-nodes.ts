/**
 * The ViT's parts as ONNX nodes (opset 17), mirroring src-main/core/model op for op so that ONNX Runtime
 * computes what tfjs computes: patch embedding, encoder block, gate margin, classifier. Weights become
 * initialisers under the model's own parameter names (`blocks.3.qkv.w`, ...). Shapes in comments use
 * B for the (symbolic) batch, N for tokens with the class token, D for width, H heads, dh = D / H.
 */
import * as tf from '@tensorflow/tfjs';
import { numPatches, type ViTConfig } from '../model/config';
import type { ViT } from '../model/vit';
import { float, type GraphBuilder } from './graph-builder';

/** LayerNorm epsilon of ops.ts's layerNorm. */
const LN_EPS = 1e-6;
const GELU_C = Math.sqrt(2 / Math.PI);

/** Every parameter's values, read asynchronously (a GPU backend such as webgpu has no synchronous read in Node). */
export async function readWeights(model: ViT): Promise<Map<string, Float32Array>> {
  const entries = await Promise.all([...model.variables()].map(async ([name, v]) => [name, (await v.data()) as Float32Array] as const));
  return new Map(entries);
}

export class VitNodes {
  private readonly params: Map<string, tf.Variable>;
  /** Every parameter's values, read from the device beforehand (readWeights): no synchronous reads here. */
  private readonly weights: Map<string, Float32Array>;
  /** Parameters already written as initialisers (only those a node reads are written). */
  private readonly written = new Set<string>();

  constructor(
    private readonly g: GraphBuilder,
    private readonly model: ViT,
    weights: Map<string, Float32Array>,
  ) {
    this.params = model.variables();
    this.weights = weights;
  }

  private get config(): ViTConfig {
    return this.model.config;
  }

  /** The initialiser of parameter `name`, added on first use. */
  private w(name: string): string {
    if (this.written.has(name)) return name;
    const v = this.params.get(name);
    const values = this.weights.get(name);
    if (!v || !values) throw new Error(`ONNX export: the model has no parameter "${name}"`);
    this.g.floats(name, values, v.shape);
    this.written.add(name);
    return name;
  }

  private linear(x: string, prefix: string): string {
    return this.g.op('Add', [this.g.op('MatMul', [x, this.w(`${prefix}.w`)]), this.w(`${prefix}.b`)]);
  }

  private layerNorm(x: string, prefix: string): string {
    return this.g.op('LayerNormalization', [x, this.w(`${prefix}.gamma`), this.w(`${prefix}.beta`)], { axis: -1, epsilon: float(LN_EPS) });
  }

  /** [B, H, W, C] images -> [B, N, D] tokens (embed.ts: patchify, projection, class token, positions). */
  embed(images: string): string {
    const { g, config: c } = this;
    const p = c.patchSize;
    const gw = c.imageSize / p;
    const rows = g.op('Reshape', [images, g.int64([-1, p, gw, p * c.channels])]); // [B*gh, p, gw, p*C]
    const moved = g.op('Transpose', [rows], { perm: [0, 2, 1, 3] }); // [B*gh, gw, p, p*C]
    const patches = g.op('Reshape', [moved, g.int64([-1, numPatches(c), p * p * c.channels])]); // [B, N-1, p*p*C]
    const tokens = this.linear(patches, 'patch'); // [B, N-1, D]
    const batch = g.op('Shape', [images], { start: 0, end: 1 }); // [1] = B
    const clsShape = g.op('Concat', [batch, g.int64([1, c.dim])], { axis: 0 }); // [3] = (B, 1, D)
    const cls = g.op('Expand', [this.w('cls'), clsShape]); // [B, 1, D]
    return g.op('Add', [g.op('Concat', [cls, tokens], { axis: 1 }), this.w('pos')]); // [B, N, D]
  }

  /** Encoder block l (block.ts): x + attn(norm1(x)), then + mlp(norm2(x)). [R, N, D] -> [R, N, D], R may be 0. */
  block(l: number, x: string): string {
    const h = this.g.op('Add', [x, this.attention(l, this.layerNorm(x, `blocks.${l}.norm1`))]);
    return this.g.op('Add', [h, this.mlp(l, this.layerNorm(h, `blocks.${l}.norm2`))]);
  }

  /** attention.ts. Reshapes copy dimensions (0) rather than infer them (-1): R may be 0. */
  private attention(l: number, x: string): string {
    const { g, config: c } = this;
    const dh = c.dim / c.heads;
    const qkv = this.linear(x, `blocks.${l}.qkv`); // [R, N, 3D], columns q | k | v
    const split = g.op('Transpose', [g.op('Reshape', [qkv, g.int64([0, 0, 3, c.heads, dh])])], { perm: [2, 0, 3, 1, 4] }); // [3, R, H, N, dh]
    const [q, k, v] = [0, 1, 2].map((i) => g.op('Gather', [split, g.int64([i], [])], { axis: 0 })); // each [R, H, N, dh]
    const kT = g.op('Transpose', [k], { perm: [0, 1, 3, 2] }); // [R, H, dh, N]
    const scores = g.op('MatMul', [g.op('Mul', [q, g.scalar(1 / Math.sqrt(dh))]), kT]); // [R, H, N, N]
    const att = g.op('Softmax', [scores], { axis: -1 });
    const y = g.op('Transpose', [g.op('MatMul', [att, v])], { perm: [0, 2, 1, 3] }); // [R, N, H, dh]
    return this.linear(g.op('Reshape', [y, g.int64([0, 0, c.dim])]), `blocks.${l}.proj`); // [R, N, D]
  }

  /** block.ts's MLP with ops.ts's GELU: x * sigmoid(2c x (1 + 0.044715 x^2)). */
  private mlp(l: number, x: string): string {
    const g = this.g;
    const a = this.linear(x, `blocks.${l}.fc1`); // [R, N, hidden]
    const z = g.op('Mul', [g.op('Add', [g.op('Mul', [g.op('Mul', [a, a]), g.scalar(2 * GELU_C * 0.044715)]), g.scalar(2 * GELU_C)]), a]);
    return this.linear(g.op('Mul', [a, g.op('Sigmoid', [z])]), `blocks.${l}.fc2`); // [R, N, D]
  }

  /** The class token. [B, N, D] -> [B, D] */
  classToken(x: string): string {
    return this.g.op('Gather', [x, this.g.int64([0], [])], { axis: 1 });
  }

  /** Gate l's run-minus-skip margin on the class token (gate.ts runMargin). [B, N, D] -> [B] */
  gateMargin(l: number, x: string): string {
    const g = this.g;
    const hidden = g.op('Relu', [this.linear(this.classToken(x), `gates.${l}.fc1`)]); // [B, gateHidden]
    const logits = this.linear(hidden, `gates.${l}.fc2`); // [B, 2]: skip, run
    const col = (i: number) => g.op('Gather', [logits, g.int64([i], [])], { axis: 1 }); // [B]
    return g.op('Sub', [col(1), col(0)]);
  }

  /** Final norm on the class token, then the head (vit.ts classify). [B, N, D] -> [B, K] */
  classify(x: string): string {
    return this.linear(this.layerNorm(this.classToken(x), 'norm'), 'head');
  }
}
