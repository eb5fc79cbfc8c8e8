/**
 * Physical pruning: a new, shallower ViT holding only the kept layers' blocks, gates and value heads.
 * Because a pruned layer never runs and its gate is never evaluated, the pruned model computes exactly
 * what the original computes with those layers pruned, given the kept layers' gate biases.
 */
import { initParams } from '../model/params';
import { ViT } from '../model/vit';

export interface PrunedModel {
  model: ViT;
  /** Original index of each remaining layer. */
  sourceLayers: number[];
}

/** Per-layer parameter names look like `blocks.3.qkv.w`, `gates.3.fc1.w`, `values.3.fc2.b`. */
const PER_LAYER = /^(blocks|gates|values)\.(\d+)\.(.*)$/;

export function pruneModel(source: ViT, pruned: boolean[]): PrunedModel {
  const L = source.depth;
  if (pruned.length !== L) throw new Error(`prune: ${pruned.length} prune flags for a model of depth ${L}`);
  const sourceLayers = pruned.flatMap((p, l) => (p ? [] : [l]));
  if (sourceLayers.length === 0) throw new Error('prune: every layer is pruned; nothing would be left to run');
  const config = { ...source.config, depth: sourceLayers.length };
  // Fresh parameters of the right shapes, overwritten one by one from the source, renumbering layers.
  const model = new ViT(
    config,
    initParams(config, 0),
    sourceLayers.map((l) => source.costs[l]),
  );
  const from = source.variables();
  for (const [name, v] of model.variables()) {
    const m = PER_LAYER.exec(name);
    const src = from.get(m ? `${m[1]}.${sourceLayers[Number(m[2])]}.${m[3]}` : name);
    if (!src) {
      model.dispose();
      throw new Error(`prune: the source model has no parameter for "${name}"`);
    }
    v.assign(src);
  }
  return { model, sourceLayers };
}
