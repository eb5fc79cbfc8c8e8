/**
 * Data-parallel training on N worker threads (the main thread coordinates and keeps the job's model).
 *
 * Each step the main thread writes the global batch and its random draws (drawn from the run's RNG exactly
 * as in one thread) into shared memory; worker k takes its contiguous shard, and the workers sum their
 * gradients through shared memory and apply the same update to their replicas. The main thread's model
 * and optimisers are brought up to date from worker 0 only when they are read (pull(): checkpoints,
 * validation, the end of the run), and pushed to every worker at start (a fresh or a resumed run).
 */
import type { Worker } from 'node:worker_threads';
import { backendInfo } from '../backend';
import type { ViT } from '../model/vit';
import type { StepMetrics, StepPlan, Stepper } from '../train/stepper';
import { SharedBarrier } from './barrier';
import { FlatLayout } from './flat-layout';
import { ReplicaState } from './replica-state';
import { startThread } from './threads';
import type { TrainBuffers, TrainCommand, TrainReply, TrainThreadData } from './train-protocol';

export interface TrainPoolOptions {
  workers: number;
  model: ViT;
  plan: StepPlan;
  /** The main thread's stepper: its optimisers are the ones checkpoints save. */
  stepper: Stepper;
  batchSize: number;
  /** [H, W, C] */
  image: [number, number, number];
  /** Hash every replica's weights after each step and report them (tests, diagnostics); a mismatch fails the run. */
  onReplicaHashes?(step: number, hashes: number[]): void;
  /** The worker threads, once started (tests kill one to check the failure path). */
  onWorkers?(workers: readonly Worker[]): void;
}

/** A worker thread died or failed: the run cannot go on (its last checkpoint is intact). */
export class WorkerFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerFailedError';
  }
}

export class TrainPool {
  private failure: WorkerFailedError | null = null;
  private onFailure: ((e: WorkerFailedError) => void)[] = [];
  private closing = false;
  private currentStep = 0;

  private constructor(
    private readonly opts: TrainPoolOptions,
    private readonly workers: Worker[],
    private readonly buffers: TrainBuffers,
    private readonly state: ReplicaState,
  ) {
    const barrier = new SharedBarrier(buffers.barrier, workers.length);
    workers.forEach((w, k) => {
      const fail = (why: string) => {
        if (this.closing || this.failure) return;
        barrier.abort();
        this.failure = new WorkerFailedError(`training worker ${k + 1} of ${workers.length} ${why} during step ${this.currentStep + 1}`);
        for (const f of this.onFailure.splice(0)) f(this.failure);
      };
      w.on('error', (err) => fail(`failed: ${err.message}`));
      w.on('exit', (code) => fail(`exited (code ${code})`));
      w.on('message', (r: TrainReply) => {
        if ('error' in r) fail(`failed: ${r.error.split('\n')[0]}`);
      });
    });
  }

  /** Starts the workers, each with a replica of the main thread's model and optimisers. */
  static async start(opts: TrainPoolOptions): Promise<TrainPool> {
    const backend = backendInfo()?.name;
    if (backend !== 'wasm' && backend !== 'cpu') throw new Error(`data-parallel training runs on the wasm or cpu backend, not ${backend ?? 'none'}; use 1 worker`);
    const N = opts.workers;
    const B = opts.batchSize;
    if (B < N) throw new Error(`a batch of ${B} cannot be split over ${N} workers; use at most ${B} workers`);
    const [H, W, C] = opts.image;
    const layout = FlatLayout.of(opts.stepper.trainable);
    const state = new ReplicaState(opts.model, opts.stepper.optimizers);
    const words = (n: number) => new SharedArrayBuffer(n * 4); // n Float32 or Int32 values
    const buffers: TrainBuffers = {
      barrier: SharedBarrier.allocate(),
      scalars: new SharedArrayBuffer(N * 8),
      x: words(B * H * W * C),
      y: words(B),
      draws: words(opts.model.depth * B),
      grads: words(N * layout.size),
      present: words(N * layout.entries.length),
      summed: words(layout.size),
      state: state.allocate(),
    };
    const workers = Array.from({ length: N }, (_, index) => {
      const workerData: TrainThreadData = {
        index, count: N, backend, config: opts.model.config, costs: opts.model.costs, plan: opts.plan,
        batchSize: B, image: opts.image, hash: Boolean(opts.onReplicaHashes), buffers,
      };
      return startThread('train-thread', { workerData });
    });
    const pool = new TrainPool(opts, workers, buffers, state);
    try {
      await pool.all(() => undefined, (r) => 'ready' in r);
      opts.onWorkers?.(workers);
      await pool.push();
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** One step on the global batch (x [B*H*W*C], y [B], draws [L*B] or null). */
  async step(x: Float32Array, y: Int32Array, draws: Float32Array | null, step: number): Promise<StepMetrics> {
    this.currentStep = step;
    new Float32Array(this.buffers.x).set(x);
    new Int32Array(this.buffers.y).set(y);
    if (draws) new Float32Array(this.buffers.draws).set(draws);
    const replies = await this.all((w) => w.postMessage({ cmd: 'step', step, draws: draws !== null } satisfies TrainCommand), (r) => 'done' in r && r.done === 'step');
    const done = replies as Extract<TrainReply, { done: 'step' }>[];
    const sums: Record<string, number> = {};
    for (const r of done) for (const [k, v] of Object.entries(r.sums)) sums[k] = (sums[k] ?? 0) + v;
    if (this.opts.onReplicaHashes) {
      const hashes = done.map((r) => r.hash!);
      this.opts.onReplicaHashes(step, hashes);
      if (hashes.some((h) => h !== hashes[0])) throw new WorkerFailedError(`the replicas' weights differ after step ${step + 1} (hashes ${hashes.join(', ')})`);
    }
    return this.opts.stepper.metrics(sums, y.length, done[0].update);
  }

  /** Main thread's model and optimisers -> every replica. */
  async push(): Promise<void> {
    this.state.write(this.buffers.state);
    await this.all((w) => w.postMessage({ cmd: 'load' } satisfies TrainCommand), (r) => 'done' in r && r.done === 'load');
  }

  /** Worker 0's replica -> the main thread's model and optimisers (all replicas are equal). */
  async pull(): Promise<void> {
    await this.all((w, k) => k === 0 && w.postMessage({ cmd: 'save' } satisfies TrainCommand), (r) => 'done' in r && r.done === 'save', 1);
    this.state.read(this.buffers.state);
  }

  /** Stops every worker thread (resolves once they have exited). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Sends with `send`, then waits for `expected` replies that `match`, one per worker in worker order. */
  private all(send: (w: Worker, k: number) => unknown, match: (r: TrainReply) => boolean, expected = this.workers.length): Promise<TrainReply[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const replies: TrainReply[] = new Array(expected);
      let left = expected;
      const listeners = this.workers.slice(0, expected).map((w, k) => {
        const on = (r: TrainReply) => {
          if (!match(r)) return;
          w.off('message', on);
          replies[k] = r;
          if (--left === 0) {
            this.onFailure = this.onFailure.filter((f) => f !== failed);
            resolve(replies);
          }
        };
        w.on('message', on);
        return on;
      });
      const failed = (e: WorkerFailedError) => {
        this.workers.slice(0, expected).forEach((w, k) => w.off('message', listeners[k]));
        reject(e);
      };
      this.onFailure.push(failed);
      this.workers.forEach((w, k) => send(w, k));
    });
  }
}
