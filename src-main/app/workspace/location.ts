/**
 * Where the workspace is: `--workspace`, else $SKIPVIT_WORKSPACE, else `workspace/` inside the app's
 * user-data folder. The user-data folder is computed the way Electron's app.getPath('userData') does
 * (appData + app name), so the CLI and the studio find the same workspace without Electron loaded.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The name Electron derives userData from (package.json `name`). */
export const APP_NAME = 'skipvit-studio';

/** Electron's `appData` per platform, then the app's folder inside it. */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const home = os.homedir();
  const appData =
    platform === 'win32'
      ? (env.APPDATA ?? path.join(home, 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? path.join(home, 'Library', 'Application Support')
        : (env.XDG_CONFIG_HOME ?? path.join(home, '.config'));
  return path.join(appData, APP_NAME);
}

export function resolveWorkspaceDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? (env.SKIPVIT_WORKSPACE?.trim() || undefined);
  return path.resolve(chosen ?? path.join(userDataDir(env), 'workspace'));
}

/**
 * A folder shipped in the repository (`resources/models`, `out/renderer`), found by walking up from
 * this module so it resolves from the sources and from a bundled build alike; null when absent.
 */
export function findShipped(rel: string): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, rel);
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return null;
}
