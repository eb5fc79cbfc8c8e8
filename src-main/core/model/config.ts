/**
 * The ViT's configuration: one typed object, validated once, stored inside every saved model.
 *
 * Presets fix the transformer's width and depth; the input side (image size, channels, classes) comes
 * from the dataset, and the patch size from the preset's rule for that image size.
 */
export interface ViTConfig {
  /** Input height = width, in pixels. */
  imageSize: number;
  /** Input channels (1 for Fashion-MNIST, 3 for CIFAR). */
  channels: number;
  /** Side of a square patch, in pixels; must divide imageSize. */
  patchSize: number;
  /** Token width D. */
  dim: number;
  /** Number of encoder blocks L. */
  depth: number;
  /** Attention heads; must divide dim. */
  heads: number;
  /** MLP hidden width = mlpRatio * dim. */
  mlpRatio: number;
  /** Classifier outputs K. */
  numClasses: number;
  /** Hidden width of each per-layer gate and value head (the RL agent). */
  gateHidden: number;
  /**
   * Per-layer cost c_l used by the RL reward and by "executed cost":
   * 'reference' = softmax of a geometric series 0.1..0.9 over L+1 points, first L kept (the thesis code;
   * later layers cost more); 'uniform' = 1/L each (FLOP-proportional, since every block has the same FLOPs).
   */
  costs: 'reference' | 'uniform';
}

export type PresetName = 'micro' | 'tiny' | 'small' | 'base';

interface Preset {
  dim: number;
  depth: number;
  heads: number;
  mlpRatio: number;
  gateHidden: number;
  /** Patch size for a given image size. */
  patchFor(imageSize: number): number;
  note: string;
}

export const PRESETS: Record<PresetName, Preset> = {
  micro: {
    dim: 64,
    depth: 8,
    heads: 4,
    mlpRatio: 2,
    gateHidden: 16,
    // Patch 7 on 28 px gives 16 tokens + class token: sized so that `npm run train:demo` fits in 2 hours
    // on a 2-core CPU with the wasm backend (see docs/results/fashion-mnist.md).
    patchFor: (s) => (s % 7 === 0 ? 7 : s % 4 === 0 ? 4 : 1),
    note: 'sized for a 2-core CPU: width 64, depth 8, 4 heads, MLP ratio 2',
  },
  tiny: {
    dim: 192,
    depth: 12,
    heads: 3,
    mlpRatio: 4,
    gateHidden: 64,
    patchFor: (s) => (s >= 224 ? 16 : s >= 64 ? 8 : 4),
    note: 'DeiT-Ti: 192 / 12 / 3',
  },
  small: {
    dim: 384,
    depth: 12,
    heads: 6,
    mlpRatio: 4,
    gateHidden: 64,
    patchFor: (s) => (s >= 224 ? 16 : s >= 64 ? 8 : 4),
    note: 'DeiT-S: 384 / 12 / 6',
  },
  base: {
    dim: 768,
    depth: 12,
    heads: 12,
    mlpRatio: 4,
    gateHidden: 64,
    patchFor: (s) => (s >= 224 ? 16 : s >= 64 ? 8 : 4),
    note: 'ViT-B / DeiT-B: 768 / 12 / 12',
  },
};

export interface InputShape {
  imageSize: number;
  channels: number;
  numClasses: number;
  patchSize?: number;
}

export function isPresetName(s: string): s is PresetName {
  return Object.hasOwn(PRESETS, s);
}

/** A full config from a preset and the dataset's input shape. */
export function presetConfig(preset: PresetName, input: InputShape, overrides: Partial<ViTConfig> = {}): ViTConfig {
  const p = PRESETS[preset];
  if (!p) throw new Error(`unknown preset "${preset}"; use one of ${Object.keys(PRESETS).join(', ')}`);
  return validateConfig({
    imageSize: input.imageSize,
    channels: input.channels,
    numClasses: input.numClasses,
    patchSize: input.patchSize ?? p.patchFor(input.imageSize),
    dim: p.dim,
    depth: p.depth,
    heads: p.heads,
    mlpRatio: p.mlpRatio,
    gateHidden: p.gateHidden,
    costs: 'reference',
    ...overrides,
  });
}

const POSITIVE_INTS: (keyof ViTConfig)[] = [
  'imageSize', 'channels', 'patchSize', 'dim', 'depth', 'heads', 'numClasses', 'gateHidden',
];

/** Checks every field; throws an error naming the field and what is wrong. */
export function validateConfig(c: ViTConfig): ViTConfig {
  for (const k of POSITIVE_INTS) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new Error(`ViT config: "${k}" must be a positive integer, got ${JSON.stringify(v)}`);
    }
  }
  if (!(typeof c.mlpRatio === 'number' && c.mlpRatio > 0)) throw new Error(`ViT config: "mlpRatio" must be > 0`);
  if (!Number.isInteger(c.mlpRatio * c.dim)) throw new Error(`ViT config: mlpRatio * dim must be an integer`);
  if (c.imageSize % c.patchSize !== 0) {
    throw new Error(`ViT config: patchSize ${c.patchSize} does not divide imageSize ${c.imageSize}`);
  }
  if (c.dim % c.heads !== 0) throw new Error(`ViT config: heads ${c.heads} does not divide dim ${c.dim}`);
  if (c.costs !== 'reference' && c.costs !== 'uniform') {
    throw new Error(`ViT config: "costs" must be "reference" or "uniform", got ${JSON.stringify(c.costs)}`);
  }
  return c;
}

/** Number of patch tokens (without the class token). */
export function numPatches(c: ViTConfig): number {
  return (c.imageSize / c.patchSize) ** 2;
}

/** Tokens per image, class token included. */
export function numTokens(c: ViTConfig): number {
  return numPatches(c) + 1;
}

export function mlpHidden(c: ViTConfig): number {
  return Math.round(c.mlpRatio * c.dim);
}
