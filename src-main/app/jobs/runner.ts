/**
 * The job runner: a queue in the main thread, each job in its own worker thread so the main thread
 * never blocks. At most `maxHeavy` heavy jobs (training, benchmark, search) and `maxLight` light ones
 * run at once; the rest wait in FIFO order. Heavy jobs also share a budget of `cores`: a job whose worker
 * threads use N cores (JobKind.cores) counts N against it, and waits while the others leave too few (a job
 * asking for more than the whole budget still runs, alone).
 *
 * Outcomes: the kind returns -> succeeded (result.json written); it throws -> failed; cancel -> cancelled
 * (after a grace period the worker is terminated); the worker dies any other way (crash, exit,
 * terminate, OOM) -> interrupted, keeping the last checkpoint. A run is never left "running".
 */
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { RunSummary } from '../contract/api';
import { ApiError } from '../contract/errors';
import { writeJsonAtomic } from '../workspace/atomic';
import { newRunId, ownerAlive, RESULT_FILE, selfOwner } from '../workspace/run-store';
import { summarize, type RunDoc } from '../workspace/schemas';
import { endRun, type Workspace } from '../workspace/workspace';
import { EventHub } from './event-hub';
import type { FromWorker } from './protocol';
import { defaultWorkers } from '../../core/parallel/threads';
import { startWorker } from './start-worker';
import type { JobKind, JobRegistry } from './types';

export interface RunnerOptions {
  /** Job kinds this runner accepts (validated in the main thread). */
  registry: JobRegistry;
  /** Module URL exporting the same registry as `kinds`, for the workers; absent = the built-in one. */
  registryUrl?: string;
  /** Heavy jobs at once (default 1: measurements and training must not share the CPU). */
  maxHeavy?: number;
  /** Light jobs at once (default 2). */
  maxLight?: number;
  /** Cores the heavy jobs share (default: every core, os.availableParallelism()). */
  cores?: number;
  /** How long a cancelled job may take to stop before its worker is terminated (default 10 s). */
  cancelGraceMs?: number;
}

/** run.json is rewritten for progress and checkpoints at most this often (status changes at once). */
const PROGRESS_WRITE_MS = 1000;
/** A run.json write the disk refused (full, read-only) is tried again this often until one succeeds. */
const RETRY_WRITE_MS = 2000;

interface Job {
  doc: RunDoc;
  kind: JobKind;
  resume: boolean;
  worker?: Worker;
  cancelRequested: boolean;
  outcome?: { type: 'done'; result: Record<string, unknown> } | { type: 'failed'; message: string };
  crash?: string;
  lastWrite: number;
  waiters: ((s: RunSummary) => void)[];
}

export class JobRunner {
  readonly events = new EventHub();
  readonly maxHeavy: number;
  readonly maxLight: number;
  readonly cores: number;
  private jobs = new Map<string, Job>();
  /** Ended runs whose final run.json is not written yet (in flight, or refused by the disk and retried). */
  private settling = new Map<string, RunDoc>();
  /** Per run, the chain of pending run.json writes (async: fsync must not stall the main thread). */
  private writes = new Map<string, Promise<void>>();
  private queue: string[] = [];
  private readonly cancelGraceMs: number;
  private closed = false;

  constructor(
    readonly workspace: Workspace,
    private readonly opts: RunnerOptions,
  ) {
    this.maxHeavy = opts.maxHeavy ?? 1;
    this.maxLight = opts.maxLight ?? 2;
    this.cores = opts.cores ?? defaultWorkers();
    this.cancelGraceMs = opts.cancelGraceMs ?? 10_000;
  }

  get kinds(): string[] {
    return Object.keys(this.opts.registry);
  }

