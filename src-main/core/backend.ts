/**
 * The one place where the tfjs backend is chosen (SPEC 4).
 *
 * Order unless the user overrides it: `webgpu` on a hardware adapter (any GPU through Vulkan, Metal or
 * D3D12; in Node through Dawn, the `webgpu` package), then `tensorflow` (native TF through
 * @tensorflow/tfjs-node-gpu, CUDA 11.2), then `wasm` (SIMD), then `cpu` (pure JS). A software adapter
 * (SwiftShader, llvmpipe) is far slower than wasm, so it is used only when asked for (`adapter:
 * 'software'`, `SKIPVIT_BACKEND=webgpu:software`), for tests. Every result records the backend used, the
 * GPU adapter when there is one, and why each faster backend was not used, so a number is never read
 * without knowing what produced it.
 */
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'tensorflow', 'wasm', 'cpu'];

/** Which kind of WebGPU adapter may be used: a real GPU, or a software rasteriser (tests only). */
export type AdapterKind = 'hardware' | 'software';

/** The GPU behind the webgpu backend, as WebGPU reports it. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  /** Dawn reports the driver here (e.g. "NVIDIA: 550.54.14", "SwiftShader driver 5.0.0"). */
  description: string;
  /** The driver as far as WebGPU exposes it: Dawn's description, which names driver and version. */
  driver: string;
  kind: AdapterKind;
}

export interface BackendInfo {
  /** The backend now active in tfjs. */
  name: BackendName;
  /** What was asked for: a backend name, or 'auto'. */
  requested: BackendName | 'auto';
  /** The adapter kind that was allowed for webgpu. */
  adapterRequested: AdapterKind;
  /** webgpu only: the adapter in use. */
  adapter?: AdapterInfo;
  /** For every faster backend that is not in use, why not. */
  notUsed: { backend: BackendName; reason: string }[];
  /** wasm only: whether SIMD and threads are available. */
  simd?: boolean;
  threads?: boolean;
  tfjsVersion: string;
}

export interface BackendRequest {
  backend: BackendName | 'auto';
  adapter: AdapterKind;
}

let current: BackendInfo | null = null;

/**
 * Parses "wasm", "auto", "webgpu", "webgpu:software" (case-insensitive); `source` names where the text
 * came from, for the error.
 */
export function parseBackendRequest(text: string, source: string): BackendRequest {
  const v = text.trim().toLowerCase();
  const [name, adapter = 'hardware', ...rest] = v === '' ? ['auto'] : v.split(':');
  const names = ['auto', ...BACKEND_ORDER];
  if (!names.includes(name) || rest.length > 0) {
    throw new Error(`${source}="${text}" is not a backend; use one of ${names.join(', ')} (webgpu:software for a software GPU adapter)`);
  }
  if (adapter !== 'hardware' && adapter !== 'software') {
    throw new Error(`${source}="${text}": the adapter must be hardware or software, got "${adapter}"`);
  }
  return { backend: name as BackendName | 'auto', adapter };
}

/** Env override: SKIPVIT_BACKEND=auto|webgpu|tensorflow|wasm|cpu, optionally webgpu:software. */
export function requestFromEnv(): BackendRequest {
  return parseBackendRequest(process.env.SKIPVIT_BACKEND ?? 'auto', 'SKIPVIT_BACKEND');
}

/** The backend part of SKIPVIT_BACKEND. */
export function requestedFromEnv(): BackendName | 'auto' {
  return requestFromEnv().backend;
}

/** A software rasteriser rather than a GPU: Dawn's fallback adapter, or one of the known CPU drivers. */
function adapterKind(info: GPUAdapterInfo): AdapterKind {
  const fallback = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  return fallback || /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render/i.test(text) ? 'software' : 'hardware';
}

function describeAdapter(info: GPUAdapterInfo): AdapterInfo {
  return {
    vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description,
    driver: info.description, kind: adapterKind(info),
  };
}

/**
 * navigator.gpu: the browser's own (Electron's compute window, Chromium), or in Node Dawn's from the
 * `webgpu` package, installed as the globals the tfjs backend expects (navigator.gpu, GPUBufferUsage...).
 */
async function gpuEntry(): Promise<GPU | string> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (typeof window !== 'undefined') return 'this browser has no WebGPU (navigator.gpu is missing)';
  try {
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    const gpu = create([]);
    if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    return gpu;
  } catch (err) {
    return `Dawn (the webgpu package) failed to load: ${String((err as Error).message ?? err).split('\n')[0]}`;
  }
}

