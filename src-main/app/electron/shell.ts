/**
 * The Electron shell: one main window over the studio API, with the security checklist applied (see
 * security.ts), the IPC transport wired with its sender check, the app menu, and the window's size and
 * place remembered. Electron comes in as a parameter so the whole wiring runs in plain Node with a fake.
 */
import type * as Electron from 'electron';
import { openStudioApi, type StudioApi } from '../api/open';
import { registerIpcHandlers, urlPrefixPolicy, type IpcMainLike } from '../ipc/ipc-handlers';
import { appProtocolResponse } from './app-protocol';
import { computeWindowHost, type ComputeWindowDeps } from './compute-window';
import { menuTemplate } from './menu';
import { APP_ORIGIN, APP_SCHEME, APP_URL, hardenContents, hardenSession, webPreferences } from './security';
import { loadWindowState, restoreBounds, saveWindowState } from './window-state';

export type ElectronMain = Pick<
  typeof Electron,
  'app' | 'BrowserWindow' | 'ipcMain' | 'Menu' | 'nativeTheme' | 'protocol' | 'screen' | 'session' | 'shell'
>;

export interface ShellOptions {
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** The bundled preload (out/preload/index.cjs). */
  preload: string;
  /** The compute window's bundled preload (out/preload/compute.cjs). */
  computePreload: string;
  workspaceDir: string;
  /** Demo models folder; undefined = the one shipped beside the build. */
  demoModels?: string | null;
  /** Where the window's bounds are kept. */
  stateFile: string;
  /** electron-vite's dev server, when running `electron-vite dev`. */
  devServerUrl?: string;
  icon?: string;
}

export interface Shell {
  api: StudioApi;
  window(): Electron.BrowserWindow | null;
}

/** `--workspace DIR` or `--workspace=DIR` from the command line, if given. */
export function workspaceFlag(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--workspace') return argv[i + 1];
    if (argv[i].startsWith('--workspace=')) return argv[i].slice('--workspace='.length);
  }
  return undefined;
}

/** Must run before the app is ready: the app:// scheme's privileges, and the sandbox for every renderer. */
export function prepareShell(e: ElectronMain): void {
  e.protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  // Every window is sandboxed by its webPreferences, except the compute window's preload, which runs jobs
  // with Node as a worker thread does (compute-window.ts); so no app-wide enableSandbox().
  // WebGPU for the compute window; on Linux through Vulkan, which Chromium does not enable by default.
  e.app.commandLine.appendSwitch('enable-unsafe-webgpu');
  if (process.platform === 'linux') e.app.commandLine.appendSwitch('enable-features', 'Vulkan');
}

/** Runs once the app is ready: opens the workspace, wires IPC and security, shows the window. */
export function startShell(e: ElectronMain, opts: ShellOptions): Shell {
  const api = openStudioApi({
    workspaceDir: opts.workspaceDir,
    ...(opts.demoModels !== undefined ? { demoModels: opts.demoModels } : {}),
    computeWindow: computeWindowHost({ BrowserWindow: e.BrowserWindow as unknown as ComputeWindowDeps['BrowserWindow'], ipcMain: e.ipcMain, preload: opts.computePreload }),
  });
  const pageUrl = opts.devServerUrl ?? APP_URL;
  let main: Electron.BrowserWindow | null = null;

  hardenSession(e.session.defaultSession);
  e.protocol.handle(APP_SCHEME, (request) => appProtocolResponse(opts.rendererDir, request.url));
  e.app.on('web-contents-created', (_event, contents) =>
    hardenContents(contents, (url) => void e.shell.openExternal(url), opts.devServerUrl),
  );

  const disposeIpc = registerIpcHandlers(
    e.ipcMain as unknown as IpcMainLike,
    api.dispatch,
    urlPrefixPolicy(() => (main && !main.isDestroyed() ? [main.webContents.id] : []), [opts.devServerUrl ?? `${APP_ORIGIN}/`]),
  );

  const go = (view: string) => {
    if (!main) return;
    const url = new URL(pageUrl);
    url.hash = `#/${view}`;
    void main.loadURL(url.toString());
  };
  e.Menu.setApplicationMenu(
    e.Menu.buildFromTemplate(
      menuTemplate(
        process.platform,
        e.app.getName(),
        { go, openWorkspace: () => void e.shell.openPath(api.workspace.root) },
        !e.app.isPackaged,
      ),
    ),
  );

  const createWindow = (): Electron.BrowserWindow => {
    const saved = loadWindowState(opts.stateFile);
    const primary = e.screen.getPrimaryDisplay();
    const areas = [primary, ...e.screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
    const win = new e.BrowserWindow({
      ...restoreBounds(saved, areas),
      minWidth: 900,
      minHeight: 600,
      show: false,
      title: 'SkipViT Studio',
      backgroundColor: e.nativeTheme.shouldUseDarkColors ? '#15171c' : '#f7f7f9',
      ...(opts.icon ? { icon: opts.icon } : {}),
      webPreferences: webPreferences(opts.preload),
    });
    if (saved?.maximized) win.maximize();
    win.once('ready-to-show', () => win.show());

    let timer: ReturnType<typeof setTimeout> | null = null;
    const persist = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (!win.isDestroyed()) saveWindowState(opts.stateFile, { bounds: win.getNormalBounds(), maximized: win.isMaximized() });
    };
    const later = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(persist, 500);
    };
    for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(event as 'resize', later);
    win.on('close', persist);
    win.on('closed', () => {
      if (main === win) main = null;
    });
    void win.loadURL(pageUrl);
    return win;
  };

  main = createWindow();

  e.app.on('second-instance', () => {
    if (!main) main = createWindow();
    if (main.isMinimized()) main.restore();
    main.focus();
  });
  e.app.on('activate', () => {
    if (!main) main = createWindow();
  });
  e.app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') e.app.quit();
  });
  // Running jobs end "interrupted" (resumable) before the process goes.
  let closing = false;
  e.app.on('before-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    disposeIpc();
    void api.close().finally(() => e.app.quit());
  });

  return { api, window: () => main };
}
