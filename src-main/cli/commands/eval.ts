/**
 * `skipvit eval`: accuracy and skipping statistics of a model on a split, as the `eval` job, on the tfjs or the
 * onnxruntime engine. A `.onnx` file (skipvit export --format onnx) is evaluated directly in onnxruntime.
 */
import { oneOf, parseArgs, requireString } from '../args';
import { COMMON_FLAGS } from '../command';
import { ENGINE_FLAGS, engineParams } from '../engine-flags';
import { defineJobCommand, type JobCommand } from '../job-command';
import { table } from '../output';
import { WORKERS_FLAG } from '../workers';
import { evalOnnxFile } from './eval-onnx-file';

const FLAGS = {
  ...ENGINE_FLAGS,
  workers: WORKERS_FLAG,
  model: { type: 'string', help: 'model folder, with --workspace a model id, or (with --engine ort) a .onnx file from skipvit export --format onnx' },
  dataset: { type: 'string', help: 'dataset (default: the model\'s)' },
  split: { type: 'string', help: 'test or val', default: 'test' },
  static: { type: 'boolean', help: 'run every layer (the static path) instead of the gates' },
  limit: { type: 'number', help: 'evaluate only the first N images' },
  'batch-size': { type: 'number', help: 'images per forward pass', default: 256 },
  gallery: { type: 'boolean', help: 'add the Skips view\'s gallery (test images as PNGs with the layers each ran)' },
  'allow-incomplete': { type: 'boolean', help: 'evaluate a model whose training has not finished (its best-so-far weights)' },
} as const;

/** What a result's engine was, in words: "ort (cpu, 2 threads)". */
export function engineWords(e: { engine: string; device: string; threads: number } | undefined): string {
  return e ? `, on ${e.engine} (${e.device}, ${e.threads} thread${e.threads > 1 ? 's' : ''})` : '';
}

export function evalSummary(r: Record<string, unknown>): string {
  const rates = r.layerRates as number[];
  return (
    `${r.dataset} ${r.split}, ${r.mode}${engineWords(r.engine as never)}: accuracy ${((r.accuracy as number) * 100).toFixed(2)}% on ${r.images} images; ` +
    `mean executed cost ${((r.meanExecutedCost as number) * 100).toFixed(1)}% (${(r.meanExecutedLayers as number).toFixed(2)} layers)\n` +
    table(['layer', ...rates.map((_, l) => String(l))], [['run rate', ...rates.map((x) => x.toFixed(2))]])
  );
}

const job = defineJobCommand({
  kind: 'eval',
  usage: 'skipvit eval --model DIR|ID|FILE.onnx [--dataset D] [--split test|val] [--static] [--engine tfjs|wasm|ort] [--allow-incomplete] [--workspace W]',
  flags: FLAGS,
  params: (flags, refs) => {
    return {
      model: refs.model(requireString(flags, 'model'), 'model'),
      dataset: flags.dataset as string | undefined,
      split: oneOf(flags, 'split', ['test', 'val']),
      static: Boolean(flags.static),
      maxSamples: flags.limit === undefined ? undefined : Number(flags.limit),
      batchSize: Number(flags['batch-size']),
      gallery: Boolean(flags.gallery),
      allowIncomplete: Boolean(flags['allow-incomplete']),
      ...engineParams(flags),
      workers: flags.workers === undefined ? undefined : Number(flags.workers),
    };
  },
  summary: evalSummary,
});

/** Whether the arguments name a .onnx file as the model (then there is no job: the file runs in onnxruntime). */
function namesOnnxFile(argv: string[]): boolean {
  try {
    const model = parseArgs(argv, { ...COMMON_FLAGS, ...FLAGS }).flags.model;
    return typeof model === 'string' && model.endsWith('.onnx');
  } catch {
    return false; // the job command reports the usage error
  }
}

export const command: JobCommand<'eval'> = {
  ...job,
  run: (argv) => (namesOnnxFile(argv) ? evalOnnxFile(argv, { ...COMMON_FLAGS, ...FLAGS }, evalSummary) : job.run(argv)),
};