/** The first error the WebGPU device reported and nobody caught, if any. */
let deviceError: string | undefined;

/**
 * Throws if the GPU device reported an error since the backend started (an invalid pipeline, out of
 * memory): results computed since are not to be trusted. Called after each training step and benchmark run.
 */
export function checkDevice(): void {
  if (deviceError !== undefined) throw new Error(`the WebGPU device reported an error, so results are wrong: ${deviceError}`);
}

/** The adapter kind the registered 'webgpu' backend was made for, and its adapter. */
let webgpuRegistered: { kind: AdapterKind; adapter: AdapterInfo } | null = null;

function noAdapter(kind: AdapterKind): string {
  return kind === 'software'
    ? 'no software WebGPU adapter (on Linux: a SwiftShader Vulkan driver, e.g. VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json)'
    : 'no WebGPU adapter: no GPU with a Vulkan, Metal or D3D12 driver was found';
}

/**
 * Linux, in Node: whether any Vulkan driver is installed (an ICD manifest where the Vulkan loader looks). Without
 * one, Dawn finds no adapter anyway but prints the loader's failures to stderr, which every CLI command and job
 * would show; so it is not started at all.
 */
function vulkanDriverPresent(): boolean {
  const listed = process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES;
  if (listed) return listed.split(':').some((f) => f !== '' && existsSync(f));
  const dataDirs = (process.env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':');
  const configDirs = (process.env.XDG_CONFIG_DIRS || '/etc/xdg').split(':');
  const dirs = [...configDirs, '/etc', ...dataDirs, path.join(os.homedir(), '.local/share')].map((d) => path.join(d, 'vulkan', 'icd.d'));
  return dirs.some((d) => {
    try {
      return readdirSync(d).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
}

async function tryWebgpu(kind: AdapterKind): Promise<string | AdapterInfo> {
  if (webgpuRegistered?.kind === kind) {
    return (await tf.setBackend('webgpu')) ? webgpuRegistered.adapter : 'the webgpu backend did not initialise';
  }
  const inNode = typeof window === 'undefined' && !(globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (inNode && process.platform === 'linux' && !vulkanDriverPresent()) return `${noAdapter(kind)} (no Vulkan driver is installed)`;
  const gpu = await gpuEntry();
  if (typeof gpu === 'string') return gpu;
  const adapter = await gpu.requestAdapter(kind === 'software' ? { forceFallbackAdapter: true } : { powerPreference: 'high-performance' });
  if (!adapter) return noAdapter(kind);
  const info = describeAdapter(adapter.info);
  if (info.kind !== kind) {
    return kind === 'hardware'
      ? `only a software WebGPU adapter was found (${info.vendor} ${info.description}), far slower than wasm; ask for it with --backend webgpu --adapter software`
      : `the WebGPU adapter found is a hardware one (${info.vendor} ${info.description}), not a software one`;
  }
  // Importing the package registers its kernels (and, where navigator.gpu exists, its own factory, which
  // picks an adapter itself): the backend is registered again on the adapter chosen here.
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', async () => {
    const limits = adapter.limits;
    const device = await adapter.requestDevice({
      requiredFeatures: (['timestamp-query'] as const).filter((f) => adapter.features.has(f)),
      // The adapter's full limits: the defaults cap buffers at 256 MiB, less than a large batch needs.
      requiredLimits: {
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      },
    });
    // A shader the device refuses does not throw: its kernel's output is silently wrong. Record it, so
    // that the next checkDevice() fails the job instead of reporting numbers from invalid work.
    device.addEventListener('uncapturederror', (event) => {
      deviceError ??= (event as GPUUncapturedErrorEvent).error.message.split('\n')[0];
    });
    return new WebGPUBackend(device, adapter.info);
  }, 0);
  webgpuRegistered = { kind, adapter: info };
  try {
    if (!(await tf.setBackend('webgpu'))) return 'the webgpu backend did not initialise';
  } catch (err) {
    return `the webgpu backend failed to initialise: ${(err as Error).message}`;
  }
  return info;
}

async function tryTensorflow(): Promise<string | null> {
  try {
    // Optional dependency: absent where libtensorflow could not be downloaded at install time.
    const mod = '@tensorflow/tfjs-node-gpu';
    await import(/* @vite-ignore */ mod);
  } catch (err) {
    const msg = String((err as Error).message ?? err).split('\n')[0];
    return /Cannot find (package|module)/.test(msg)
      ? '@tensorflow/tfjs-node-gpu is not installed (it needs CUDA 11.2 and cuDNN 8.1, and its install downloads libtensorflow)'
      : `@tensorflow/tfjs-node-gpu failed to load: ${msg}`;
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) return 'the tensorflow backend did not initialise';
  } catch (err) {
    return `the tensorflow backend failed to initialise: ${(err as Error).message}`;
  }
  return null;
}

async function tryWasm(): Promise<string | null> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (typeof window === 'undefined') {
      // In Node the .wasm binaries are read from the package's dist folder, or in the headless bundle
      // (npm run bundle:headless) from beside its script.
      const here = path.dirname(fileURLToPath(import.meta.url));
      const dir = existsSync(path.join(here, 'tfjs-backend-wasm-simd.wasm'))
        ? here
        : path.join(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
      wasm.setWasmPaths(dir + path.sep);
    }
    if (!(await tf.setBackend('wasm'))) return 'the wasm backend did not initialise';
  } catch (err) {
    return `the wasm backend failed to initialise: ${(err as Error).message}`;
  }
  return null;
}

