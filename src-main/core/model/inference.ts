/**
 * The one entry for running a saved model as it was meant to run (issue 17, fix 3). A model's metadata can
 * change how it runs: an exported Pareto point carries the gate bias the search chose for it, and its layers
 * are a subset of the original model's, whose total cost its executed cost is a fraction of (as on the
 * search's front). Every caller (CLI, job kinds, benchmark, predict, export) takes those from here, so
 * "re-benchmark point" measures the model that was chosen.
 */
import type * as tf from '@tensorflow/tfjs';
import { forwardDynamic, type DynamicInferOutput } from './executor';
import { loadModel, type LoadModelOptions, type ModelMeta } from './io';
import type { ViT } from './vit';

export interface Inference {
  /** Per-layer bias added to each gate's run-minus-skip margin (an exported point's); absent = none. */
  bias?: number[];
  /** Per-layer prune flags: a pruned layer never runs (a search genome's; exports remove such layers). */
  pruned?: boolean[];
  /** What executed cost is a fraction of: the sum of c_l over the ORIGINAL model's layers. */
  totalCost: number;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** How a model runs according to its metadata (none given: unbiased, every layer, its own total cost). */
export function inferenceOf(model: ViT, meta?: ModelMeta): Inference {
  if (meta?.gateBias && meta.gateBias.length !== model.depth) {
    throw new Error(`the model's gateBias has ${meta.gateBias.length} entries for ${model.depth} layers`);
  }
  return {
    ...(meta?.gateBias ? { bias: meta.gateBias } : {}),
    totalCost: sum(meta?.sourceCosts ?? model.costs),
  };
}

/**
 * Greedy dynamic inference as the model's metadata says. [B, H, W, C] -> logits [B, K] and the KeepMask run.
 * `forced` (a KeepMask, [B*L]) replaces the gates' decisions: a control policy such as a random one.
 */
export function runDynamic(model: ViT, images: tf.Tensor4D, inference: Inference, forced?: Uint8Array): DynamicInferOutput {
  return forwardDynamic(model, images, { bias: inference.bias, pruned: inference.pruned, ...(forced ? { keep: forced } : {}) });
}

/** Loads a saved model with how it runs. */
export async function loadForInference(dir: string, opts: LoadModelOptions = {}): Promise<{ model: ViT; meta: ModelMeta; inference: Inference }> {
  const { model, meta } = await loadModel(dir, opts);
  try {
    return { model, meta, inference: inferenceOf(model, meta) };
  } catch (err) {
    model.dispose();
    throw new Error(`${dir}: ${(err as Error).message}`);
  }
}
