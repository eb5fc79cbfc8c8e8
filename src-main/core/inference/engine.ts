/**
 * An inference engine: what runs a model's forward pass for evaluation, benchmarks and the search.
 * 'tfjs' is the studio's own (the tfjs backend chosen by backend.ts, wasm here); 'ort' is onnxruntime
 * running the model exported to ONNX (core/onnx). Both take normalised images as a Float32Array and return
 * logits and the executed-layer matrix, so every caller runs either the same way. The engine and its
 * device are recorded with every result.
 */
import * as tf from '@tensorflow/tfjs';
import { backendInfo } from '../backend';
import { forwardDynamic } from '../model/executor';
import type { ViT } from '../model/vit';

export type EngineName = 'tfjs' | 'ort';
export const ENGINE_NAMES: readonly EngineName[] = ['tfjs', 'ort'];

export interface EngineRunOptions {
  /** 'static': every (kept) layer runs; 'dynamic': the gates decide per sample. */
  mode: 'static' | 'dynamic';
  /** Per-layer gate bias (dynamic); default the model's own. */
  bias?: number[];
  /** Per-layer prune flags (dynamic); default none. */
  pruned?: boolean[];
  /** Forced decisions replacing the gates (a KeepMask, [B*L] sample-major; a control policy). tfjs only. */
  forced?: Uint8Array;
}

export interface EngineOutput {
  /** [B * K] row-major. */
  logits: Float32Array;
  /** [B * L] row-major, 1 where sample b ran layer l. */
  executed: Uint8Array;
}

/** What a result records about the engine that produced it. */
export interface EngineDevice {
  engine: EngineName;
  /** tfjs: the backend (wasm, cpu, tensorflow); ort: the execution provider (cpu, cuda, dml, coreml). */
  device: string;
  threads: number;
  version: string;
  /** Faster options not in use, and why. */
  notUsed: { name: string; reason: string }[];
}

export interface InferenceEngine {
  readonly name: EngineName;
  readonly device: EngineDevice;
  /** The model's shape as the engine runs it. */
  readonly depth: number;
  readonly costs: number[];
  readonly numClasses: number;
  readonly imageShape: [number, number, number]; // [H, W, C]
  /** The gate biases a dynamic run uses when none are given. */
  readonly defaultBias: number[];
  /** B normalised images, [B, H, W, C] row-major. */
  run(images: Float32Array, batch: number, opts: EngineRunOptions): Promise<EngineOutput>;
  dispose(): Promise<void>;
}

/** The tfjs engine over a loaded ViT (the caller keeps ownership of the model). */
export function tfjsEngine(model: ViT, defaultBias?: number[]): InferenceEngine {
  const c = model.config;
  const b = backendInfo();
  const L = model.depth;
  return {
    name: 'tfjs',
    device: {
      engine: 'tfjs',
      device: b?.name ?? tf.getBackend(),
      threads: 1,
      version: tf.version.tfjs,
      notUsed: (b?.notUsed ?? []).map((n) => ({ name: n.backend, reason: n.reason })),
    },
    depth: L,
    costs: model.costs,
    numClasses: c.numClasses,
    imageShape: [c.imageSize, c.imageSize, c.channels],
    defaultBias: defaultBias ?? new Array<number>(L).fill(0),
    async run(images, batch, opts) {
      const x = tf.tensor4d(images, [batch, c.imageSize, c.imageSize, c.channels]);
      try {
        if (opts.mode === 'static') {
          const logits = model.forwardStatic(x);
          const data = (await logits.data()) as Float32Array;
          logits.dispose();
          return { logits: data, executed: new Uint8Array(batch * L).fill(1) };
        }
        const r = await forwardDynamic(model, x, { bias: opts.bias ?? defaultBias, pruned: opts.pruned, ...(opts.forced ? { keep: opts.forced } : {}) });
        const data = (await r.logits.data()) as Float32Array;
        r.logits.dispose();
        return { logits: data, executed: r.executed };
      } finally {
        x.dispose();
      }
    },
    async dispose() {},
  };
}
