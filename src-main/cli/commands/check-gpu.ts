/**
 * `skipvit check-gpu` (npm run check:gpu): the WebGPU engine on this machine's GPU against wasm, written to
 * <out-dir>/gpu-<device>.md and .json (core/bench/gpu-check.ts says what it measures).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AdapterKind } from '../../core/backend';
import { deviceSlug, renderGpuCheck, runGpuCheck } from '../../core/bench/gpu-check';
import { oneOf } from '../args';
import { defineCommand } from '../command';

export const command = defineCommand(
  'skipvit check-gpu [--quick] [--adapter hardware|software] [--out-dir docs/results]',
  {
    quick: { type: 'boolean', help: 'small batches and few runs (for a software adapter)' },
    'out-dir': { type: 'string', help: 'where gpu-<device>.md and .json go', default: path.join('docs', 'results') },
    'nvidia-smi': { type: 'string', help: 'nvidia-smi executable (default: on PATH)' },
  },
  async ({ flags }, io) => {
    const adapter = oneOf(flags, 'adapter', ['hardware', 'software']) as AdapterKind;
    const result = await runGpuCheck({
      adapter, quick: Boolean(flags.quick), nvidiaSmi: flags['nvidia-smi'] as string | undefined,
      onProgress: (m) => process.stderr.write(`check-gpu: ${m}\n`),
    });
    const dir = path.resolve(String(flags['out-dir']));
    await fs.mkdir(dir, { recursive: true });
    const base = path.join(dir, `gpu-${deviceSlug(result.adapter)}`);
    const md = renderGpuCheck(result);
    await fs.writeFile(`${base}.json`, JSON.stringify(result, null, 2) + '\n');
    await fs.writeFile(`${base}.md`, md);
    io.result({ ...result, files: [`${base}.md`, `${base}.json`] }, () => `${md}\nwritten: ${base}.md, ${base}.json`);
    return 0;
  },
);
