/**
 * Optional parallel evaluation in worker_threads for pure-JS problems whose evaluations are expensive.
 *
 * Each worker imports `module` and looks up `exportName`: either a function (genome) => Evaluation or an
 * object with such an `evaluate` method (so every TestProblem works as is). A batch is split into one
 * contiguous chunk per worker. TypeScript modules are loaded through tsx's loader, registered in each worker.
 *
 * When it pays: only when one evaluation costs well over the messaging cost (tens of microseconds per genome).
 * For ZDT/DTLZ (a microsecond per evaluation) it is SLOWER than evaluating in the main thread; see
 * `npm run bench:nsga2` for both cases. Not for tfjs models: a thread here would load no model; the
 * ViT search spreads its genomes over model copies in core/parallel/infer-pool.ts instead (the wasm
 * backend runs each model on one core, so one thread per core is what uses them all).
 */
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BatchEvaluator, Evaluation, Genome } from './types';

export interface WorkerPoolOptions {
  /** Module to import in each worker: a file path or URL (file:, data:). */
  module: string | URL;
  /** Its export to call: a function (genome) => Evaluation, or an object with an `evaluate` method. */
  exportName: string;
  /** Number of worker threads. Default: os.availableParallelism(). */
  threads?: number;
}

export interface WorkerPoolEvaluator {
  /** The batched evaluator to hand to nsga2. */
  evaluate: BatchEvaluator;
  /** Terminates the workers. */
  close(): Promise<void>;
}

// Runs in each worker (CommonJS, evaluated from this string so it needs no loader itself).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  const mod = await import(workerData.moduleUrl);
  const target = mod[workerData.exportName];
  const evaluate = typeof target === 'function' ? target : target && target.evaluate && target.evaluate.bind(target);
  if (!evaluate) throw new Error('worker-pool: ' + workerData.exportName + ' is neither a function nor has evaluate()');
  parentPort.on('message', ({ id, genomes }) => {
    try {
      parentPort.postMessage({ id, results: genomes.map((g) => evaluate(g)) });
    } catch (err) {
      parentPort.postMessage({ id, error: String(err && err.stack || err) });
    }
  });
  parentPort.postMessage({ ready: true });
})().catch((err) => parentPort.postMessage({ fatal: String(err && err.stack || err) }));
`;

export function workerPoolEvaluator(opts: WorkerPoolOptions): WorkerPoolEvaluator {
  const moduleUrl = toUrl(opts.module);
  const isTs = /\.[cm]?ts$/.test(new URL(moduleUrl).pathname);
  const workerData = {
    moduleUrl,
    exportName: opts.exportName,
    tsxApi: isTs ? import.meta.resolve('tsx/esm/api') : null,
  };
  const threads = Math.max(1, opts.threads ?? os.availableParallelism());
  let workers: Promise<Worker[]> | null = null;
  let nextId = 0;
  const pending = new Map<number, { resolve: (r: Evaluation[]) => void; reject: (e: Error) => void }>();

  const start = (): Promise<Worker[]> =>
    Promise.all(
      Array.from(
        { length: threads },
        () =>
          new Promise<Worker>((resolve, reject) => {
            const w = new Worker(WORKER_SOURCE, { eval: true, workerData });
            w.on(
              'message',
              (msg: { ready?: true; fatal?: string; id?: number; results?: Evaluation[]; error?: string }) => {
                if (msg.ready) return resolve(w);
                if (msg.fatal) return reject(new Error(msg.fatal));
                const job = pending.get(msg.id!);
                pending.delete(msg.id!);
                if (msg.error !== undefined) job?.reject(new Error(msg.error));
                else job?.resolve(msg.results!);
              },
            );
            // A crashed worker fails its start-up or every job still waiting, rather than hanging the run.
            w.on('error', (err) => {
              reject(err);
              for (const job of pending.values()) job.reject(err);
              pending.clear();
            });
          }),
      ),
    );

  const run = (w: Worker, genomes: Genome[]): Promise<Evaluation[]> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      w.postMessage({ id, genomes });
    });

  return {
    async evaluate(genomes) {
      workers ??= start();
      const pool = await workers;
      const chunk = Math.ceil(genomes.length / pool.length);
      const parts = pool.map((w, k) => run(w, genomes.slice(k * chunk, (k + 1) * chunk)));
      return (await Promise.all(parts)).flat();
    },
    async close() {
      if (workers) await Promise.all((await workers).map((w) => w.terminate()));
      workers = null;
    },
  };
}

function toUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  return /^(file|data):/.test(module) ? module : pathToFileURL(path.resolve(module)).href;
}
