/** How many threads a job uses: `--workers`, the job param, the defaults per backend. */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { workersOf } from '../../src-main/cli/workers';
import { UsageError } from '../../src-main/cli/args';
import { workersFor } from '../../src-main/core/parallel/threads';

describe('worker counts', () => {
  it('default to every core on the CPU engines and to 1 on a GPU backend; a request is kept', () => {
    expect(workersFor(undefined, 'wasm')).toBe(os.availableParallelism());
    expect(workersFor(undefined, 'cpu')).toBe(os.availableParallelism());
    expect(workersFor(undefined, 'tensorflow')).toBe(1);
    expect(workersFor(3, 'wasm')).toBe(3);
    expect(workersOf({}, 'wasm')).toBe(os.availableParallelism());
    expect(workersOf({ workers: 2 }, 'wasm')).toBe(2);
  });

  it('refuse a count that is not a whole number from 1 to 256, naming the flag', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 257]) {
      expect(() => workersOf({ workers: bad }, 'wasm')).toThrow(UsageError);
      expect(() => workersOf({ workers: bad }, 'wasm')).toThrow(/--workers must be an integer from 1 to 256/);
    }
    expect(() => workersFor(0, 'wasm')).toThrow(/workers must be an integer from 1 to 256, got 0/);
  });
});
