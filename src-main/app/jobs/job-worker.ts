/**
 * Entry of every job worker thread (one file, so a bundler can emit it as one chunk). Mode `job` runs
 * one job of a registered kind with a JobContext wired to the run's folder and to the main thread;
 * mode `probe` reports the tfjs backend and the hardware without loading tfjs into the main thread.
 *
 * Metrics are appended here, in the worker, so what a job wrote survives the worker being killed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { CancelledError } from '../../core/util/cancel';
import { JsonlWriter } from '../workspace/jsonl';
import { ModelStore } from '../workspace/model-store';
import { CHECKPOINT_DIR, METRICS_FILE } from '../workspace/run-store';
import type { FromWorker, ToWorker, WorkerInput } from './protocol';
import type { JobContext, JobProgress, JobRegistry } from './types';

const port = parentPort!;
const input = workerData as WorkerInput;
const post = (m: FromWorker) => port.postMessage(m);

/** Progress is sent at most this often; the latest value wins. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * Jobs compute at a lower CPU priority than the app, so the API and the UI answer at once even when a
 * job keeps every core busy. On Linux setpriority(0) applies to the calling thread only, i.e. to this
 * worker; without contention it costs the job nothing. Relative to the app's own niceness (which the
 * thread inherits): an app started with `nice -n 19` must not get jobs of a higher priority than itself.
 */
const JOB_NICENESS_DELTA = 10;
const MAX_NICENESS = 19;

async function runJob(data: Extract<WorkerInput, { mode: 'job' }>): Promise<void> {
  try {
    if (process.platform === 'linux') os.setPriority(0, Math.min(MAX_NICENESS, os.getPriority(0) + JOB_NICENESS_DELTA));
  } catch {
    // Not permitted or not supported: run at normal priority.
  }
  const registry: JobRegistry = data.registryUrl
    ? ((await import(data.registryUrl)) as { kinds: JobRegistry }).kinds
    : (await import('./kinds')).kinds;
  const kind = Object.hasOwn(registry, data.kind) ? registry[data.kind] : undefined;
  if (!kind) throw new Error(`job kind "${data.kind}" is not in the worker's registry`);
  const params = kind.params.parse(data.params);

  const controller = new AbortController();
  const onMessage = (m: ToWorker) => {
    if (m.type === 'cancel') controller.abort(new CancelledError());
  };
  port.on('message', onMessage);

  let pending: JobProgress | null = null;
  let lastSent = 0;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending) post({ type: 'progress', progress: pending });
    pending = null;
    lastSent = Date.now();
  };

  const metrics = new JsonlWriter(path.join(data.runDir, METRICS_FILE));
  const models = new ModelStore(path.join(data.workspace, 'models'), data.demoModels);
  const ctx: JobContext = {
    runId: data.runId,
    runDir: data.runDir,
    workspace: data.workspace,
    checkpointDir: path.join(data.runDir, CHECKPOINT_DIR),
    outputModelDir: path.join(data.workspace, 'models', data.runId),
    resume: data.resume,
    signal: controller.signal,
    progress(e) {
      pending = e;
      const wait = PROGRESS_INTERVAL_MS - (Date.now() - lastSent);
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    },
    metric(record) {
      const line = 't' in record ? record : { ...record, t: Date.now() };
      metrics.append(line);
      post({ type: 'metric', record: line });
    },
    resumedAt: (step) => metrics.dropAfterStep(step),
    checkpointed: (info) => post({ type: 'checkpoint', ...info }),
    log: (message, level = 'info') => post({ type: 'log', level, message }),
    modelDir(id) {
      const dir = models.dir(id);
      if (!fs.existsSync(path.join(dir, 'model.json'))) throw new Error(`no model "${id}" (no model.json in ${dir})`);
      return dir;
    },
  };
  fs.mkdirSync(ctx.checkpointDir, { recursive: true });
  try {
    const result = await kind.run(params, ctx);
    flush();
    post({ type: 'done', result });
  } catch (err) {
    flush();
    post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  } finally {
    port.off('message', onMessage); // lets the thread exit once the job's own handles are gone
  }
}

async function probe(): Promise<void> {
  const [{ initBackend }, { hardwareInventory }] = await Promise.all([
    import('../../core/backend'),
    import('../../core/telemetry/inventory'),
  ]);
  const [backend, hardware] = await Promise.all([initBackend(), hardwareInventory()]);
  post({ type: 'probe', backend, hardware });
}

// Setup errors (unknown kind, bad params, a registry that fails to load) end the job as failed.
(input.mode === 'probe' ? probe() : runJob(input)).catch((err: unknown) =>
  post({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
);
