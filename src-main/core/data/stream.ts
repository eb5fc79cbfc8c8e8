/**
 * The training batch stream: seeded shuffling, augmentation and normalisation, with the next batch
 * prepared while the consumer works on the current one.
 *
 * Shuffle order depends only on (seed, epoch) and a batch's augmentation only on (seed, epoch,
 * batch index), so a run resumed at `startBatch` sees exactly the batches it would have seen.
 * The next batch is built on a later turn of the event loop, i.e. while the consumer awaits its model
 * step (e.g. `await loss.data()`). A batch costs ~1 ms (28x28x1) to ~3 ms (32x32x3) per 128 images on
 * one core (`npm run bench:data`), far below a model step, so a worker thread would only add copies.
 */
import { channelTables, writeImage } from './normalize';
import { mixSeed, Rng } from '../util/rng';
import type { Batch, DatasetInfo, ImageSet, StreamOptions } from './types';

export function batchesPerEpoch(set: ImageSet, batchSize: number, dropLast = false): number {
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  return dropLast ? Math.floor(set.count / batchSize) : Math.ceil(set.count / batchSize);
}

/** The order in which an epoch visits the set. */
export function epochOrder(count: number, shuffle: boolean, seed: number, epoch: number): Int32Array {
  if (shuffle) return new Rng(mixSeed(seed, epoch, 0x5eed)).permutation(count);
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order;
}

export function createBatchStream(set: ImageSet, info: DatasetInfo, opts: StreamOptions): AsyncIterableIterator<Batch> {
  const { batchSize, seed } = opts;
  const epoch = opts.epoch ?? 0;
  const total = batchesPerEpoch(set, batchSize, opts.dropLast);
  const start = opts.startBatch ?? 0;
  if (!(Number.isInteger(start) && start >= 0 && start <= total)) throw new RangeError(`startBatch ${start} is not in 0..${total}`);
  const tables = channelTables(info, set.channels);
  const order = epochOrder(set.count, opts.shuffle, seed, epoch);
  const pad = opts.augment ? info.cropPadding : 0;
  const flip = opts.augment && info.flip;
  const per = set.height * set.width * set.channels;

  const build = (b: number): Batch => {
    const from = b * batchSize;
    const size = Math.min(batchSize, set.count - from);
    const indices = order.slice(from, from + size);
    const x = new Float32Array(size * per);
    const y = new Int32Array(size);
    const rng = opts.augment ? new Rng(mixSeed(seed, epoch, b, 0xa06)) : undefined;
    for (let i = 0; i < size; i++) {
      const src = indices[i];
      y[i] = set.labels[src];
      const place = rng ? { dy: rng.int(2 * pad + 1) - pad, dx: rng.int(2 * pad + 1) - pad, flip: flip && rng.next() < 0.5 } : undefined;
      writeImage(set, tables, src, x, i, place);
    }
    return { x, y, size, indices };
  };
  const prepare = (b: number) => {
    const p = new Promise<Batch>((resolve, reject) =>
      setImmediate(() => {
        try {
          resolve(build(b));
        } catch (err) {
          reject(err);
        }
      }),
    );
    p.catch(() => undefined); // a batch dropped by return() must not become an unhandled rejection
    return p;
  };

  let nextBatch = start;
  let ahead: Promise<Batch> | undefined = nextBatch < total ? prepare(nextBatch) : undefined;
  const iterator: AsyncIterableIterator<Batch> = {
    async next() {
      if (!ahead) return { value: undefined, done: true };
      const current = ahead;
      nextBatch++;
      ahead = nextBatch < total ? prepare(nextBatch) : undefined;
      return { value: await current, done: false };
    },
    async return() {
      ahead = undefined;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
