/**
 * The one layout of per-sample layer decisions: a KeepMask is a flat array, sample-major, with entry
 * `b * L + l` for sample b and layer l (1 = the layer runs for that sample, 0 = it is skipped). The
 * executor's forced decisions and its `executed` output, LayerDrop in the static training path and the
 * evaluation statistics all read and write this layout.
 */
export type KeepMask = Uint8Array | Float32Array;

/** Where sample b's decision for layer l sits in a mask of L layers. */
export function keepIndex(b: number, l: number, L: number): number {
  return b * L + l;
}

/** Throws unless the mask holds one decision per sample and layer. */
export function checkKeepMask(mask: KeepMask, B: number, L: number, what: string): void {
  if (mask.length !== B * L) throw new Error(`${what} must have B*L = ${B * L} entries (sample-major), got ${mask.length}`);
}

/** Layer l's decisions for every sample, [B], as floats (a multiplier for x + keep * (block(x) - x)). */
export function layerColumn(mask: KeepMask, l: number, B: number, L: number): Float32Array {
  const out = new Float32Array(B);
  for (let b = 0; b < B; b++) out[b] = mask[keepIndex(b, l, L)];
  return out;
}
