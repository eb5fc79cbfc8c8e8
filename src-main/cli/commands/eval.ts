/** `skipvit eval`: accuracy and skipping statistics of a model on a split. */
import path from 'node:path';
import { initBackend, type AdapterKind, type BackendName } from '../../core/backend';
import { loadDatasetForModel } from '../../core/data';
import { datasetFor, loadForInference } from '../../core/model';
import { evaluate } from '../../core/train';
import { oneOf, requireString } from '../args';
import { defineCommand } from '../command';
import { WORKERS_FLAG, workersOf } from '../workers';
import { table } from '../output';

export const command = defineCommand(
  'skipvit eval --model DIR [--dataset D] [--split test|val] [--static] [--allow-incomplete]',
  {
    model: { type: 'string', help: 'model folder' },
    dataset: { type: 'string', help: 'dataset (default: the model\'s)' },
    split: { type: 'string', help: 'test or val', default: 'test' },
    static: { type: 'boolean', help: 'run every layer (the static path) instead of the gates' },
    limit: { type: 'number', help: 'evaluate only the first N images' },
    'allow-incomplete': { type: 'boolean', help: 'evaluate a model whose training has not finished (its best-so-far weights)' },
    workers: WORKERS_FLAG,
  },
  async ({ flags }, io) => {
    const dir = path.resolve(requireString(flags, 'model'));
    const split = oneOf(flags, 'split', ['test', 'val']);
    const backend = await initBackend(flags.backend as BackendName | 'auto', flags.adapter as AdapterKind);
    const { model, meta, inference } = await loadForInference(dir, { allowIncomplete: Boolean(flags['allow-incomplete']) });
    const name = datasetFor(dir, meta, flags.dataset as string | undefined, '--dataset');
    const data = await loadDatasetForModel(dir, meta.validationSplit, name);
    const mode = flags.static || meta.kind === 'static' ? 'static' : 'dynamic';
    const bar = io.progress('eval');
    const r = await evaluate(model, data[split], data.info, {
      mode, inference, limit: flags.limit ? Number(flags.limit) : undefined, workers: workersOf(flags, backend.name), onProgress: (d, t) => bar.update(d / t, `${d}/${t}`),
    });
    bar.done();
    model.dispose();
    const result = { model: dir, dataset: name, split, mode, classNames: data.info.classNames, ...r };
    io.result(result, () =>
      `${name} ${split}, ${mode}: accuracy ${(r.accuracy * 100).toFixed(2)}% on ${r.images} images; mean executed cost ${(r.meanExecutedCost * 100).toFixed(1)}% (${r.meanExecutedLayers.toFixed(2)} layers)\n` +
      table(['layer', ...r.layerRates.map((_, l) => String(l))], [['run rate', ...r.layerRates.map((x) => x.toFixed(2))]]),
    );
    return 0;
  },
);
