/**
 * WebGPU in tests: this machine (and CI) has no GPU, but Debian's chromium package ships SwiftShader's
 * Vulkan driver, through which Dawn finds a software adapter (SPEC 4). Set before Dawn first starts.
 */
import { existsSync } from 'node:fs';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Points Vulkan at SwiftShader unless the environment already chose a driver. */
export function useSwiftShader(): void {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
}
