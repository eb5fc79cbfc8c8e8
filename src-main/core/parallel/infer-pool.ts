/**
 * Parallel inference: N worker threads, each with its own tfjs backend and a copy of the model. Batches
 * go to whichever worker is free (evaluation, predict), genomes likewise (the search), and the benchmark's
 * throughput mode runs one stream per worker at once. Inputs and outputs cross in SharedArrayBuffers.
 */
import type { Worker } from 'node:worker_threads';
import { backendInfo } from '../backend';
import type { ViT } from '../model/vit';
import type { GenomeMetrics } from '../search/vit-evaluator';
import type { LayerChoice } from '../search/vit-genome';
import { FlatLayout } from './flat-layout';
import type { ForwardOptions, InferCommand, InferReply, InferThreadData } from './infer-protocol';
import { startThread } from './threads';

type Pending = { resolve: (r: Extract<InferReply, { done: true }>) => void; reject: (e: Error) => void };
type Task = { command: (id: number) => InferCommand } & Pending;

/** A copy of a typed array's bytes in shared memory. */
function shared(data: Float32Array | Int32Array): SharedArrayBuffer {
  const buf = new SharedArrayBuffer(data.byteLength);
  new Uint8Array(buf).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return buf;
}

export class InferPool {
  private readonly idle: Worker[];
  private readonly queue: Task[] = [];
  private readonly pending = new Map<number, Pending & { worker: Worker }>();
  private nextId = 0;
  private failure: Error | null = null;
  private closing = false;

  private constructor(
    private readonly model: ViT,
    private readonly workers: Worker[],
  ) {
    this.idle = [...workers];
    workers.forEach((w, k) => {
      const fail = (why: string) => {
        if (this.closing || this.failure) return;
        this.failure = new Error(`inference worker ${k + 1} of ${workers.length} ${why}`);
        for (const p of [...this.pending.values(), ...this.queue.splice(0)]) p.reject(this.failure);
        this.pending.clear();
      };
      w.on('error', (err) => fail(`failed: ${err.message}`));
      w.on('exit', (code) => fail(`exited (code ${code})`));
      w.on('message', (r: InferReply) => {
        if ('ready' in r) return;
        const p = this.pending.get(r.id);
        if (!p) return;
        this.pending.delete(r.id);
        this.idle.push(w);
        if ('error' in r) p.reject(new Error(`inference worker ${k + 1}: ${r.error.split('\n')[0]}`));
        else p.resolve(r);
        this.dispatch();
      });
    });
  }

  /** Starts `workers` threads, each with a copy of `model`'s current weights. */
  static async start(model: ViT, workers: number): Promise<InferPool> {
    const backend = backendInfo()?.name;
    if (backend !== 'wasm' && backend !== 'cpu') throw new Error(`parallel inference runs on the wasm or cpu backend, not ${backend ?? 'none'}; use 1 worker`);
    const vars = model.variables();
    const layout = FlatLayout.of(vars);
    const weights = new SharedArrayBuffer(layout.size * 4);
    layout.write(vars, new Float32Array(weights));
    const threads = Array.from({ length: workers }, (_, index) =>
      startThread('infer-thread', { workerData: { index, backend, config: model.config, costs: model.costs, weights } satisfies InferThreadData }),
    );
    await Promise.all(
      threads.map(
        (w, k) =>
          new Promise<void>((resolve, reject) => {
            const onMessage = (r: InferReply) => 'ready' in r && (w.off('message', onMessage), resolve());
            w.on('message', onMessage);
            w.once('error', reject);
            w.once('exit', (code) => reject(new Error(`inference worker ${k + 1} of ${workers} exited (code ${code}) while starting`)));
          }),
      ),
    ).catch(async (err) => {
      await Promise.all(threads.map((w) => w.terminate()));
      throw err;
    });
    threads.forEach((w) => w.removeAllListeners('error').removeAllListeners('exit'));
    return new InferPool(model, threads);
  }

  get size(): number {
    return this.workers.length;
  }

  /** One batch (x [size*H*W*C], normalised) on the next free worker: logits [size*K], executed [size*L]. */
  async forward(x: Float32Array, size: number, options: ForwardOptions): Promise<{ logits: Float32Array; executed: Uint8Array }> {
    const logits = new SharedArrayBuffer(size * this.model.config.numClasses * 4);
    const executed = new SharedArrayBuffer(size * this.model.depth);
    const xs = shared(x);
    await this.submit((id) => ({ cmd: 'forward', id, x: xs, size, options, logits, executed }));
    return { logits: new Float32Array(logits), executed: new Uint8Array(executed) };
  }

  /** Every worker runs the batch over and over for `seconds`: images per second of them all together. */
  async throughput(x: Float32Array, size: number, options: ForwardOptions, seconds: number): Promise<{ images: number; seconds: number; imagesPerSec: number }> {
    const xs = shared(x);
    const t0 = performance.now();
    const until = Date.now() + seconds * 1000;
    const done = await Promise.all(this.workers.map((w) => this.send(w, (id) => ({ cmd: 'repeat', id, x: xs, size, options, until }))));
    const wall = (performance.now() - t0) / 1000;
    const images = done.reduce((a, r) => a + (r.runs ?? 0) * size, 0);
    return { images, seconds: wall, imagesPerSec: images / wall };
  }

  /** Hands every worker the search's normalised split (batches of batchSize). */
  async setSplit(x: Float32Array, labels: Int32Array, count: number, batchSize: number): Promise<void> {
    const xs = shared(x);
    const ys = shared(labels);
    await Promise.all(this.workers.map((w) => this.send(w, (id) => ({ cmd: 'split', id, x: xs, labels: ys, count, batchSize }))));
  }

  /** One genome over the split, on the next free worker. */
  async measure(choice: LayerChoice, alpha: number): Promise<GenomeMetrics> {
    return (await this.submit((id) => ({ cmd: 'measure', id, choice, alpha }))).metrics!;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private submit(command: Task['command']): Promise<Extract<InferReply, { done: true }>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ command, resolve, reject });
      this.dispatch();
    });
  }

  /** A command to one given worker (it must be idle: callers use this only when nothing is queued). */
  private send(w: Worker, command: Task['command']): Promise<Extract<InferReply, { done: true }>> {
    if (this.failure) return Promise.reject(this.failure);
    const at = this.idle.indexOf(w);
    if (at < 0) throw new Error('InferPool: a broadcast command was sent while a worker was busy');
    this.idle.splice(at, 1);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject, worker: w });
      w.postMessage(command(id));
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const task = this.queue.shift()!;
      const w = this.idle.shift()!;
      const id = this.nextId++;
      this.pending.set(id, { resolve: task.resolve, reject: task.reject, worker: w });
      w.postMessage(task.command(id));
    }
  }
}
