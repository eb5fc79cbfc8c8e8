/** `skipvit predict`: run an exported or trained model on PNG/JPEG files. */
import path from 'node:path';
import { initBackend, type AdapterKind, type BackendName } from '../../core/backend';
import { predictFiles } from '../../core/export/predict';
import { requireString, UsageError } from '../args';
import { defineCommand } from '../command';
import { ENGINE_FLAGS, engineChoice } from '../engine-flags';
import { WORKERS_FLAG, workersOf } from '../workers';

export const command = defineCommand(
  'skipvit predict --model DIR [--engine tfjs|wasm|ort] [--allow-incomplete] IMAGES...',
  {
    model: { type: 'string', help: 'model folder (an export or a trained model)' },
    top: { type: 'number', help: 'classes listed per image', default: 3 },
    'allow-incomplete': { type: 'boolean', help: 'use a model whose training has not finished (its best-so-far weights)' },
    ...ENGINE_FLAGS,
    workers: WORKERS_FLAG,
  },
  async ({ flags, positionals }, io) => {
    const model = path.resolve(requireString(flags, 'model'));
    if (positionals.length === 0) throw new UsageError('give one or more PNG or JPEG files after the flags');
    const top = Number(flags.top);
    if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a positive integer, got ${flags.top}`);
    const choice = engineChoice(flags);
    const backend = await initBackend(choice.backend as BackendName | 'auto', flags.adapter as AdapterKind);
    const r = await predictFiles(model, positionals, {
      top, allowIncomplete: Boolean(flags['allow-incomplete']), engine: choice.engine, threads: choice.threads,
      workers: choice.engine === 'tfjs' ? workersOf(flags, backend.name) : 1,
    });
    io.result({ ...r, backend: backend.name }, () =>
      `on ${r.engine.engine} (${r.engine.device})\n` +
      r.predictions
        .map((p) => {
          const best = p.top.map((t) => `${t.name} ${(t.probability * 100).toFixed(1)}%`).join(', ');
          const fit = p.resized ? ` (resized from ${p.width}x${p.height})` : '';
          return `${p.file}${fit}: ${best}; ran layers [${p.executedLayers.join(' ')}]`;
        })
        .join('\n'),
    );
    return 0;
  },
);
