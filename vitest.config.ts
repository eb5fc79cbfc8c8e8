import { defineConfig } from 'vitest/config';

// Each test file runs in its own forked process: tfjs keeps one global engine per process,
// and the wasm heap only grows, so isolation keeps memory and backend state predictable.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
