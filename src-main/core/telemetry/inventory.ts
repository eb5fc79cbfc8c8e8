/**
 * The hardware a run measured on, read ONCE per run: CPU, memory and OS through systeminformation,
 * GPUs through one `nvidia-smi --query-gpu=name,driver_version,memory.total` call (asynchronous;
 * systeminformation.graphics() would block on execSync and needs lspci).
 */
import { execFile } from 'node:child_process';
import si from 'systeminformation';

export interface GpuInventory {
  name: string;
  driverVersion: string;
  /** MiB; null when nvidia-smi printed no number. */
  memTotalMiB: number | null;
}

export interface HardwareInventory {
  cpu: { manufacturer: string; brand: string; physicalCores: number; logicalCores: number; speedGHz: number };
  memTotalBytes: number;
  os: { platform: string; distro: string; release: string; kernel: string; arch: string };
  gpus: GpuInventory[];
  /** Why `gpus` is empty; null when GPUs were listed. */
  gpuReason: string | null;
  nodeVersion: string;
}

export interface InventoryOptions {
  /** nvidia-smi executable. Default 'nvidia-smi', looked up on PATH. */
  nvidiaSmi?: string;
}

/** How long the single nvidia-smi call may take (a first NVML init without persistence mode is slow). */
const NVIDIA_SMI_TIMEOUT_MS = 15_000;

export async function hardwareInventory(opts: InventoryOptions = {}): Promise<HardwareInventory> {
  const [cpu, mem, osInfo, gpu] = await Promise.all([si.cpu(), si.mem(), si.osInfo(), listGpus(opts.nvidiaSmi ?? 'nvidia-smi')]);
  return {
    cpu: {
      manufacturer: cpu.manufacturer,
      brand: cpu.brand,
      physicalCores: cpu.physicalCores,
      logicalCores: cpu.cores,
      speedGHz: cpu.speed,
    },
    memTotalBytes: mem.total,
    os: { platform: osInfo.platform, distro: osInfo.distro, release: osInfo.release, kernel: osInfo.kernel, arch: osInfo.arch },
    gpus: gpu.gpus,
    gpuReason: gpu.reason,
    nodeVersion: process.version,
  };
}

/** Parses `name, driver_version, memory.total` lines (`--format=csv,noheader`, memory as "81559 MiB"). */
function parseGpuInventory(stdout: string): GpuInventory[] {
  return stdout
    .split('\n')
    .map((l) => l.split(',').map((f) => f.trim()))
    .filter((f) => f.length === 3 && f[0] !== '')
    .map(([name, driverVersion, mem]) => {
      const mib = Number.parseFloat(mem);
      return { name, driverVersion, memTotalMiB: Number.isFinite(mib) ? mib : null };
    });
}

function listGpus(command: string): Promise<{ gpus: GpuInventory[]; reason: string | null }> {
  const args = ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'];
  return new Promise((resolve) => {
    execFile(command, args, { timeout: NVIDIA_SMI_TIMEOUT_MS }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const onPath = command.includes('/') ? '' : ' on PATH';
        const said = `${stderr}\n${stdout}`.trim().split('\n')[0];
        const reason =
          code === 'ENOENT' ? `${command} not found${onPath}` : `${command} failed (${said || err.message})`;
        resolve({ gpus: [], reason });
        return;
      }
      const gpus = parseGpuInventory(stdout);
      resolve({ gpus, reason: gpus.length > 0 ? null : `${command} listed no GPU (${stdout.trim() || 'no output'})` });
    });
  });
}
