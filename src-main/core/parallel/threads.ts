/** Starting the core's worker threads, from the TypeScript sources or from a bundled build. */
import os from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { BackendName } from '../backend';

/** Entry modules of the core's worker threads (each beside this file: `<name>.ts`, bundled `<name>.js`). */
export type ThreadEntry = 'train-thread' | 'infer-thread';

/** The number of threads a CPU job uses unless told otherwise: every core the process may use. */
export function defaultWorkers(): number {
  return Math.max(1, os.availableParallelism());
}

/** Checks a requested worker count; `what` names the input in the error. */
export function checkWorkers(n: number, what = 'workers'): number {
  if (!(Number.isInteger(n) && n >= 1 && n <= 256)) throw new Error(`${what} must be an integer from 1 to 256, got ${n}`);
  return n;
}

/**
 * The worker threads a job uses: the request, else every core on the CPU engines (wasm, cpu) and 1 on a
 * GPU backend (one device: nothing to spread over threads).
 */
export function workersFor(requested: number | undefined, backend: BackendName): number {
  if (requested !== undefined) return checkWorkers(requested);
  return backend === 'wasm' || backend === 'cpu' ? defaultWorkers() : 1;
}

/**
 * Starts a worker thread on one of the core's entries. From the sources (tsx, vitest) the thread first
 * registers tsx, because Node 20 ignores `--import` in a worker's execArgv; a bundled build (electron-vite
 * emits each entry beside the main chunk) runs the emitted .js directly.
 */
export function startThread(entry: ThreadEntry, options: WorkerOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${entry}.js`, import.meta.url), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const url = new URL(`./${entry}.ts`, import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
