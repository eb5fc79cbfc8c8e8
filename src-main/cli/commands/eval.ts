/** `skipvit eval`: accuracy and skipping statistics of a model on a split, on the tfjs or onnxruntime engine. */
import path from 'node:path';
import { initBackend, type BackendName } from '../../core/backend';
import { loadDatasetForModel, type ValidationSplit } from '../../core/data';
import { openEngine, type InferenceEngine } from '../../core/inference/open';
import { datasetFor, loadForInference, type Inference, type ViT } from '../../core/model';
import { evaluateOn } from '../../core/train';
import { oneOf, requireString, UsageError } from '../args';
import { defineCommand } from '../command';
import { ENGINE_FLAGS, engineChoice } from '../engine-flags';
import { WORKERS_FLAG, workersOf } from '../workers';
import { table } from '../output';

export const command = defineCommand(
  'skipvit eval --model DIR|FILE.onnx [--dataset D] [--split test|val] [--static] [--engine tfjs|wasm|ort] [--allow-incomplete]',
  {
    model: { type: 'string', help: 'model folder, or (with --engine ort) a .onnx file exported by skipvit export --format onnx' },
    dataset: { type: 'string', help: 'dataset (default: the model\'s)' },
    split: { type: 'string', help: 'test or val', default: 'test' },
    static: { type: 'boolean', help: 'run every layer (the static path) instead of the gates' },
    limit: { type: 'number', help: 'evaluate only the first N images' },
    'allow-incomplete': { type: 'boolean', help: 'evaluate a model whose training has not finished (its best-so-far weights)' },
    ...ENGINE_FLAGS,
    workers: WORKERS_FLAG,
  },
  async ({ flags }, io) => {
    const dir = path.resolve(requireString(flags, 'model'));
    const split = oneOf(flags, 'split', ['test', 'val']);
    const choice = engineChoice(flags);
    const backend = await initBackend(choice.backend as BackendName | 'auto');
    // Worker threads spread tfjs over the cores; onnxruntime uses its own intra-op threads (--threads).
    const workers = choice.engine === 'tfjs' ? workersOf(flags, backend.name) : 1;
    let engine: InferenceEngine;
    let model: ViT | null = null;
    let name: string;
    let mode: 'static' | 'dynamic';
    let inference: Inference | undefined;
    let validationSplit: ValidationSplit | undefined;
    if (dir.endsWith('.onnx')) {
      if (choice.engine !== 'ort') throw new UsageError(`${dir} is an ONNX file: evaluate it with --engine ort`);
      const { ortEngineForFile } = await import('../../core/onnx/ort-engine');
      const opened = await ortEngineForFile(dir, { threads: choice.threads });
      engine = opened.engine;
      mode = opened.meta.graph;
      const asked = (flags.dataset as string | undefined) ?? opened.meta.dataset;
      if (!asked || (flags.static && mode === 'dynamic')) {
        await engine.dispose();
        throw new UsageError(asked ? `${dir} holds the dynamic graph only; export the static graph for --static` : `${dir} does not name its dataset; pass --dataset`);
      }
      name = asked;
    } else {
      const loaded = await loadForInference(dir, { allowIncomplete: Boolean(flags['allow-incomplete']) });
      model = loaded.model;
      inference = loaded.inference;
      validationSplit = loaded.meta.validationSplit;
      engine = await openEngine(choice.engine, model, loaded.meta, dir, { threads: choice.threads });
      name = datasetFor(dir, loaded.meta, flags.dataset as string | undefined, '--dataset');
      mode = flags.static || loaded.meta.kind === 'static' ? 'static' : 'dynamic';
    }
    try {
      const data = await loadDatasetForModel(dir, validationSplit, name);
      const bar = io.progress('eval');
      const r = await evaluateOn(engine, data[split], data.info, {
        mode, inference, workers, limit: flags.limit ? Number(flags.limit) : undefined, onProgress: (d, t) => bar.update(d / t, `${d}/${t}`),
      }, model ?? undefined);
      bar.done();
      const result = { model: dir, dataset: name, split, mode, engine: engine.device, classNames: data.info.classNames, ...r };
      const on = `${engine.device.engine} (${engine.device.device}, ${engine.device.threads} thread${engine.device.threads > 1 ? 's' : ''})`;
      io.result(result, () =>
        `${name} ${split}, ${mode}, on ${on}: accuracy ${(r.accuracy * 100).toFixed(2)}% on ${r.images} images; mean executed cost ${(r.meanExecutedCost * 100).toFixed(1)}% (${r.meanExecutedLayers.toFixed(2)} layers)\n` +
        table(['layer', ...r.layerRates.map((_, l) => String(l))], [['run rate', ...r.layerRates.map((x) => x.toFixed(2))]]),
      );
    } finally {
      await engine.dispose();
      model?.dispose();
    }
    return 0;
  },
);
