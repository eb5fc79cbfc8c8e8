/**
 * Puts the fake nvidia-smi (test/fixtures/nvidia-smi/fake-nvidia-smi.mjs) on PATH as a real
 * executable, so the telemetry code runs its ordinary spawn path against recorded output.
 */
import { chmodSync, copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/nvidia-smi/', import.meta.url));

/** Copies the fake into a new temp folder as `nvidia-smi` and returns that folder. */
export function installFakeNvidiaSmi(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-nvidia-smi-'));
  const exe = path.join(dir, 'nvidia-smi');
  copyFileSync(path.join(FIXTURES, 'fake-nvidia-smi.mjs'), exe);
  chmodSync(exe, 0o755);
  return dir;
}

/** Puts `dir` first on this process's PATH (children inherit it) and selects the recording to replay. */
export function useFakeNvidiaSmi(dir: string, recording: string): void {
  if (!(process.env.PATH ?? '').startsWith(`${dir}:`)) process.env.PATH = `${dir}:${process.env.PATH ?? ''}`;
  process.env.FAKE_NVIDIA_SMI_CSV = path.join(FIXTURES, recording);
}
