/**
 * The genome of the ViT search (SPEC 2), on top of the engine's mixed genome: one binary gene per layer
 * (1 = the layer is pruned: removed from the model, never run) and one real gene per layer (the gate
 * bias: added to that layer's run-minus-skip logit margin; > 0 runs the layer more eagerly).
 */
import type { Genome, GenomeSpec } from './types';

/** What a genome means for the model. */
export interface LayerChoice {
  /** [L] true = pruned. */
  pruned: boolean[];
  /** [L] gate bias; 0 for pruned layers (their gate is never evaluated, so the gene means nothing). */
  bias: number[];
}

/** L prune bits and L biases within [-biasRange, biasRange]. */
export function vitGenomeSpec(depth: number, biasRange: number): GenomeSpec {
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`search: model depth must be a positive integer, got ${depth}`);
  if (!(biasRange > 0 && Number.isFinite(biasRange))) throw new Error(`search: bias range must be a positive number, got ${biasRange}`);
  return {
    real: { lower: new Array<number>(depth).fill(-biasRange), upper: new Array<number>(depth).fill(biasRange) },
    bits: depth,
  };
}

/** The unpruned model with the gates as trained: the seed of the first population. */
export function unprunedGenome(depth: number): Genome {
  return { real: new Array<number>(depth).fill(0), bits: new Array<number>(depth).fill(0) };
}

export function decodeGenome(g: Genome): LayerChoice {
  const pruned = g.bits.map((b) => b === 1);
  return { pruned, bias: g.real.map((v, l) => (pruned[l] ? 0 : v)) };
}

/** Original indices of the pruned layers, ascending. */
export function prunedLayersOf(choice: LayerChoice): number[] {
  return choice.pruned.flatMap((p, l) => (p ? [l] : []));
}

/**
 * A cache key: two genomes with the same key run exactly the same computation. The bias of a pruned layer
 * is left out, since that layer's gate never runs (offspring that differ only there are common).
 */
export function genomeKey(g: Genome): string {
  const { pruned, bias } = decodeGenome(g);
  return pruned.map((p, l) => (p ? 'P' : String(bias[l]))).join(',');
}
