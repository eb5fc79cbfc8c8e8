/**
 * out/preload/compute.cjs: the compute window's preload (src-main/app/electron/compute-preload.ts), one
 * CommonJS file with the job entry, the job kinds and the core engine in it (part of `npm run build`).
 * Bundled apart from electron-vite's preload build, which must stay one self-contained sandboxed file.
 */
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
await build({
  entryPoints: [path.join(root, 'src-main', 'app', 'electron', 'compute-preload.ts')],
  outfile: path.join(root, 'out', 'preload', 'compute.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // ESM sources' import.meta.url (shipped-file lookup, the wasm files) becomes this file's URL.
  define: { 'import.meta.url': 'importMetaUrl', 'import.meta.dirname': '__dirname' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Dawn is for Node outside Electron: in the window, WebGPU is the page's own navigator.gpu.
  external: ['electron', 'webgpu', '@tensorflow/tfjs-node-gpu', 'onnxruntime-node', 'bufferutil', 'utf-8-validate', 'osx-temperature-sensor'],
  logLevel: 'error',
});
console.log(path.join(root, 'out', 'preload', 'compute.cjs'));
