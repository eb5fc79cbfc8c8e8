/**
 * A data-parallel training worker (one thread, its own tfjs backend, its own replica of the model and
 * optimisers). Per step: gradients of its shard's weighted loss -> its slot in shared memory -> barrier ->
 * it sums its segment of every worker's slots -> barrier -> the same update as every other replica.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { initParams } from '../model/params';
import { ViT } from '../model/vit';
import { createStepper, shardDraws } from '../train/stepper';
import { SharedBarrier } from './barrier';
import { FlatLayout, hashVariables } from './flat-layout';
import { ReplicaState } from './replica-state';
import { segmentRange, shardRange, type TrainCommand, type TrainReply, type TrainThreadData } from './train-protocol';

const data = workerData as TrainThreadData;
const port = parentPort!;
const reply = (r: TrainReply) => port.postMessage(r);
const { index, count, buffers } = data;
const barrier = new SharedBarrier(buffers.barrier, count);

await initBackend(data.backend);
// Any weights do: the main thread's state is loaded before the first step.
const model = new ViT(data.config, initParams(data.config, 0), data.costs);
const stepper = await createStepper(model, data.plan);
const state = new ReplicaState(model, stepper.optimizers);
const layout = FlatLayout.of(stepper.trainable);
const P = layout.size;
const V = layout.entries.length;
const L = model.depth;
const B = data.batchSize;
const [H, W, C] = data.image;
const perImage = H * W * C;
const xs = new Float32Array(buffers.x);
const ys = new Int32Array(buffers.y);
const draws = new Float32Array(buffers.draws);
const scalars = new Float64Array(buffers.scalars);
const slots = new Float32Array(buffers.grads);
const present = new Int32Array(buffers.present);
const summed = new Float32Array(buffers.summed);
const [from, to] = shardRange(index, count, B);
const [segFrom, segTo] = segmentRange(index, count, P);

/** Sums a number over all workers, in worker order (so every worker gets the same bits). */
function sumAcross(local: number): number {
  scalars[index] = local;
  barrier.wait();
  let total = 0;
  for (let k = 0; k < count; k++) total += scalars[k];
  barrier.wait(); // nobody writes its slot again before everyone has read
  return total;
}

function step(n: number, useDraws: boolean): TrainReply {
  const x = tf.tensor4d(xs.subarray(from * perImage, to * perImage), [to - from, H, W, C]);
  let result;
  try {
    result = stepper.gradients({
      x, y: ys.slice(from, to), draws: useDraws ? shardDraws(draws, L, B, from, to) : null,
      step: n, weight: (to - from) / B, batchSize: B, sumAcross,
    });
  } finally {
    x.dispose();
  }
  layout.write(result.grads, slots, index * P);
  layout.entries.forEach((e, i) => (present[index * V + i] = result.grads.has(e.name) ? 1 : 0));
  tf.dispose([...result.grads.values()]);
  barrier.wait();
  for (let i = segFrom; i < segTo; i++) {
    let s = 0;
    for (let k = 0; k < count; k++) s += slots[k * P + i];
    summed[i] = s;
  }
  barrier.wait();
  const hasGrad = (_: unknown, i: number) => {
    for (let k = 0; k < count; k++) if (present[k * V + i]) return true;
    return false;
  };
  const update = stepper.update(layout.read(summed, 0, hasGrad), n);
  return { done: 'step', sums: result.sums, update, ...(data.hash ? { hash: hashVariables(model.variables()) } : {}) };
}

port.on('message', (c: TrainCommand) => {
  try {
    if (c.cmd === 'step') reply(step(c.step, c.draws));
    else if (c.cmd === 'load') {
      state.read(buffers.state);
      reply({ done: 'load' });
    } else {
      state.write(buffers.state);
      reply({ done: 'save' });
    }
  } catch (err) {
    barrier.abort(); // peers waiting on this worker fail instead of hanging
    reply({ error: (err as Error).stack ?? String(err) });
  }
});
reply({ ready: true });
