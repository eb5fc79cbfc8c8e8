/**
 * The 'ort' inference engine: a model run by onnxruntime. From a model folder, the model is exported to
 * ONNX in memory (its static graph, and its dynamic graph where it has trained gates) and each graph gets
 * one session; a `.onnx` file SkipViT exported is run as it is. Genomes (gate biases, prune flags) are fed
 * as the dynamic graph's inputs, so one session serves a whole search.
 */
import type { InferenceEngine } from '../inference/engine';
import type { ModelMeta } from '../model/io';
import type { ViT } from '../model/vit';
import { OrtModel, type OrtEngineOptions } from './ort-model';
import { onnxBytes } from './export';
import type { OnnxMeta } from './metadata';

function engineOver(sessions: { static?: OrtModel; dynamic?: OrtModel }, where: string): InferenceEngine {
  const any = (sessions.dynamic ?? sessions.static)!;
  const meta = any.meta;
  const c = meta.config;
  const d = any.device;
  return {
    name: 'ort',
    device: {
      engine: 'ort',
      device: d.provider,
      threads: d.threads,
      version: d.onnxruntime,
      notUsed: d.notUsed.map((n) => ({ name: n.provider, reason: n.reason })),
    },
    depth: c.depth,
    costs: meta.costs,
    numClasses: c.numClasses,
    imageShape: [c.imageSize, c.imageSize, c.channels],
    defaultBias: meta.gateBias,
    async run(images, batch, opts) {
      const session = sessions[opts.mode];
      if (!session) throw new Error(`${where}: holds no ${opts.mode} graph (it was exported as ${meta.graph})`);
      if (opts.forced) throw new Error(`${where}: forced decisions (a control policy) run on the tfjs engine only`);
      if (opts.mode === 'static') return session.run(images, batch);
      return session.run(images, batch, { bias: opts.bias, pruned: opts.pruned });
    },
    async dispose() {
      await Promise.all(Object.values(sessions).map((s) => s?.release()));
    },
  };
}

/** The ORT engine for a loaded model (exported in memory; the model can be disposed afterwards). */
export async function ortEngineForModel(model: ViT, meta: ModelMeta, where: string, opts: OrtEngineOptions = {}): Promise<InferenceEngine> {
  const base = { gateBias: meta.gateBias, sourceLayers: meta.sourceLayers, dataset: meta.dataset ?? null };
  const sessions: { static?: OrtModel; dynamic?: OrtModel } = {};
  sessions.static = await OrtModel.fromBytes(await onnxBytes(model, { ...base, graph: 'static' }), `${where} (static graph)`, opts);
  if (meta.kind === 'dynamic') {
    sessions.dynamic = await OrtModel.fromBytes(await onnxBytes(model, { ...base, graph: 'dynamic' }), `${where} (dynamic graph)`, opts);
  }
  return engineOver(sessions, where);
}

/** The ORT engine for a SkipViT `.onnx` file (refused with a clear error if it is not one), and its metadata. */
export async function ortEngineForFile(file: string, opts: OrtEngineOptions = {}): Promise<{ engine: InferenceEngine; meta: OnnxMeta }> {
  const m = await OrtModel.load(file, opts);
  return { engine: engineOver(m.meta.graph === 'static' ? { static: m } : { dynamic: m }, file), meta: m.meta };
}
