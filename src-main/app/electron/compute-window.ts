/**
 * The compute window: a hidden BrowserWindow in which the desktop app runs GPU jobs (job-host.ts says why).
 * It runs the same job entry as a worker thread (its preload, compute-page.ts) and speaks the same job
 * protocol over two IPC channels. Locked down (docs/ARCHITECTURE.md, "The compute window"): it loads one
 * empty local page, every navigation, new window, webview and permission is refused, and its session
 * fetches nothing but that page. Electron is not imported: callers pass the objects (tested with fakes).
 */
import { EventEmitter } from 'node:events';
import type { WebPreferences } from 'electron';
import type { JobHost, StartJobHost } from '../jobs/job-host';
import type { FromWorker, ToWorker, WorkerInput } from '../jobs/protocol';

/** Page -> main: the job's messages (FromWorker). */
export const COMPUTE_FROM_JOB = 'skipvit-compute:from-job';
/** Main -> page: the job's input (WorkerInput) once, then ToWorker messages. */
export const COMPUTE_INPUT = 'skipvit-compute:input';
export const COMPUTE_TO_JOB = 'skipvit-compute:to-job';
/** The page it loads: an empty document of the app's own scheme, served from the bundle. */
export const COMPUTE_PAGE_URL = 'app://studio/compute.html';

/**
 * The only window with Node (in its preload, not in the page): the job entry reads datasets and writes
 * run folders, as in a worker thread. The page's own world gets no Node and no bridge.
 */
export function computeWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    sandbox: false,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    backgroundThrottling: false, // a hidden window must compute at full speed
  };
}

interface ContentsLike {
  readonly id: number;
  send(channel: string, payload: unknown): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'did-finish-load', listener: () => void): unknown;
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  session: {
    setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
    webRequest: { onBeforeRequest(listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void): void };
  };
}

export interface BrowserWindowLike {
  readonly webContents: ContentsLike;
  loadURL(url: string): Promise<void>;
  destroy(): void;
  isDestroyed(): boolean;
  on(event: 'closed', listener: () => void): unknown;
}

export interface ComputeWindowDeps {
  BrowserWindow: new (options: { show: false; webPreferences: WebPreferences }) => BrowserWindowLike;
  ipcMain: {
    on(channel: string, listener: (event: { sender: { id: number } }, message: unknown) => void): unknown;
    removeListener(channel: string, listener: (event: { sender: { id: number } }, message: unknown) => void): unknown;
  };
  /** The bundled compute preload (out/preload/compute.cjs). */
  preload: string;
}

/** Whether a request of the compute window may go out: its own page only. */
export function computeRequestAllowed(url: string): boolean {
  return url === COMPUTE_PAGE_URL;
}

/** Starts each job in a fresh hidden compute window; the window closes when the job has ended. */
export function computeWindowHost(deps: ComputeWindowDeps): StartJobHost {
  return (input: WorkerInput): JobHost => {
    const events = new EventEmitter();
    const win = new deps.BrowserWindow({ show: false, webPreferences: computeWebPreferences(deps.preload) });
    const contents = win.webContents;
    let exited = false;
    const exit = (code: number) => {
      if (exited) return;
      exited = true;
      deps.ipcMain.removeListener(COMPUTE_FROM_JOB, fromPage);
      if (!win.isDestroyed()) win.destroy();
      events.emit('exit', code);
    };
    const fromPage = (event: { sender: { id: number } }, message: unknown) => {
      if (event.sender.id !== contents.id) return; // another window's message is not this job's
      const m = message as FromWorker;
      events.emit('message', m);
      // The job has ended: a worker thread would exit now, so the window goes.
      if (m.type === 'done' || m.type === 'failed' || m.type === 'probe') setImmediate(() => exit(0));
    };

    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.session.setPermissionRequestHandler((_c, _permission, callback) => callback(false));
    contents.session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !computeRequestAllowed(details.url) }));
    contents.on('render-process-gone', (_event, details) => {
      events.emit('error', new Error(`the compute window's renderer is gone (${details.reason})`));
      exit(1);
    });
    contents.on('did-finish-load', () => contents.send(COMPUTE_INPUT, input));
    win.on('closed', () => exit(1));
    deps.ipcMain.on(COMPUTE_FROM_JOB, fromPage);
    win.loadURL(COMPUTE_PAGE_URL).catch((err: Error) => {
      events.emit('error', new Error(`the compute window did not load: ${err.message}`));
      exit(1);
    });

    return {
      postMessage: (m: ToWorker) => {
        if (!win.isDestroyed()) contents.send(COMPUTE_TO_JOB, m);
      },
      terminate: () => exit(1),
      on: (event: string, listener: (...args: unknown[]) => void) => events.on(event, listener),
    } as JobHost;
  };
}
