/**
 * The one place where the tfjs backend is chosen (SPEC 4).
 *
 * Order unless the user overrides it: `tensorflow` (native TF through @tensorflow/tfjs-node-gpu, CUDA),
 * then `wasm` (SIMD), then `cpu` (pure JS). Every result records the backend used and why each faster
 * one was not, so a number is never read without knowing what produced it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  /** The backend now active in tfjs. */
  name: BackendName;
  /** What was asked for: a backend name, or 'auto'. */
  requested: BackendName | 'auto';
  /** For every faster backend that is not in use, why not. */
  notUsed: { backend: BackendName; reason: string }[];
  /** wasm only: whether SIMD and threads are available. */
  simd?: boolean;
  threads?: boolean;
  tfjsVersion: string;
}

let current: BackendInfo | null = null;

/** Env override: SKIPVIT_BACKEND=wasm|cpu|tensorflow|auto. */
export function requestedFromEnv(): BackendName | 'auto' {
  const v = (process.env.SKIPVIT_BACKEND ?? 'auto').trim().toLowerCase();
  if (v === 'auto' || v === '') return 'auto';
  if ((BACKEND_ORDER as readonly string[]).includes(v)) return v as BackendName;
  throw new Error(`SKIPVIT_BACKEND="${v}" is not a backend; use one of auto, ${BACKEND_ORDER.join(', ')}`);
}

async function tryTensorflow(): Promise<string | null> {
  try {
    // Optional dependency: absent where libtensorflow could not be downloaded at install time.
    const mod = '@tensorflow/tfjs-node-gpu';
    await import(/* @vite-ignore */ mod);
  } catch (err) {
    const msg = String((err as Error).message ?? err).split('\n')[0];
    return /Cannot find (package|module)/.test(msg)
      ? '@tensorflow/tfjs-node-gpu is not installed (its install downloads libtensorflow and needs a network and CUDA)'
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
      // In Node the .wasm binaries are read from the package's dist folder.
      const require = createRequire(import.meta.url);
      const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      wasm.setWasmPaths(path.join(dir, 'dist') + path.sep);
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

const TRY: Record<BackendName, () => Promise<string | null>> = { tensorflow: tryTensorflow, wasm: tryWasm, cpu: tryCpu };

/**
 * Selects and initialises the backend. Idempotent for the same request: the second call returns the
 * first call's result. An explicit request that fails is an error, never a silent fallback.
 */
export async function initBackend(requested: BackendName | 'auto' = requestedFromEnv()): Promise<BackendInfo> {
  if (current && (requested === 'auto' || requested === current.name) && current.requested === requested) return current;
  const notUsed: BackendInfo['notUsed'] = [];
  let chosen: BackendName | null = null;
  if (requested === 'auto') {
    for (const name of BACKEND_ORDER) {
      const why = await TRY[name]();
      if (why === null) {
        chosen = name;
        break;
      }
      notUsed.push({ backend: name, reason: why });
    }
  } else {
    const why = await TRY[requested]();
    if (why !== null) throw new Error(`backend "${requested}" was requested but ${why}`);
    chosen = requested;
    for (const name of BACKEND_ORDER) {
      if (name === requested) break;
      notUsed.push({ backend: name, reason: `not tried: the user asked for "${requested}"` });
    }
  }
  if (!chosen) throw new Error(`no tfjs backend could be initialised: ${notUsed.map((n) => n.reason).join('; ')}`);
  await tf.ready();
  // Production mode: skips tfjs's debug checks and its "install tfjs-node" console banner (we report
  // the backend and why faster ones were not used ourselves).
  tf.env().set('PROD', true);
  current = {
    name: chosen,
    requested,
    notUsed,
    tfjsVersion: tf.version.tfjs,
    ...(chosen === 'wasm'
      ? { simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') }
      : {}),
  };
  return current;
}

/** The backend chosen by initBackend, or null before it ran. */
export function backendInfo(): BackendInfo | null {
  return current;
}
