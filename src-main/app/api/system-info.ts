/**
 * systemInfo: the tfjs backend jobs will use (and why not a faster one) plus the hardware, probed once
 * in a worker thread so tfjs and its wasm never load into the main thread, then cached.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SystemInfo } from '../contract/api';
import { API_VERSION } from '../contract/api';
import { startWorker } from '../jobs/start-worker';
import type { FromWorker } from '../jobs/protocol';
import { findShipped } from '../workspace/location';
import type { BackendInfo } from '../../core/backend';
import type { HardwareInventory } from '../../core/telemetry/inventory';

type Probe = Pick<SystemInfo, 'backend' | 'hardware'>;

function probe(): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const worker = startWorker({ mode: 'probe' });
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'probe') resolve(toProbe(m.backend as BackendInfo, m.hardware as HardwareInventory));
      else if (m.type === 'failed') reject(new Error(`system probe failed: ${m.message}`));
      void worker.terminate();
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`system probe exited with code ${code}`)));
  });
}

function toProbe(b: BackendInfo, h: HardwareInventory): Probe {
  return {
    backend: {
      name: b.name,
      requested: b.requested,
      notUsed: b.notUsed,
      ...(b.simd !== undefined ? { simd: b.simd } : {}),
      ...(b.threads !== undefined ? { threads: b.threads } : {}),
      tfjsVersion: b.tfjsVersion,
    },
    hardware: {
      cpuModel: `${h.cpu.manufacturer} ${h.cpu.brand}`.trim(),
      cpuCores: h.cpu.logicalCores,
      memoryBytes: h.memTotalBytes,
      platform: `${h.os.platform} ${h.os.distro} ${h.os.release}`.trim(),
      arch: h.os.arch,
      nodeVersion: h.nodeVersion,
      gpus: h.gpus.map((g) => ({ name: g.name, ...(g.memTotalMiB !== null ? { memoryBytes: g.memTotalMiB * 2 ** 20 } : {}) })),
    },
  };
}

function appVersion(): string {
  const file = findShipped('package.json');
  if (!file) return '0.0.0';
  return (JSON.parse(fs.readFileSync(path.resolve(file), 'utf8')) as { version?: string }).version ?? '0.0.0';
}

/** A cached systemInfo provider; a failed probe is retried on the next call. */
export function systemInfoProvider(base: { workspace: string; runner: SystemInfo['runner'] }): () => Promise<SystemInfo> {
  let cached: Promise<Probe> | null = null;
  return async () => {
    cached ??= probe().catch((err: unknown) => {
      cached = null;
      throw err;
    });
    return { apiVersion: API_VERSION, appVersion: appVersion(), workspace: base.workspace, runner: base.runner, ...(await cached) };
  };
}
