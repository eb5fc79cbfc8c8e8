/** Commands and replies of the inference worker threads (tensors cross in SharedArrayBuffers). */
import type { BackendName } from '../backend';
import type { ViTConfig } from '../model/config';
import type { Inference } from '../model/inference';
import type { GenomeMetrics } from '../search/vit-evaluator';
import type { LayerChoice } from '../search/vit-genome';

export interface InferThreadData {
  index: number;
  backend: BackendName;
  config: ViTConfig;
  costs: number[];
  /** Float32: every weight, in model.variables() order. */
  weights: SharedArrayBuffer;
}

/** Which forward path; the dynamic one as the model's metadata says (bias, pruned), or with forced decisions. */
export interface ForwardOptions {
  mode: 'static' | 'dynamic';
  /** Default: inferenceOf(model), unbiased, every layer. */
  inference?: Inference;
  /** Dynamic mode: decisions replacing the gates' (a KeepMask, [size*L]). */
  forced?: Uint8Array;
}

export type InferCommand =
  /** One batch: x Float32 [size*H*W*C] in, logits Float32 [size*K] and executed Uint8 [size*L] out. */
  | { cmd: 'forward'; id: number; x: SharedArrayBuffer; size: number; options: ForwardOptions; logits: SharedArrayBuffer; executed: SharedArrayBuffer }
  /** The same batch over and over until `until` (a Date.now() time): throughput. */
  | { cmd: 'repeat'; id: number; x: SharedArrayBuffer; size: number; options: ForwardOptions; until: number }
  /** Keep these normalised batches (x Float32 [n*H*W*C], labels Int32 [n]) for `measure`. */
  | { cmd: 'split'; id: number; x: SharedArrayBuffer; labels: SharedArrayBuffer; count: number; batchSize: number }
  /** One search genome over the kept split. */
  | { cmd: 'measure'; id: number; choice: LayerChoice; alpha: number };

export type InferReply =
  | { ready: true }
  | { id: number; done: true; runs?: number; seconds?: number; metrics?: GenomeMetrics }
  | { id: number; error: string };
