/**
 * Keeps a batch size that would not fit from killing the process. On wasm the tensor heap is one
 * WebAssembly memory that cannot grow past 4 GB (and tfjs's build fails well before, about 2 GB), and
 * an allocation failure aborts the whole module; so a batch whose estimated working memory exceeds the
 * budget is reported as skipped, with why, instead of being tried.
 */
import type { ViTConfig } from '../model/config';
import { mlpHidden, numTokens } from '../model/config';

/** Largest working set we let a forward pass take on wasm (bytes). */
export const WASM_HEAP_BUDGET = 1.5 * 1024 ** 3;

/**
 * Estimated peak bytes of one inference forward pass at batch B: the input, two activations, and the
 * largest layer temporaries (qkv, the attention matrix and its softmax, the MLP hidden layer).
 */
export function estimateInferenceBytes(c: ViTConfig, B: number): number {
  const T = numTokens(c);
  const D = c.dim;
  const input = B * c.imageSize * c.imageSize * c.channels;
  const act = B * T * D;
  const attention = 2 * B * c.heads * T * T + 3 * act * 2; // scores + softmax, q/k/v split and transposed
  const mlp = 2 * B * T * mlpHidden(c);
  return 4 * (input + 2 * act + Math.max(attention, mlp));
}

/** Estimated peak bytes of one training step (the tape keeps every layer's temporaries). */
export function estimateTrainingBytes(c: ViTConfig, B: number): number {
  return estimateInferenceBytes(c, B) * c.depth * 2.5;
}

export function batchFits(backend: string, bytes: number): { fits: boolean; reason?: string } {
  if (backend !== 'wasm') return { fits: true };
  if (bytes <= WASM_HEAP_BUDGET) return { fits: true };
  const gb = (n: number) => (n / 1024 ** 3).toFixed(2);
  return { fits: false, reason: `needs about ${gb(bytes)} GB of working memory; the wasm heap budget is ${gb(WASM_HEAP_BUDGET)} GB (the wasm heap aborts the process past about 2 GB)` };
}
