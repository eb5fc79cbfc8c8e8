/** `skipvit eval`: accuracy and skipping statistics of a model on a split, as the `eval` job. */
import { oneOf, requireString } from '../args';
import { defineJobCommand } from '../job-command';
import { WORKERS_FLAG } from '../workers';
import { table } from '../output';

export const command = defineJobCommand({
  kind: 'eval',
  usage: 'skipvit eval --model DIR|ID [--dataset D] [--split test|val] [--static] [--allow-incomplete] [--workspace W]',
  flags: {
    workers: WORKERS_FLAG,
    model: { type: 'string', help: 'model folder, or with --workspace a model id' },
    dataset: { type: 'string', help: 'dataset (default: the model\'s)' },
    split: { type: 'string', help: 'test or val', default: 'test' },
    static: { type: 'boolean', help: 'run every layer (the static path) instead of the gates' },
    limit: { type: 'number', help: 'evaluate only the first N images' },
    'batch-size': { type: 'number', help: 'images per forward pass', default: 256 },
    gallery: { type: 'boolean', help: 'add the Skips view\'s gallery (test images as PNGs with the layers each ran)' },
    'allow-incomplete': { type: 'boolean', help: 'evaluate a model whose training has not finished (its best-so-far weights)' },
  },
  params: (flags, refs) => ({
    model: refs.model(requireString(flags, 'model'), 'model'),
    dataset: flags.dataset as string | undefined,
    split: oneOf(flags, 'split', ['test', 'val']),
    static: Boolean(flags.static),
    maxSamples: flags.limit === undefined ? undefined : Number(flags.limit),
    batchSize: Number(flags['batch-size']),
    gallery: Boolean(flags.gallery),
    allowIncomplete: Boolean(flags['allow-incomplete']),
    backend: flags.backend as 'auto', adapter: flags.adapter as 'hardware',
    workers: flags.workers === undefined ? undefined : Number(flags.workers),
  }),
  summary(r) {
    const rates = r.layerRates as number[];
    return (
      `${r.dataset} ${r.split}, ${r.mode}: accuracy ${((r.accuracy as number) * 100).toFixed(2)}% on ${r.images} images; ` +
      `mean executed cost ${((r.meanExecutedCost as number) * 100).toFixed(1)}% (${(r.meanExecutedLayers as number).toFixed(2)} layers)\n` +
      table(['layer', ...rates.map((_, l) => String(l))], [['run rate', ...rates.map((x) => x.toFixed(2))]])
    );
  },
});
