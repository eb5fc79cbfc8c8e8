/**
 * Entry of the Electron main process (out/main/index.js). `--workspace DIR` (or $SKIPVIT_WORKSPACE)
 * picks the workspace, as for the CLI; one instance at a time (a second start focuses the first).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as electron from 'electron';
import { resolveWorkspaceDir } from '../workspace/location';
import { prepareShell, startShell, workspaceFlag } from './shell';

const { app } = electron;

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  prepareShell(electron);
  void app.whenReady().then(() => {
    startShell(electron, {
      rendererDir: path.join(root, 'out', 'renderer'),
      preload: path.join(root, 'out', 'preload', 'index.cjs'),
      computePreload: path.join(root, 'out', 'preload', 'compute.cjs'),
      workspaceDir: resolveWorkspaceDir(workspaceFlag(process.argv)),
      stateFile: path.join(app.getPath('userData'), 'window-state.json'),
      icon: path.join(root, 'resources', 'icons', 'icon.png'),
      devServerUrl: process.env.ELECTRON_RENDERER_URL,
    });
  });
}
