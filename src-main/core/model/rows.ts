/**
 * Row moves for the executor: x with the rows of the samples that run a layer replaced by the layer's
 * output on those rows only. How rows move depends on where the backend keeps tensors:
 *
 *   wasm-heap  copies whole rows inside the wasm heap (TypedArray views of it: memmoves, no JS garbage)
 *   host       copies whole rows in JS typed arrays (the cpu backend, whose tensors are JS arrays)
 *   gather     tf.gather and concat (GPU backends, where a host round trip would stall the device)
 *
 * Why not tf.gather everywhere: on wasm it copies element by element; measured (micro ViT, batch 256,
 * keep 0.5) the executor's gathers took more time than its matrix products. The wasm-heap moves read x
 * once and leave nothing for the garbage collector; `npm run bench:rows` (same process, CPU time, batch
 * 256, keep 0.5): the moves alone 0.74 ms against 2.8 ms for host copies and 20 ms for tf.gather, a whole
 * layer 1.01x and 2.1x faster than with those.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type RowMoves = 'wasm-heap' | 'host' | 'gather';

/** The row moves for the active backend. */
export function rowMovesFor(backend = tf.getBackend()): RowMoves {
  return backend === 'wasm' ? 'wasm-heap' : backend === 'cpu' ? 'host' : 'gather';
}

/**
 * x with rows `idx` (axis 0, ascending, no repeats) replaced by f(x[idx]).
 * x: [B, ...] float32, f: [R, ...] -> [R, ...]; returns [B, ...]. x itself is left unchanged.
 */
export function mapRows(x: tf.Tensor, idx: number[], f: (rows: tf.Tensor) => tf.Tensor, moves = rowMovesFor()): tf.Tensor {
  if (moves === 'wasm-heap') return mapRowsWasmHeap(x, idx, f);
  if (moves === 'host') return mapRowsHost(x, idx, f);
  return mapRowsGather(x, idx, f);
}

function mapRowsGather(x: tf.Tensor, idx: number[], f: (rows: tf.Tensor) => tf.Tensor): tf.Tensor {
  const B = x.shape[0];
  const chosen = new Uint8Array(B);
  for (const b of idx) chosen[b] = 1;
  const rest: number[] = [];
  for (let b = 0; b < B; b++) if (!chosen[b]) rest.push(b);
  const inv = new Int32Array(B); // where sample b sits in concat([f(x[idx]), x[rest]])
  idx.forEach((b, i) => (inv[b] = i));
  rest.forEach((b, i) => (inv[b] = idx.length + i));
  const y = f(tf.gather(x, tf.tensor1d(idx, 'int32')));
  return tf.gather(tf.concat([y, tf.gather(x, tf.tensor1d(rest, 'int32'))], 0), tf.tensor1d(inv, 'int32'));
}

function mapRowsHost(x: tf.Tensor, idx: number[], f: (rows: tf.Tensor) => tf.Tensor): tf.Tensor {
  const row = x.size / x.shape[0];
  const out = (x.dataSync() as Float32Array).slice(); // a copy: the cpu backend's dataSync is its own storage
  const picked = new Float32Array(idx.length * row);
  idx.forEach((b, i) => picked.set(out.subarray(b * row, (b + 1) * row), i * row));
  const back = f(tf.tensor(picked, [idx.length, ...x.shape.slice(1)])).dataSync() as Float32Array;
  idx.forEach((b, i) => out.set(back.subarray(i * row, (i + 1) * row), b * row));
  return tf.tensor(out, x.shape);
}

function mapRowsWasmHeap(x: tf.Tensor, idx: number[], f: (rows: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (x.dtype !== 'float32') throw new Error(`mapRows: float32 activations expected, got ${x.dtype}`);
  const backend = tf.backend() as BackendWasm;
  const engine = tf.engine();
  const row = x.size / x.shape[0];
  // Views of the heap are taken after each allocation: growing the wasm memory detaches older views.
  const pickedInfo = backend.makeOutput([idx.length, ...x.shape.slice(1)], 'float32');
  const src = backend.typedArrayFromHeap(x);
  const picked = backend.typedArrayFromHeap(pickedInfo);
  idx.forEach((b, i) => picked.set(src.subarray(b * row, (b + 1) * row), i * row));
  const y = f(engine.makeTensorFromTensorInfo(pickedInfo)); // [R, ...]
  const outInfo = backend.makeOutput(x.shape, 'float32');
  const out = backend.typedArrayFromHeap(outInfo);
  out.set(backend.typedArrayFromHeap(x));
  const back = backend.typedArrayFromHeap(y);
  idx.forEach((b, i) => out.set(back.subarray(i * row, (i + 1) * row), b * row));
  return engine.makeTensorFromTensorInfo(outInfo);
}
