/**
 * Accuracy and skipping statistics of a model on one split: the numbers `skipvit eval` prints and the
 * studio's Skips view draws.
 */
import { checkDevice } from '../backend';
import { normalizeBatch, type DatasetInfo, type ImageSet } from '../data';
import { tfjsEngine, type InferenceEngine } from '../inference/engine';
import { inferenceOf, loadForInference, type Inference } from '../model/inference';
import type { ViT } from '../model/vit';
import type { EvalStats } from '../results';
import { InferPool } from '../parallel/infer-pool';
import { throwIfCancelled } from '../util/cancel';
import { keepIndex } from '../model/keep-mask';

export interface EvalOptions {
  /** 'dynamic': greedy gates through the executor; 'static': every layer runs. */
  mode: 'static' | 'dynamic';
  /** How the model runs (model/inference.ts); default unbiased, every layer, its own total cost. */
  inference?: Inference;
  batchSize?: number;
  /** Evaluate only the first n images of the split. */
  limit?: number;
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
  /** Keep each image's executed-layer row and prediction (for the gallery). */
  keepPerSample?: boolean;
  /**
   * Dynamic mode only: forced decisions for the whole split instead of the gates, a KeepMask ([n*L] sample-major, 1 = run)
   * (a control policy such as random-policy.ts; the executor's `keep`).
   */
  decisions?: Uint8Array;
  /** Worker threads, each with a copy of the model (default 1: this thread). Same results whatever the count. */
  workers?: number;
  /** Already started worker threads holding this model (used instead of `workers`, left running). */
  pool?: InferPool;
}

/** What evaluate() measures (core/results.ts), with each image's executed layers when asked. */
export type EvalResult = EvalStats & { perSample?: { executed: Uint8Array; predictions: Int32Array; labels: Int32Array } };

/** Evaluation on the studio's tfjs engine (in worker threads with `workers` > 1). */
export async function evaluate(model: ViT, set: ImageSet, info: DatasetInfo, opts: EvalOptions): Promise<EvalResult> {
  return evaluateOn(tfjsEngine(model), set, info, { inference: inferenceOf(model), ...opts }, model);
}

/**
 * Evaluation on any inference engine (tfjs or onnxruntime). Worker threads (`workers`, `pool`) are tfjs's
 * way to use more cores and need the model; onnxruntime uses its own intra-op threads.
 */
