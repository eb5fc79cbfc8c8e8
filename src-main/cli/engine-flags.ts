/** The inference engine flags of eval, bench, search and predict, and how they are read. */
import type { FlagSpec, FlagValues } from './args';
import { UsageError } from './args';
import type { EngineName } from '../core/inference/open';

export const ENGINE_FLAGS: Record<string, FlagSpec> = {
  engine: {
    type: 'string',
    help: 'inference engine: tfjs (the studio\'s, on --backend), wasm (tfjs on wasm) or ort (onnxruntime)',
    default: 'tfjs',
  },
  threads: { type: 'number', help: "onnxruntime intra-op threads (default: the machine's cores)" },
};

export interface EngineChoice {
  engine: EngineName;
  /** The tfjs backend to use ('wasm' when --engine wasm). */
  backend: string;
  threads?: number;
}

export function engineChoice(flags: FlagValues): EngineChoice {
  const e = String(flags.engine);
  const threads = flags.threads === undefined ? undefined : Number(flags.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new UsageError(`--threads must be a positive integer, got ${flags.threads}`);
  if (e === 'wasm') return { engine: 'tfjs', backend: 'wasm', threads };
  if (e === 'tfjs' || e === 'ort') return { engine: e, backend: String(flags.backend), threads };
  throw new UsageError(`--engine must be tfjs, wasm or ort, got "${e}"`);
}

/** The engine part of a job's params (eval, search): engine, onnxruntime threads, tfjs backend and GPU adapter. */
export function engineParams(flags: FlagValues): { engine: EngineName; threads?: number; backend: 'auto'; adapter: 'hardware' } {
  const choice = engineChoice(flags);
  // The job params' schema checks the backend and adapter names; the casts only satisfy the input type.
  return { engine: choice.engine, threads: choice.threads, backend: choice.backend as 'auto', adapter: flags.adapter as 'hardware' };
}
