/**
 * `skipvit export --format onnx` and the studio's ONNX export: a trained model or a chosen search point to
 * one `.onnx` file, then checked as it will run: the file is loaded in onnxruntime and run on test images
 * against the tfjs model it came from (logits and per-image skip decisions), and the figures are returned.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset, normalizeBatch, type Dataset } from '../data';
import { forwardDynamic } from '../model/executor';
import { loadModel } from '../model/io';
import { writeOnnx } from './export';
import { OrtModel } from './ort-model';

export interface OnnxFileExportOptions {
  /** The trained model folder (for a search point: the searched model). */
  modelDir: string;
  /** Target file; must not exist unless `force`. */
  out: string;
  force?: boolean;
  /** Default: 'dynamic' for a dynamic model or a search point, else 'static'. */
  graph?: 'static' | 'dynamic';
  /** A search point: layers removed from the file and per-layer gate biases (over the model's layers). */
  point?: { index: number; prunedLayers: number[]; gateBias: number[] };
  /** Test images the check runs (default 256); data defaults to the model's dataset. */
  checkImages?: number;
  data?: Dataset;
}

export interface OnnxFileExport {
  out: string;
  bytes: number;
  graph: 'static' | 'dynamic';
  layers: number;
  sourceLayers: number[];
  /** The check against tfjs on `images` test images. */
  check: { images: number; maxLogitDiff: number; decisionsDiffer: number; provider: string };
}

export async function exportOnnxFile(opts: OnnxFileExportOptions): Promise<OnnxFileExport> {
  const out = path.resolve(opts.out);
  if (!out.endsWith('.onnx')) throw new Error(`${out}: an ONNX export is one file named *.onnx`);
  if (!opts.force && (await fs.stat(out).then(() => true, () => false))) throw new Error(`${out} exists; pass --force to replace it`);
  const { model, meta } = await loadModel(path.resolve(opts.modelDir));
  try {
    const L = model.depth;
    const graph = opts.graph ?? (opts.point || meta.kind === 'dynamic' ? 'dynamic' : 'static');
    if (opts.point && graph === 'static' && opts.point.gateBias.some((b) => b !== 0)) {
      // A static graph of a point keeps its pruning but has no gates: say so rather than drop the biases silently.
      throw new Error(`search point ${opts.point.index} has gate biases; export it with the dynamic graph`);
    }
    const pruned = Array.from({ length: L }, (_, l) => opts.point?.prunedLayers.includes(l) ?? false);
    if (pruned.every(Boolean)) throw new Error(`point ${opts.point?.index} prunes every layer; there is nothing to export`);
    const gateBias = opts.point?.gateBias ?? meta.gateBias;
    const data = opts.data ?? (meta.dataset ? await loadDataset(meta.dataset.name) : null);
    await fs.mkdir(path.dirname(out), { recursive: true });
    await writeOnnx(out, model, {
      graph,
      pruned,
      gateBias,
      sourceLayers: meta.sourceLayers,
      dataset: meta.dataset ?? data?.info ?? null,
      doc: `SkipViT ${graph} model from ${opts.modelDir}${opts.point ? `, search point ${opts.point.index}` : ''}`,
    });
    const ort = await OrtModel.load(out, { threads: 1 });
    try {
      let check: OnnxFileExport['check'] = { images: 0, maxLogitDiff: NaN, decisionsDiffer: 0, provider: ort.device.provider };
      if (data) {
        const n = Math.min(opts.checkImages ?? 256, data.test.count);
        const c = model.config;
        const images = normalizeBatch(data.test, data.info, Int32Array.from({ length: n }, (_, i) => i));
        const got = await ort.run(images, n);
        const x = tf.tensor4d(images, [n, c.imageSize, c.imageSize, c.channels]);
        const ref = graph === 'dynamic'
          ? await forwardDynamic(model, x, { bias: gateBias, pruned })
          : { logits: model.forwardStatic(x), executed: null };
        const want = await ref.logits.data();
        tf.dispose([x, ref.logits]);
        let maxLogitDiff = 0;
        for (let i = 0; i < want.length; i++) maxLogitDiff = Math.max(maxLogitDiff, Math.abs(want[i] - got.logits[i]));
        let decisionsDiffer = 0;
        if (ref.executed) {
          const kept = ort.meta.sourceLayers.map((_, j) => j);
          const keptSource = pruned.flatMap((p, l) => (p ? [] : [l]));
          for (let i = 0; i < n; i++) {
            if (kept.some((j) => got.executed[i * kept.length + j] !== ref.executed![i * L + keptSource[j]])) decisionsDiffer++;
          }
        }
        check = { images: n, maxLogitDiff, decisionsDiffer, provider: ort.device.provider };
      }
      return { out, bytes: (await fs.stat(out)).size, graph, layers: ort.depth, sourceLayers: ort.meta.sourceLayers, check };
    } finally {
      await ort.release();
    }
  } finally {
    model.dispose();
  }
}
