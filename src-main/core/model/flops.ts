/**
 * Parameter and FLOP counts per part, per image. A FLOP is one multiply or one add, so a multiply-add
 * counts 2. Only matrix products are counted (they dominate); norms, softmax, GELU and residual adds are
 * elementwise and left out, as fvcore and timm's counters do.
 */
import { mlpHidden, numPatches, numTokens, type ViTConfig } from './config';

export interface ParamCounts {
  embed: number; // patch projection + class token + position embedding
  perBlock: number;
  blocks: number;
  head: number; // final norm + classifier
  backbone: number; // everything the static model has
  perGate: number;
  gates: number;
  values: number;
  total: number; // backbone + agent (gates and value heads)
}

export function paramCounts(c: ViTConfig): ParamCounts {
  const D = c.dim;
  const hidden = mlpHidden(c);
  const embed = (c.patchSize * c.patchSize * c.channels + 1) * D + D + numTokens(c) * D;
  const perBlock = 2 * (2 * D) + (D * 3 * D + 3 * D) + (D * D + D) + (D * hidden + hidden) + (hidden * D + D);
  const head = 2 * D + D * c.numClasses + c.numClasses;
  const perGate = D * c.gateHidden + c.gateHidden + c.gateHidden * 2 + 2;
  const perValue = D * c.gateHidden + c.gateHidden + c.gateHidden + 1;
  const backbone = embed + perBlock * c.depth + head;
  return {
    embed,
    perBlock,
    blocks: perBlock * c.depth,
    head,
    backbone,
    perGate,
    gates: perGate * c.depth,
    values: perValue * c.depth,
    total: backbone + (perGate + perValue) * c.depth,
  };
}

export interface FlopCounts {
  embed: number;
  /** One encoder block: attention (qkv, scores, weighted sum, projection) + MLP. */
  perBlock: number;
  attention: number;
  mlp: number;
  head: number;
  /** One gate evaluation (inference needs the gate, not the value head). */
  perGate: number;
  /** Static model: embed + all blocks + head. */
  static: number;
}

export function flopCounts(c: ViTConfig): FlopCounts {
  const D = c.dim;
  const T = numTokens(c);
  const hidden = mlpHidden(c);
  const embed = 2 * numPatches(c) * c.patchSize * c.patchSize * c.channels * D;
  const attention = 2 * T * D * 3 * D + 2 * T * T * D + 2 * T * T * D + 2 * T * D * D;
  const mlp = 2 * T * D * hidden * 2;
  const perBlock = attention + mlp;
  const head = 2 * D * c.numClasses;
  const perGate = 2 * (D * c.gateHidden + c.gateHidden * 2);
  return { embed, perBlock, attention, mlp, head, perGate, static: embed + perBlock * c.depth + head };
}

/**
 * Ideal speedup of the dynamic model over its static twin (SPEC 3):
 * (all layers + fixed parts) / (executed layers + fixed parts + gates evaluated).
 * `meanExecutedLayers`: average number of blocks run per image; `gatesEvaluated`: average gates per image.
 */
export function idealSpeedup(c: ViTConfig, meanExecutedLayers: number, gatesEvaluated: number): number {
  const f = flopCounts(c);
  const fixed = f.embed + f.head;
  return (fixed + f.perBlock * c.depth) / (fixed + f.perBlock * meanExecutedLayers + f.perGate * gatesEvaluated);
}

/**
 * Executed FLOPs per image as a fraction of the static model's: (fixed parts + executed blocks + gates evaluated)
 * / (fixed parts + all blocks). Every block costs the same FLOPs, unlike the reference layer costs (costs.ts),
 * which weigh later layers more; a results row states both.
 */
export function executedFlopFraction(c: ViTConfig, meanExecutedLayers: number, gatesEvaluated: number): number {
  return 1 / idealSpeedup(c, meanExecutedLayers, gatesEvaluated);
}
