/**
 * Accuracy and skipping statistics of a model on one split: the numbers `skipvit eval` prints and the
 * studio's Skips view draws.
 */
import { normalizeBatch, type DatasetInfo, type ImageSet } from '../data';
import { tfjsEngine, type InferenceEngine } from '../inference/engine';
import { loadForInference, type Inference } from '../model/inference';
import type { ViT } from '../model/vit';
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
   * Dynamic mode only: forced decisions for the whole split instead of the gates, [n*L] row-major, 1 = run
   * (a control policy such as random-policy.ts; the executor's `keep`).
   */
  decisions?: Uint8Array;
}

export interface EvalResult {
  images: number;
  accuracy: number;
  /** Mean executed layer cost as a fraction of the total layer cost (1.0 for a static model). */
  meanExecutedCost: number;
  meanExecutedLayers: number;
  /** histogram[k] = number of images that ran exactly k layers, k = 0..L. */
  executedLayersHistogram: number[];
  /** Fraction of images that ran layer l. */
  layerRates: number[];
  /** classLayerRates[k][l] = fraction of class-k images that ran layer l. */
  classLayerRates: number[][];
  /** Accuracy per class. */
  classAccuracy: number[];
  perSample?: { executed: Uint8Array; predictions: Int32Array; labels: Int32Array };
}

/** Evaluation on the studio's tfjs engine. */
export async function evaluate(model: ViT, set: ImageSet, info: DatasetInfo, opts: EvalOptions): Promise<EvalResult> {
  return evaluateOn(tfjsEngine(model), set, info, opts);
}

/** Index of the largest of K values in row i (the first on ties, as tf.argMax). */
function argMaxRow(logits: Float32Array, i: number, K: number): number {
  let best = 0;
  for (let k = 1; k < K; k++) if (logits[i * K + k] > logits[i * K + best]) best = k;
  return best;
}

/** Evaluation on any inference engine (tfjs or onnxruntime). */
export async function evaluateOn(engine: InferenceEngine, set: ImageSet, info: DatasetInfo, opts: EvalOptions): Promise<EvalResult> {
  const L = engine.depth;
  const K = engine.numClasses;
  const n = Math.min(set.count, opts.limit ?? set.count);
  const bs = opts.batchSize ?? 256;
  if (n === 0) throw new Error(`${info.name}: no images to evaluate (the split holds ${set.count}${opts.limit !== undefined ? `, the limit is ${opts.limit}` : ''})`);
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
  for (let from = 0; from < n; from += bs) {
    throwIfCancelled(opts.signal);
    const size = Math.min(bs, n - from);
    const idx = Int32Array.from({ length: size }, (_, i) => from + i);
    // Forced decisions (a control policy) replace the gates; none: the model's own greedy gates.
    const forced = opts.decisions?.subarray(from * L, (from + size) * L);
    const { logits, executed } = await engine.run(normalizeBatch(set, info, idx), size, {
      mode: opts.mode, bias: inference?.bias, pruned: inference?.pruned, ...(forced ? { forced } : {}),
    });
    for (let i = 0; i < size; i++) {
      const y = set.labels[from + i];
      const predicted = argMaxRow(logits, i, K);
      classCount[y]++;
      if (predicted === y) {
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
        keep.predictions[from + i] = predicted;
        keep.labels[from + i] = y;
      }
    }
    opts.onProgress?.(from + size, n);
    await new Promise((r) => setImmediate(r)); // let cancel and progress through between batches
  }
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
export async function evaluateSaved(dir: string, set: ImageSet, info: DatasetInfo, opts: Omit<EvalOptions, 'inference'>): Promise<EvalResult> {
  const { model, inference } = await loadForInference(dir);
  try {
    return await evaluate(model, set, info, { ...opts, inference });
  } finally {
    model.dispose();
  }
}
