/**
 * npm run bundle:headless [-- --out DIR] [--no-archive]: a self-contained Linux x64 folder that runs
 * `skipvit bench|train|eval|search|serve` on a machine with no Node and no node_modules (a GPU server):
 *
 *   skipvit                    launcher (/bin/sh, builtins only): runs ./node ./skipvit.cjs
 *   node                       this machine's node binary (the official build needs only glibc and libstdc++)
 *   skipvit.cjs                the CLI and everything it imports, one esbuild bundle
 *   job-worker.js              the job thread's entry (serve runs each job in a worker thread), bundled too
 *   dist/linux-x64/dawn.node   Dawn, where the webgpu package's code looks for it beside the script
 *   tfjs-backend-wasm*.wasm    the wasm backend's binaries (backend.ts looks beside the script first)
 *   resources/                 the embedded Fashion-MNIST subset and the demo models
 *
 * and DIR.tar.gz beside it, whose size it prints (README states it; the bound is 60 MiB).
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const outFlag = args.indexOf('--out');
const out = path.resolve(outFlag >= 0 ? args[outFlag + 1] : path.join(root, 'dist', 'skipvit-linux-x64'));
const archive = !args.includes('--no-archive');
if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`bundle:headless builds on Linux x64, not ${process.platform}-${process.arch}`);

await fs.rm(out, { recursive: true, force: true });
await fs.mkdir(out, { recursive: true });

// CommonJS output: the wasm backend's Emscripten loader needs require and __dirname. import.meta.url,
// used by ESM sources (Dawn's loader, the worker start, shipped-file lookup), becomes this file's URL.
await build({
  entryPoints: { skipvit: path.join(root, 'scripts', 'headless-entry.ts'), 'job-worker': path.join(root, 'src-main', 'app', 'jobs', 'job-worker.ts') },
  outdir: out,
  outExtension: { '.js': '.js' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  define: { 'import.meta.url': 'importMetaUrl', 'import.meta.dirname': '__dirname' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Optional native add-ons that are absent here or not used by the CLI: left as runtime requires that fail
  // (and are reported) instead of bundled.
  external: ['@tensorflow/tfjs-node-gpu', 'onnxruntime-node', 'electron', 'bufferutil', 'utf-8-validate', 'osx-temperature-sensor'],
  logLevel: 'error',
});
await fs.rename(path.join(out, 'skipvit.js'), path.join(out, 'skipvit.cjs'));

const copy = (from: string, to: string) => fs.cp(from, path.join(out, to), { recursive: true });
await copy(process.execPath, 'node');
await copy(path.join(root, 'node_modules', 'webgpu', 'dist', 'linux-x64', 'dawn.node'), path.join('dist', 'linux-x64', 'dawn.node'));
const wasmDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
for (const f of await fs.readdir(wasmDir)) if (f.endsWith('.wasm')) await copy(path.join(wasmDir, f), f);
await copy(path.join(root, 'resources', 'data'), path.join('resources', 'data'));
await copy(path.join(root, 'resources', 'models'), path.join('resources', 'models'));
const pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
// Marks the bundle's root (shipped files are found by walking up to it) and gives `serve` its version.
await fs.writeFile(path.join(out, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, private: true, type: 'commonjs' }, null, 2) + '\n');
await fs.writeFile(path.join(out, 'skipvit'), '#!/bin/sh\nhere=${0%/*}\nexec "$here/node" "$here/skipvit.cjs" "$@"\n', { mode: 0o755 });

let bytes = 0;
for (const f of await fs.readdir(out, { recursive: true })) {
  const st = await fs.stat(path.join(out, f));
  if (st.isFile()) bytes += st.size;
}
const mib = (n: number) => (n / 1024 ** 2).toFixed(1);
console.log(`${out}: ${mib(bytes)} MiB`);
if (archive) {
  const tgz = `${out}.tar.gz`;
  execFileSync('tar', ['-czf', tgz, '-C', path.dirname(out), path.basename(out)]);
  const size = (await fs.stat(tgz)).size;
  console.log(`${tgz}: ${mib(size)} MiB compressed`);
  if (size > 60 * 1024 ** 2) throw new Error(`the compressed bundle is ${mib(size)} MiB, over the 60 MiB bound`);
}
