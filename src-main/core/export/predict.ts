/**
 * Running a model (exported or trained) on image files: decode PNG/JPEG, convert to the model's channels
 * and size, normalise with the model's recorded preprocessing, run the dynamic executor with the model's
 * gate biases, and report the top classes and the ORIGINAL indices of the layers each image ran.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { decodeImageFile, normalizeBatch, type DatasetInfo } from '../data';
import type { RgbImage } from '../data/decode-image';
import { openEngine, type EngineDevice, type EngineName } from '../inference/open';
import { inferenceOf } from '../model/inference';
import { loadModel } from '../model/io';
import { InferPool } from '../parallel/infer-pool';
import { importExport } from './import';
import { keepIndex } from '../model/keep-mask';

export interface PredictOptions {
  /** Classes listed per image. Default 3. */
  top?: number;
  /** Images per forward pass. Default 64. */
  batchSize?: number;
  /** Use a trained model whose training has not finished (see loadModel). */
  allowIncomplete?: boolean;
  /** Worker threads, each with a copy of the model (default 1: this thread); the predictions do not depend on it. */
  workers?: number;
  /** Inference engine: 'tfjs' (default) or 'ort' (onnxruntime, which uses its own `threads` instead of workers). */
  engine?: EngineName;
  threads?: number;
}

export interface Prediction {
  file: string;
  top: { class: number; name: string; probability: number }[];
  /** Original layer indices that ran for this image (an exported model maps back through sourceLayers). */
  executedLayers: number[];
  /** The file's own size, and whether it was resized or converted to fit the model. */
  width: number;
  height: number;
  resized: boolean;
  converted: boolean;
}

export interface PredictResult {
  model: string;
  mode: 'static' | 'dynamic';
  engine: EngineDevice;
  predictions: Prediction[];
}

/** Bilinear sample of an RGB image at a square size, sampling at pixel centres. [S, S, 3] */
function resizeRgb(img: RgbImage, size: number): Uint8Array {
  const out = new Uint8Array(size * size * 3);
  const sx = img.width / size;
  const sy = img.height / size;
  for (let y = 0; y < size; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < size; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number) => img.rgb[(yy * img.width + xx) * 3 + c];
        const top = at(y0, x0) * (1 - wx) + at(y0, x1) * wx;
        const bottom = at(y1, x0) * (1 - wx) + at(y1, x1) * wx;
        out[(y * size + x) * 3 + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return out;
}

/** RGB [n*3] -> the model's channels: as-is for 3, ITU-R BT.601 luma for 1. */
function toChannels(rgb: Uint8Array, channels: number, file: string): Uint8Array {
  if (channels === 3) return rgb;
  if (channels !== 1)
    throw new Error(`${file}: the model takes ${channels}-channel images; only 1 (grey) and 3 (RGB) can be made from a PNG/JPEG`);
  const grey = new Uint8Array(rgb.length / 3);
  for (let i = 0; i < grey.length; i++) grey[i] = Math.round(0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2]);
  return grey;
}

/** Probabilities of one row of logits (max-subtracted for range). */
function softmax(logits: Float32Array): number[] {
  const max = Math.max(...logits);
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

/** An RGB image whose three channels are equal. */
function isGrey(rgb: Uint8Array): boolean {
  for (let i = 0; i < rgb.length; i += 3) if (rgb[i] !== rgb[i + 1] || rgb[i] !== rgb[i + 2]) return false;
  return true;
}

export async function predictFiles(modelDir: string, files: string[], opts: PredictOptions = {}): Promise<PredictResult> {
  if (files.length === 0) throw new Error('predict: no image files given');
  const topK = opts.top ?? 3;
  const batchSize = opts.batchSize ?? 64;
  // An export folder is checked against its config.json first; a trained model folder loads as is.
  const { model, meta } = existsSync(path.join(modelDir, 'config.json'))
    ? await importExport(modelDir)
    : await loadModel(modelDir, { allowIncomplete: opts.allowIncomplete });
  try {
    const ds = meta.dataset;
    if (!ds)
      throw new Error(
        `${modelDir}: the model does not record its dataset's preprocessing (mean, std, classes); it cannot be run on image files`,
      );
    const { imageSize: S, channels: C, numClasses: K } = model.config;
    const info: DatasetInfo = {
      name: ds.name,
      source: 'predict',
      classNames: ds.classNames,
      height: S,
      width: S,
      channels: C,
      mean: ds.mean,
      std: ds.std,
      flip: false,
      cropPadding: 0,
    };
    // Decode and fit every image first: a bad file fails the command before any work is done.
    const per = S * S * C;
    const images = new Uint8Array(files.length * per);
    const fitted = files.map((file, i) => {
      const img = decodeImageFile(file);
      const resized = img.width !== S || img.height !== S;
      const rgb = resized ? resizeRgb(img, S) : img.rgb;
      images.set(toChannels(rgb, C, file), i * per);
      return { width: img.width, height: img.height, resized, converted: C === 1 && !isGrey(img.rgb) };
    });
    const set = { images, labels: new Int32Array(files.length), count: files.length, height: S, width: S, channels: C };
    const L = model.depth;
    const inference = inferenceOf(model, meta);
    const layerIds = meta.sourceLayers ?? Array.from({ length: L }, (_, l) => l);
    const mode = meta.kind === 'dynamic' ? 'dynamic' : 'static';
    const predictions: Prediction[] = [];
    const batches = Math.ceil(files.length / batchSize);
    const input = (from: number, n: number) =>
      normalizeBatch(
        set,
        info,
        Int32Array.from({ length: n }, (_, i) => from + i),
      );
    // More than one worker: batches go to model copies in threads (a few ahead), results are taken in order.
    const engine = await openEngine(opts.engine ?? 'tfjs', model, meta, modelDir, { threads: opts.threads });
    const pool = engine.name === 'tfjs' && (opts.workers ?? 1) > 1 && batches > 1 ? await InferPool.start(model, Math.min(opts.workers!, batches)) : null;
    const ahead = new Map<number, Promise<{ logits: Float32Array; executed: Uint8Array }>>();
    try {
      for (let from = 0; from < files.length; from += batchSize) {
        const n = Math.min(batchSize, files.length - from);
        let logits: Float32Array;
        let executed: Uint8Array;
        if (pool) {
          for (let f = from; f < Math.min(files.length, from + 2 * pool.size * batchSize); f += batchSize) {
            if (ahead.has(f)) continue;
            const out = pool.forward(input(f, Math.min(batchSize, files.length - f)), Math.min(batchSize, files.length - f), { mode, inference });
            out.catch(() => undefined); // awaited in order below
            ahead.set(f, out);
          }
          const r = await ahead.get(from)!;
          ahead.delete(from);
          ({ logits, executed } = r);
        } else {
          ({ logits, executed } = await engine.run(input(from, n), n, { mode, bias: inference.bias }));
        }
        for (let i = 0; i < n; i++) {
          const row = softmax(logits.subarray(i * K, (i + 1) * K));
          const top = row
            .map((probability, k) => ({ class: k, name: ds.classNames[k] ?? String(k), probability }))
            .sort((a, b) => b.probability - a.probability || a.class - b.class)
            .slice(0, topK);
          const executedLayers = layerIds.filter((_, l) => executed[keepIndex(i, l, L)]);
          predictions.push({ file: files[from + i], top, executedLayers, ...fitted[from + i] });
        }
      }
    } finally {
      await pool?.close();
      await engine.dispose();
    }
    return { model: modelDir, mode, engine: engine.device, predictions };
  } finally {
    model.dispose();
  }
}