export async function evaluateOn(engine: InferenceEngine, set: ImageSet, info: DatasetInfo, opts: EvalOptions, model?: ViT): Promise<EvalResult> {
  const L = engine.depth;
  const K = engine.numClasses;
  const n = Math.min(set.count, opts.limit ?? set.count);
  const bs = opts.batchSize ?? 256;
  if (n === 0)
    throw new Error(
      `${info.name}: no images to evaluate (the split holds ${set.count}${opts.limit !== undefined ? `, the limit is ${opts.limit}` : ''})`,
    );
  if (opts.decisions && (opts.mode !== 'dynamic' || opts.decisions.length < n * L)) {
    throw new Error(`forced decisions need dynamic mode and ${n} x ${L} entries, got ${opts.mode} mode and ${opts.decisions.length}`);
  }
  let correct = 0;
  let costSum = 0;
  let layerSum = 0;
  const hist = new Array(L + 1).fill(0);
  const layerRuns = new Array(L).fill(0);
  const classRuns = Array.from({ length: K }, () => new Array(L).fill(0));
  const classCount = new Array(K).fill(0);
  const classCorrect = new Array(K).fill(0);
  const inference = opts.inference;
  const totalCost = inference?.totalCost ?? engine.costs.reduce((a, b) => a + b, 0);
  const keep = opts.keepPerSample
    ? { executed: new Uint8Array(n * L), predictions: new Int32Array(n), labels: new Int32Array(n) }
    : undefined;
  const batches = Math.ceil(n / bs);
  const batchAt = (b: number) => ({ from: b * bs, size: Math.min(bs, n - b * bs) });
  const workers = opts.workers ?? 1;
  // More than one worker: batches spread over model copies in threads, results taken in batch order.
  if ((workers > 1 || opts.pool) && (!model || engine.name !== 'tfjs')) {
    throw new Error(`worker threads run the tfjs engine; ${engine.name} uses its own threads (set those instead)`);
  }
  const own = !opts.pool && workers > 1 && batches > 1 ? await InferPool.start(model!, Math.min(workers, batches)) : null;
  const pool = opts.pool ?? own;
  const inFlight = new Map<number, Promise<{ pred: ArrayLike<number>; executed: Uint8Array }>>();
  const submit = (b: number) => {
    const { from, size } = batchAt(b);
    const x = normalizeBatch(
      set,
      info,
      Int32Array.from({ length: size }, (_, i) => from + i),
    );
    const forced = opts.decisions?.slice(from * L, (from + size) * L);
    const out = pool!
      .forward(x, size, { mode: opts.mode, inference: inference ?? inferenceOf(model!), ...(forced ? { forced } : {}) })
      .then(({ logits, executed }) => ({ pred: argMaxRows(logits, K), executed }));
    out.catch(() => undefined); // awaited in order below; a cancel may leave some unawaited
    inFlight.set(b, out);
  };
  try {
    for (let b = 0; b < batches; b++) {
      throwIfCancelled(opts.signal);
      const { from, size } = batchAt(b);
      let executed: Uint8Array;
      let pred: ArrayLike<number>;
      if (pool) {
        for (let next = b; next < Math.min(batches, b + pool.size); next++) if (!inFlight.has(next)) submit(next);
        ({ pred, executed } = await inFlight.get(b)!);
        inFlight.delete(b);
      } else {
        const idx = Int32Array.from({ length: size }, (_, i) => from + i);
        // Forced decisions (a control policy) replace the gates; none: the model's own greedy gates.
        const forced = opts.decisions?.subarray(from * L, (from + size) * L);
        const out = await engine.run(normalizeBatch(set, info, idx), size, {
          mode: opts.mode, bias: inference?.bias, pruned: inference?.pruned, ...(forced ? { forced } : {}),
        });
        executed = out.executed;
        pred = argMaxRows(out.logits, K);
      }
      for (let i = 0; i < size; i++) {
        const y = set.labels[from + i];
        classCount[y]++;
        if (pred[i] === y) {
          correct++;
          classCorrect[y]++;
        }
        let k = 0;
        let c = 0;
        for (let l = 0; l < L; l++) {
          if (executed[keepIndex(i, l, L)]) {
            k++;
            c += engine.costs[l];
            layerRuns[l]++;
            classRuns[y][l]++;
          }
        }
        hist[k]++;
        layerSum += k;
        costSum += c / totalCost;
        if (keep) {
          keep.executed.set(executed.subarray(i * L, (i + 1) * L), (from + i) * L);
          keep.predictions[from + i] = pred[i];
          keep.labels[from + i] = y;
        }
      }
      opts.onProgress?.(from + size, n);
      await new Promise((r) => setImmediate(r)); // let cancel and progress through between batches
    }
  } finally {
    await own?.close();
  }
  checkDevice();
  return {
    images: n,
    accuracy: correct / n,
    meanExecutedCost: costSum / n,
    meanExecutedLayers: layerSum / n,
    executedLayersHistogram: hist,
    layerRates: layerRuns.map((r) => r / n),
    classLayerRates: classRuns.map((row, k) => row.map((r) => (classCount[k] ? r / classCount[k] : 0))),
    classAccuracy: classCorrect.map((c, k) => (classCount[k] ? c / classCount[k] : 0)),
    ...(keep ? { perSample: keep } : {}),
  };
}

/** Loads a saved model, evaluates it on one split as its metadata says it runs, and frees it. */
export async function evaluateSaved(
  dir: string,
  set: ImageSet,
  info: DatasetInfo,
  opts: Omit<EvalOptions, 'inference'>,
): Promise<EvalResult> {
  const { model, inference } = await loadForInference(dir);
  try {
    return await evaluate(model, set, info, { ...opts, inference });
  } finally {
    model.dispose();
  }
}

/** Index of the largest value in each row of [rows, K] (the first one on ties, as tf.argMax). */
export function argMaxRows(values: Float32Array, K: number): Int32Array {
  const out = new Int32Array(values.length / K);
  for (let r = 0; r < out.length; r++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (values[r * K + k] > values[r * K + best]) best = k;
    out[r] = best;
  }
  return out;
}