async function tryCpu(): Promise<string | null> {
  return (await tf.setBackend('cpu')) ? null : 'the cpu backend did not initialise';
}

/** Tries one backend: null or the adapter when it is active, else why it is not. */
async function tryBackend(name: BackendName, adapter: AdapterKind): Promise<string | null | AdapterInfo> {
  if (name === 'webgpu') return tryWebgpu(adapter);
  if (name === 'tensorflow') return tryTensorflow();
  return name === 'wasm' ? tryWasm() : tryCpu();
}

/**
 * Selects and initialises the backend. Idempotent for the same request: the second call returns the
 * first call's result. An explicit request that fails is an error, never a silent fallback. Without
 * arguments the request comes from SKIPVIT_BACKEND; `adapter` defaults to 'hardware'.
 */
export async function initBackend(requested?: BackendName | 'auto', adapter?: AdapterKind): Promise<BackendInfo> {
  const request = requested === undefined ? requestFromEnv() : { backend: requested, adapter: adapter ?? 'hardware' };
  if (!['auto', ...BACKEND_ORDER].includes(request.backend)) {
    throw new Error(`backend "${request.backend}" is not a backend; use one of auto, ${BACKEND_ORDER.join(', ')}`);
  }
  if (request.adapter !== 'hardware' && request.adapter !== 'software') {
    throw new Error(`adapter "${request.adapter}" is not an adapter kind; use hardware or software`);
  }
  if (current && current.requested === request.backend && current.adapterRequested === request.adapter) {
    if (tf.getBackend() === current.name) return current;
  }
  const notUsed: BackendInfo['notUsed'] = [];
  let chosen: BackendName | null = null;
  let gpu: AdapterInfo | undefined;
  const order = request.backend === 'auto' ? BACKEND_ORDER : [request.backend];
  for (const name of order) {
    const result = await tryBackend(name, request.adapter);
    if (typeof result === 'string') {
      if (request.backend !== 'auto') throw new Error(`backend "${name}" was requested but ${result}`);
      notUsed.push({ backend: name, reason: result });
      continue;
    }
    chosen = name;
    gpu = result ?? undefined;
    break;
  }
  if (request.backend !== 'auto') {
    for (const name of BACKEND_ORDER) {
      if (name === request.backend) break;
      notUsed.push({ backend: name, reason: `not tried: the user asked for "${request.backend}"` });
    }
  }
  if (!chosen) throw new Error(`no tfjs backend could be initialised: ${notUsed.map((n) => n.reason).join('; ')}`);
  await tf.ready();
  // Production mode: skips tfjs's debug checks and its "install tfjs-node" console banner (we report
  // the backend and why faster ones were not used ourselves).
  tf.env().set('PROD', true);
  current = {
    name: chosen,
    requested: request.backend,
    adapterRequested: request.adapter,
    ...(gpu ? { adapter: gpu } : {}),
    notUsed,
    tfjsVersion: tf.version.tfjs,
    ...(chosen === 'wasm'
      ? { simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') }
      : {}),
  };
  return current;
}

/**
 * Whether the active backend reads a tensor synchronously without stalling a device: the CPU backends
 * do; on webgpu dataSync is slow in a browser and missing in Node (it needs an OffscreenCanvas).
 */
export function readsSyncCheaply(): boolean {
  return tf.getBackend() !== 'webgpu';
}

/** The backend chosen by initBackend, or null before it ran. */
export function backendInfo(): BackendInfo | null {
  return current;
}
