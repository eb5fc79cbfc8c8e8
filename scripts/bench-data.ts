/**
 * How fast the training batch stream delivers images (SPEC 5: the stream must never be the
 * bottleneck). Measures Fashion-MNIST (Debian's copy, else the embedded subset) and a CIFAR-format
 * set written in the official binary layout, with augmentation on and off.
 *
 *   npm run bench:data [-- --batch 128 --epochs 2]
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBatchStream, loadDataset, readCifar, type DatasetInfo, type ImageSet } from '../src-main/core/data/index';
import { CATALOG } from '../src-main/core/data/catalog';
import { Rng } from '../src-main/core/util/rng';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const batchSize = flag('batch', 128);
const epochs = flag('epochs', 2);

async function measure(label: string, set: ImageSet, info: DatasetInfo, augment: boolean): Promise<void> {
  let images = 0;
  const t0 = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    for await (const b of createBatchStream(set, info, { batchSize, shuffle: true, augment, seed: 1, epoch, dropLast: true })) images += b.size;
  }
  const s = (performance.now() - t0) / 1000;
  const perBatchMs = (s * 1000) / (images / batchSize);
  console.log(`${label.padEnd(34)} augment=${String(augment).padEnd(5)} ${Math.round(images / s).toLocaleString('en').padStart(9)} images/s  (${perBatchMs.toFixed(2)} ms per batch of ${batchSize})`);
}

/**
 * Prefetch check: a consumer that spends `stepMs` per batch awaiting (like a model step awaiting its
 * result) should find the next batch ready, i.e. be blocked on the stream far less than a batch costs.
 */
async function measureOverlap(label: string, set: ImageSet, info: DatasetInfo, stepMs: number): Promise<void> {
  const it = createBatchStream(set, info, { batchSize, shuffle: true, augment: true, seed: 1, dropLast: true });
  let blocked = 0;
  let batches = 0;
  for (;;) {
    const t = performance.now();
    const r = await it.next();
    blocked += performance.now() - t;
    if (r.done || ++batches === 200) break;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  await it.return?.();
  console.log(`${label.padEnd(34)} consumer awaiting ${stepMs} ms per batch: blocked on the stream ${(blocked / batches).toFixed(3)} ms per batch`);
}

/** A CIFAR-10 binary folder of random images: 5 x 10,000 train records + 10,000 test. */
function writeRandomCifar(dir: string): void {
  const folder = path.join(dir, 'cifar-10-batches-bin');
  mkdirSync(folder, { recursive: true });
  const rng = new Rng(7);
  const batch = () => {
    const buf = Buffer.alloc(10000 * 3073);
    for (let i = 0; i < buf.length; i++) buf[i] = (rng.next() * 256) | 0;
    for (let r = 0; r < 10000; r++) buf[r * 3073] = r % 10;
    return buf;
  };
  for (let b = 1; b <= 5; b++) writeFileSync(path.join(folder, `data_batch_${b}.bin`), batch());
  writeFileSync(path.join(folder, 'test_batch.bin'), batch());
}

console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model}, batch ${batchSize}, ${epochs} epochs each`);
let t = performance.now();
const fm = await loadDataset('fashion-mnist');
console.log(`fashion-mnist loaded from ${fm.info.source} in ${((performance.now() - t) / 1000).toFixed(2)} s (${fm.train.count} train)`);
await measure('fashion-mnist train (28x28x1)', fm.train, fm.info, true);
await measure('fashion-mnist train (28x28x1)', fm.train, fm.info, false);
await measureOverlap('fashion-mnist train (28x28x1)', fm.train, fm.info, 5);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'skipvit-bench-data-'));
try {
  writeRandomCifar(tmp);
  t = performance.now();
  const c = await readCifar(tmp, 'cifar10');
  console.log(`cifar10-format binary read in ${((performance.now() - t) / 1000).toFixed(2)} s (${c.train.count} train)`);
  const e = CATALOG.cifar10;
  const info: DatasetInfo = { ...e, source: `bench:${tmp}`, classNames: c.classNames };
  await measure('cifar10-format train (32x32x3)', c.train, info, true);
  await measure('cifar10-format train (32x32x3)', c.train, info, false);
  await measureOverlap('cifar10-format train (32x32x3)', c.train, info, 5);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
