import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/core/backend';
import { mapRows, type RowMoves } from '../../src-main/core/model/rows';

beforeAll(async () => {
  await initBackend('wasm');
});

describe("the executor's row moves", () => {
  for (const moves of ['wasm-heap', 'host', 'gather'] as RowMoves[]) {
    it(`mapRows (${moves}) changes exactly the chosen rows, through f on those rows only`, () => {
      const x = tf.randomNormal([7, 3, 2]);
      const idx = [0, 2, 3, 6];
      let seen: number[] = [];
      const same = mapRows(x, idx, (r) => ((seen = Array.from(r.dataSync())), r), moves);
      expect(seen).toEqual(Array.from(tf.gather(x, tf.tensor1d(idx, 'int32')).dataSync()));
      expect(Array.from(same.dataSync())).toEqual(Array.from(x.dataSync()));
      const before = x.dataSync().slice();
      const changed = mapRows(x, idx, (r) => r.mul(2), moves);
      const want = before.slice();
      for (const b of idx) for (let i = 0; i < 6; i++) want[b * 6 + i] *= 2;
      expect(Array.from(changed.dataSync())).toEqual(Array.from(want));
      expect(Array.from(x.dataSync())).toEqual(Array.from(before)); // x itself untouched
    });
  }

  it('mapRows (wasm-heap) stays right when f grows the wasm memory (older heap views are detached)', () => {
    // HEAPU8 is the emscripten module's heap view (not in its typings)
    const heapBytes = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
    const x = tf.randomNormal([9, 5]);
    const before = x.dataSync().slice();
    const size0 = heapBytes();
    const y = mapRows(
      x,
      [1, 4, 8],
      (r) => {
        const big = tf.fill([size0 / 2], 1); // more floats than the heap has bytes free: forces growth
        const out = r.add(big.slice(0, 1));
        big.dispose();
        return out;
      },
      'wasm-heap',
    );
    expect(heapBytes()).toBeGreaterThan(size0);
    const want = before.slice();
    for (const b of [1, 4, 8]) for (let i = 0; i < 5; i++) want[b * 5 + i] += 1;
    expect(Array.from(y.dataSync())).toEqual(Array.from(want));
  });

  it('mapRows (host) on the cpu backend, whose dataSync is its own storage, leaves x unchanged', async () => {
    await tf.setBackend('cpu');
    try {
      const x = tf.tensor2d([
        [1, 2],
        [3, 4],
        [5, 6],
      ]);
      const y = mapRows(x, [1], (r) => r.mul(10), 'host');
      expect(Array.from(y.dataSync())).toEqual([1, 2, 30, 40, 5, 6]);
      expect(Array.from(x.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
