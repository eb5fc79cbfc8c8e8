/**
 * One build for the three parts of the studio (`npm run build`, output in out/):
 * - main: the Electron shell (out/main/index.js), the job worker (out/main/job-worker.js) and the core's
 *   worker threads (train-thread.js, infer-thread.js) beside it,
 *   ESM, every chunk in out/main so `new URL('./job-worker.js', import.meta.url)` resolves from any of them;
 * - preload: one self-contained CommonJS file (sandboxed preloads cannot load ESM or node_modules);
 * - renderer: the Svelte app (out/renderer), relative paths so it loads from app:// and from `serve`.
 */
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src-main/app/electron/main.ts'),
          'job-worker': resolve('src-main/app/jobs/job-worker.ts'),
          // The core's worker threads (core/parallel/threads.ts loads them beside the chunk that starts them).
          'train-thread': resolve('src-main/core/parallel/train-thread.ts'),
          'infer-thread': resolve('src-main/core/parallel/infer-thread.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src-main/app/ipc/preload.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    base: './',
    plugins: [svelte()],
    build: {
      outDir: resolve('out/renderer'),
      emptyOutDir: true,
      minify: true,
      rollupOptions: { input: resolve('src-renderer/index.html') },
    },
  },
});