  /** Validates and queues a job; returns its new run. */
  start(kindName: string, rawParams: unknown, name?: string): RunSummary {
    const kind = this.kindOf(kindName);
    const parsed = kind.params.safeParse(rawParams);
    if (!parsed.success) {
      throw new ApiError(
        'bad_request',
        `invalid ${kindName} params: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
        parsed.error.issues.map((i) => ({ path: ['params', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: i.message })),
      );
    }
    const params = parsed.data as Record<string, unknown>;
    const modelId = kind.inputModel?.(params);
    if (modelId && !this.workspace.models.get(modelId).complete) {
      // Checked before anything is written, like not_found.
      throw new ApiError('conflict', `model ${modelId} is incomplete: its training has not finished (resume or wait for its run)`);
    }
    const now = new Date().toISOString();
    const doc: RunDoc = {
      schemaVersion: 1,
      id: newRunId(kindName),
      kind: kindName,
      name: name ?? (typeof params.name === 'string' ? params.name : `${kindName} ${now.slice(0, 16).replace('T', ' ')}`),
      status: 'queued',
      createdAt: now,
      updatedAt: now,
      params,
      ...(modelId ? { modelId } : {}),
      attempts: [],
      resumableKind: kind.resumable,
      owner: selfOwner(),
    };
    this.workspace.runs.create(doc);
    return this.enqueue(doc, kind, false);
  }

  /** Queues an interrupted, cancelled or failed run again, continuing from its checkpoint. */
  resume(id: string): RunSummary {
    if (this.jobs.has(id)) throw new ApiError('conflict', `run ${id} is already ${this.jobs.get(id)!.doc.status}`);
    const doc = this.settling.get(id) ?? this.workspace.runs.read(id);
    if (doc.status === 'succeeded') throw new ApiError('conflict', `run ${id} already succeeded`);
    if ((doc.status === 'queued' || doc.status === 'running') && ownerAlive(doc.owner)) {
      throw new ApiError('conflict', `run ${id} is ${doc.status} in another process (pid ${doc.owner?.pid})`);
    }
    const kind = this.kindOf(doc.kind);
    if (!kind.resumable) throw new ApiError('conflict', `${doc.kind} runs cannot be resumed; start a new one`);
    const { error: _e, endedAt: _x, ...rest } = doc;
    const next: RunDoc = { ...rest, status: 'queued', updatedAt: new Date().toISOString(), owner: selfOwner() };
    // Written before it is queued: when the disk refuses (full, read-only), the resume is refused, typed.
    this.workspace.runs.write(next);
    return this.enqueue(next, kind, true);
  }

  /** Cancels a queued job at once, a running one by signal (then terminate after the grace period). */
  cancel(id: string): RunSummary {
    const job = this.jobs.get(id);
    if (!job) {
      const doc = this.live(id) ?? this.workspace.runs.read(id);
      throw new ApiError('conflict', `run ${id} is not queued or running here (it is ${doc.status})`);
    }
    if (!job.worker) {
      this.queue = this.queue.filter((q) => q !== id);
      this.finish(job, 'cancelled', 'cancelled before it started');
      return summarize(job.doc);
    }
    if (!job.cancelRequested) {
      job.cancelRequested = true;
      job.worker.postMessage({ type: 'cancel' });
      const worker = job.worker;
      setTimeout(() => void worker.terminate(), this.cancelGraceMs).unref();
      this.events.emit({ type: 'log', runId: id, level: 'info', message: 'cancel requested' });
    }
    return summarize(job.doc);
  }

  /** Queued and running jobs, in queue order (running first). */
  active(): RunSummary[] {
    return [...this.jobs.values()]
      .sort((a, b) => Number(Boolean(b.worker)) - Number(Boolean(a.worker)))
      .map((j) => summarize(j.doc));
  }

  /** The live document of an active (or just ended) run: fresher than run.json between writes. */
  live(id: string): RunDoc | undefined {
    return this.jobs.get(id)?.doc ?? this.settling.get(id);
  }

  usesModel(modelId: string): boolean {
    return [...this.jobs.values()].some((j) => j.doc.modelId === modelId || j.doc.id === modelId);
  }

  /** Resolves with the run's summary once it reaches a final state. */
  wait(id: string): Promise<RunSummary> {
    const job = this.jobs.get(id);
    if (!job) {
      const doc = this.live(id) ?? this.workspace.runs.read(id);
      return (this.writes.get(id) ?? Promise.resolve()).then(() => summarize(doc));
    }
    return new Promise((resolve) => job.waiters.push(resolve));
  }

  /** Stops every job (workers terminated, runs marked interrupted) and refuses new ones. */
  async shutdown(): Promise<void> {
    this.closed = true;
    const jobs = [...this.jobs.values()];
    const ends = jobs.map((j) => this.wait(j.doc.id));
    for (const job of jobs) {
      if (job.worker) {
        job.crash = 'the app shut down while it was running';
        void job.worker.terminate();
      } else {
        this.queue = this.queue.filter((q) => q !== job.doc.id);
        this.finish(job, 'interrupted', 'the app shut down before it started');
      }
    }
    await Promise.all(ends);
  }

  private kindOf(name: string): JobKind {
    // Own keys only: a kind named "constructor" must not find Object.prototype's.
    const kind = Object.hasOwn(this.opts.registry, name) ? this.opts.registry[name] : undefined;
    if (!kind) throw new ApiError('unknown_kind', `unknown job kind "${name}"; known: ${this.kinds.join(', ')}`);
    return kind;
  }

  private enqueue(doc: RunDoc, kind: JobKind, resume: boolean): RunSummary {
    if (this.closed) throw new ApiError('conflict', 'the runner is shutting down');
    const job: Job = { doc, kind, resume, cancelRequested: false, lastWrite: 0, waiters: [] };
    this.jobs.set(doc.id, job);
    this.queue.push(doc.id);
    this.emitStatus(job);
    this.pump();
    return summarize(doc);
  }

  private pump(): void {
    const running = [...this.jobs.values()].filter((j) => j.worker);
    let heavy = running.filter((j) => j.kind.heavy).length;
    let light = running.length - heavy;
    let cores = this.coresInUse();
    for (const id of [...this.queue]) {
      const job = this.jobs.get(id)!;
      if (job.kind.heavy ? heavy >= this.maxHeavy : light >= this.maxLight) continue;
      const need = this.coresOf(job);
      if (heavy > 0 && cores + need > this.cores) continue;
      if (job.kind.heavy) {
        heavy++;
        cores += need;
      } else light++;
      this.queue = this.queue.filter((q) => q !== id);
      this.launch(job);
    }
  }

  /** Cores a job counts against the budget: its worker threads (heavy jobs; light ones count none). */
  private coresOf(job: Job): number {
    if (!job.kind.heavy) return 0;
    return Math.max(1, job.kind.cores?.(job.doc.params as never) ?? 1);
  }

  /** Cores the running heavy jobs use. */
  coresInUse(): number {
    return [...this.jobs.values()].filter((j) => j.worker).reduce((a, j) => a + this.coresOf(j), 0);
  }

  private launch(job: Job): void {
    const now = new Date().toISOString();
    job.doc = {
      ...job.doc,
      status: 'running',
      startedAt: job.doc.startedAt ?? now,
      updatedAt: now,
      attempts: [...job.doc.attempts, { startedAt: now, status: 'running', resumed: job.resume }],
    };
    void this.write(job);
    const worker = startWorker({
      mode: 'job',
      runId: job.doc.id,
      kind: job.doc.kind,
      params: job.doc.params,
      runDir: this.workspace.runs.dir(job.doc.id),
      workspace: this.workspace.root,
      resume: job.resume,
      registryUrl: this.opts.registryUrl,
      demoModels: this.workspace.models.demoRoot,
    });
    job.worker = worker;
    worker.on('message', (m: FromWorker) => this.onMessage(job, m));
    worker.on('error', (err) => {
      job.crash = `the worker crashed: ${err.message}`;
    });
    worker.on('exit', (code) => this.onExit(job, code));
    this.emitStatus(job);
  }

  private onMessage(job: Job, m: FromWorker): void {
    const runId = job.doc.id;
    switch (m.type) {
      case 'progress': {
        const progress = { ...m.progress, fraction: Math.max(0, Math.min(1, m.progress.fraction)), at: new Date().toISOString() };
        job.doc = { ...job.doc, progress, updatedAt: progress.at };
        this.writeThrottled(job);
        this.events.emit({ type: 'progress', runId, progress });
        break;
      }
      case 'metric':
        this.events.emit({ type: 'metric', runId, record: m.record });
        break;
      case 'checkpoint': {
        const at = new Date().toISOString();
        const checkpoint = { ...(m.step !== undefined ? { step: m.step } : {}), ...(m.epoch !== undefined ? { epoch: m.epoch } : {}), at };
        job.doc = { ...job.doc, checkpoint, updatedAt: at };
        // Throttled like progress: the checkpoint itself is on disk already, and an fsync per step
        // would stall the main thread. The final state is always written when the job ends.
        this.writeThrottled(job);
        this.events.emit({ type: 'checkpoint', runId, checkpoint });
        break;
      }
      case 'log':
        this.events.emit({ type: 'log', runId, level: m.level, message: m.message });
        break;
      case 'done':
      case 'failed':
        job.outcome = m;
        // The job is over; a worker that lingers (a stray timer in the kind) is stopped.
        setTimeout(() => void job.worker?.terminate(), 5000).unref();
        break;
      case 'probe':
        break;
    }
  }

  private onExit(job: Job, code: number): void {
    const outcome = job.outcome;
    // A job that finished is kept, even when a cancel came after its `done` while the worker was exiting.
    if (job.cancelRequested && outcome?.type !== 'done') {
      this.finish(job, 'cancelled', 'cancelled by the user');
    } else if (outcome?.type === 'done') {
      try {
        this.succeed(job, outcome.result);
      } catch (err) {
        this.finish(job, 'failed', `the job finished but its result could not be saved: ${(err as Error).message}`);
      }
    } else if (outcome?.type === 'failed') {
      this.finish(job, 'failed', outcome.message);
    } else {
      this.finish(job, 'interrupted', job.crash ?? `the worker exited (code ${code}) before the job finished`);
    }
    this.pump();
  }

  private succeed(job: Job, result: Record<string, unknown>): void {
    const id = job.doc.id;
    writeJsonAtomic(path.join(this.workspace.runs.dir(id), RESULT_FILE), result);
    let outputModelId: string | undefined;
    if (job.kind.producesModel) {
      try {
        // The result's headline numbers become the model's listed metrics.
        const metrics = Object.fromEntries(
          ['accuracy', 'meanExecutedCost'].flatMap((k) => (typeof result[k] === 'number' ? [[k, result[k]]] : [])),
        );
        this.workspace.models.annotate(id, { name: job.doc.name, sourceRun: id, createdAt: new Date().toISOString(), metrics });
        this.workspace.models.get(id);
        outputModelId = id;
      } catch {
        outputModelId = undefined; // the kind saved no model (e.g. it wrote elsewhere); the run still succeeded
      }
    }
    if (outputModelId) job.doc = { ...job.doc, outputModelId };
    this.finish(job, 'succeeded');
  }

  private finish(job: Job, status: 'succeeded' | 'failed' | 'cancelled' | 'interrupted', error?: string): void {
    const id = job.doc.id;
    job.doc = endRun(job.doc, status, error);
    if (status === 'succeeded' && job.doc.progress) job.doc.progress = { ...job.doc.progress, fraction: 1 };
    this.jobs.delete(id);
    this.settling.set(id, job.doc);
    this.emitStatus(job);
    const summary = summarize(job.doc);
    void this.write(job).then(() => {
      for (const w of job.waiters) w(summary);
    });
  }

  private writeThrottled(job: Job): void {
    if (Date.now() - job.lastWrite >= PROGRESS_WRITE_MS) void this.write(job);
  }

  /** Queues a write of the run's current document behind its earlier writes; never rejects. */
  private write(job: Pick<Job, 'doc'> & { lastWrite?: number }): Promise<void> {
    job.lastWrite = Date.now();
    const doc = job.doc;
    const next = (this.writes.get(doc.id) ?? Promise.resolve())
      .then(() => this.workspace.runs.writeAsync(doc))
      .then(
        () => {
          // An ended run is read from run.json again once its final state is there.
          if (this.settling.get(doc.id) === doc) this.settling.delete(doc.id);
        },
        (err: unknown) => {
          this.events.emit({ type: 'log', runId: doc.id, level: 'error', message: `could not save run.json: ${(err as Error).message}` });
          // Tried again unless a newer state came meanwhile, so run.json catches up once space is back.
          setTimeout(() => {
            if (!this.writes.has(doc.id) && (this.live(doc.id) ?? doc) === doc) void this.write({ doc });
          }, RETRY_WRITE_MS).unref();
        },
      );
    this.writes.set(doc.id, next);
    void next.then(() => {
      if (this.writes.get(doc.id) === next) this.writes.delete(doc.id);
    });
    return next;
  }

  private emitStatus(job: Job): void {
    this.events.emit({ type: 'status', runId: job.doc.id, run: summarize(job.doc) });
  }
}
