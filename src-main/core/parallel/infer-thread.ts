/**
 * An inference worker thread: its own tfjs backend and a copy of the model; runs forward passes, timed
 * repeats (the benchmark's throughput mode) and search genomes on batches handed over in shared memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { inferenceOf, runDynamic } from '../model/inference';
import { ViT } from '../model/vit';
import { initParams } from '../model/params';
import { tfjsEngine } from '../inference/engine';
import { measureChoice, type PreparedSplit } from '../search/vit-evaluator';
import { FlatLayout } from './flat-layout';
import type { ForwardOptions, InferCommand, InferReply, InferThreadData } from './infer-protocol';

const data = workerData as InferThreadData;
const port = parentPort!;
const reply = (r: InferReply) => port.postMessage(r);

await initBackend(data.backend);
const model = new ViT(data.config, initParams(data.config, 0), data.costs);
{
  const vars = model.variables();
  const w = FlatLayout.of(vars).read(new Float32Array(data.weights));
  for (const [name, t] of w) vars.get(name)!.assign(t);
  tf.dispose([...w.values()]);
}
const { imageSize: S, channels: C } = model.config;
let split: PreparedSplit | null = null;
const engine = tfjsEngine(model);

async function forward(x: tf.Tensor4D, o: ForwardOptions): Promise<{ logits: tf.Tensor2D; executed: Uint8Array }> {
  if (o.mode === 'dynamic') return runDynamic(model, x, o.inference ?? inferenceOf(model), o.forced);
  return { logits: model.forwardStatic(x), executed: new Uint8Array(x.shape[0] * model.depth).fill(1) };
}

async function handle(c: InferCommand): Promise<InferReply> {
  if (c.cmd === 'forward') {
    const x = tf.tensor4d(new Float32Array(c.x, 0, c.size * S * S * C), [c.size, S, S, C]);
    const { logits, executed } = await forward(x, c.options);
    new Float32Array(c.logits).set(logits.dataSync() as Float32Array);
    new Uint8Array(c.executed).set(executed);
    tf.dispose([x, logits]);
    return { id: c.id, done: true };
  }
  if (c.cmd === 'repeat') {
    const x = tf.tensor4d(new Float32Array(c.x, 0, c.size * S * S * C), [c.size, S, S, C]);
    const t0 = performance.now();
    let runs = 0;
    do {
      const { logits } = await forward(x, c.options);
      logits.dataSync(); // the result on the host, as a caller would read it
      logits.dispose();
      runs++;
    } while (Date.now() < c.until);
    x.dispose();
    return { id: c.id, done: true, runs, seconds: (performance.now() - t0) / 1000 };
  }
  if (c.cmd === 'split') {
    const xs = new Float32Array(c.x);
    const labels = new Int32Array(c.labels);
    const per = S * S * C;
    const batches: PreparedSplit['batches'] = [];
    for (let from = 0; from < c.count; from += c.batchSize) {
      const size = Math.min(c.batchSize, c.count - from);
      batches.push({ images: xs.slice(from * per, (from + size) * per), size, labels: labels.slice(from, from + size) });
    }
    split = { batches, count: c.count };
    return { id: c.id, done: true };
  }
  if (!split) throw new Error('measure before split');
  return { id: c.id, done: true, metrics: await measureChoice(engine, split, c.choice, c.alpha) };
}

port.on('message', (c: InferCommand) => {
  handle(c).then(reply, (err: unknown) => reply({ id: c.id, error: (err as Error).stack ?? String(err) }));
});
reply({ ready: true });
