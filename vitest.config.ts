import { defineConfig } from 'vitest/config';

// Each test file runs in its own forked process: tfjs keeps one global engine per process,
// and the wasm heap only grows, so isolation keeps memory and backend state predictable.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Timeouts only catch a hang: the training tests take 1-2 minutes on a loaded 2-core machine (kinds and
    // train-workspace passed 120 s at load average 13), so the bound leaves room for that (issue 15).
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});
