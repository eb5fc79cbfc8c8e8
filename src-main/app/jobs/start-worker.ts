/** Creating job workers, from the TypeScript sources or from a bundled build. */
import { Worker } from 'node:worker_threads';
import type { WorkerInput } from './protocol';

/**
 * Starts a worker from the job-worker entry (also used by the system-info probe). From the sources
 * (tsx, vitest) the worker first registers tsx, because Node 20 ignores `--import` in a worker's
 * execArgv; a bundled build runs the emitted job-worker.js directly.
 */
export function startWorker(data: WorkerInput): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./job-worker.js', import.meta.url), { workerData: data });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./job-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}
