/** The `--workers N` flag of the CPU-heavy commands: how many threads (cores) a job uses. */
import { checkWorkers, defaultWorkers, workersFor } from '../core/parallel/threads';
import type { BackendName } from '../core/backend';
import type { FlagSpec, ParsedArgs } from './args';
import { UsageError } from './args';

/** Default: every core the process may use (os.availableParallelism()). */
export const WORKERS_FLAG: FlagSpec = {
  type: 'number',
  help: `worker threads, one core each (default: every core, ${defaultWorkers()} here; 1 = one thread, no workers)`,
};

/**
 * The flag's value; without it every core on the CPU engines (wasm, cpu) and 1 on a GPU backend (one
 * device, nothing to spread). A bad value is a usage error naming the flag.
 */
export function workersOf(flags: ParsedArgs['flags'], backend: BackendName): number {
  if (flags.workers === undefined) return workersFor(undefined, backend);
  try {
    return checkWorkers(Number(flags.workers), '--workers');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
