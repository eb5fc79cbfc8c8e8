/**
 * The compute window's job path in plain Node: `electron` is the only thing faked (a BrowserWindow whose
 * "page" runs the real compute preload in this process, and ipcMain / ipcRenderer wired to each other);
 * the runner, the job entry, the job kinds and the run folders are real.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  COMPUTE_PAGE_URL, computeWindowHost, type BrowserWindowLike, type ComputeWindowDeps,
} from '../../src-main/app/electron/compute-window';
import { startComputePage, type IpcRendererLike } from '../../src-main/app/electron/compute-page';
import { openTestApi, until } from './helpers';

type Listener = (event: never, ...args: never[]) => unknown;
type MainListener = (event: { sender: { id: number } }, message: unknown) => void;

class FakeIpcMain {
  readonly listeners = new Map<string, Set<MainListener>>();
  on(channel: string, l: MainListener) {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(l);
  }
  removeListener(channel: string, l: MainListener) {
    this.listeners.get(channel)?.delete(l);
  }
  emit(channel: string, senderId: number, message: unknown) {
    for (const l of this.listeners.get(channel) ?? []) l({ sender: { id: senderId } }, message);
  }
}

let nextId = 1;
const windows: FakeWindow[] = [];

/** A hidden window: records its options and handlers; loading runs the compute preload in this process. */
class FakeWindow implements BrowserWindowLike {
  readonly handlers = new Map<string, Listener[]>();
  openHandler?: (d: { url: string }) => { action: 'deny' };
  permissionHandler?: (c: unknown, p: string, cb: (granted: boolean) => void) => void;
  requestFilter?: (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void;
  private pageListeners = new Map<string, ((e: unknown, p: unknown) => void)[]>();
  private destroyed = false;
  private closedListeners: (() => void)[] = [];
  readonly webContents;

  constructor(
    readonly options: { show: false; webPreferences: Record<string, unknown> },
    ipcMain: FakeIpcMain,
  ) {
    windows.push(this);
    const id = nextId++;
    const on = (event: string, l: Listener) => this.handlers.set(event, [...(this.handlers.get(event) ?? []), l]);
    this.webContents = {
      id,
      send: (channel: string, payload: unknown) => {
        for (const l of this.pageListeners.get(channel) ?? []) l({}, payload);
      },
      on,
      setWindowOpenHandler: (h: (d: { url: string }) => { action: 'deny' }) => (this.openHandler = h),
      session: {
        setPermissionRequestHandler: (h: FakeWindow['permissionHandler']) => (this.permissionHandler = h),
        webRequest: { onBeforeRequest: (l: FakeWindow['requestFilter']) => (this.requestFilter = l) },
      },
    };
    const pageIpc: IpcRendererLike = {
      send: (channel, payload) => ipcMain.emit(channel, id, payload),
      on: (channel, l) => this.pageListeners.set(channel, [...(this.pageListeners.get(channel) ?? []), l]),
      once: (channel, l) => {
        const once = (e: unknown, p: unknown) => {
          pageIpc.removeListener(channel, once);
          l(e, p);
        };
        pageIpc.on(channel, once);
      },
      removeListener: (channel, l) => this.pageListeners.set(channel, (this.pageListeners.get(channel) ?? []).filter((x) => x !== l)),
    };
    this.pageIpc = pageIpc;
  }
  private readonly pageIpc: IpcRendererLike;

  fire(event: string, ...args: unknown[]) {
    for (const l of this.handlers.get(event) ?? []) (l as (...a: unknown[]) => unknown)(...args);
  }

  async loadURL(url: string) {
    let allowed = false;
    this.requestFilter?.({ url }, (r) => (allowed = !r.cancel));
    if (!allowed) throw new Error(`ERR_BLOCKED_BY_CLIENT: ${url}`);
    startComputePage(this.pageIpc); // what the preload does
    setImmediate(() => this.fire('did-finish-load'));
  }
  destroy() {
    this.destroyed = true;
    for (const l of this.closedListeners.splice(0)) l();
  }
  isDestroyed() {
    return this.destroyed;
  }
  on(_event: 'closed', l: () => void) {
    this.closedListeners.push(l);
  }
}

function fakeElectron(): ComputeWindowDeps {
  const ipcMain = new FakeIpcMain();
  return {
    BrowserWindow: class extends FakeWindow {
      constructor(options: { show: false; webPreferences: Record<string, unknown> }) {
        super(options, ipcMain);
      }
    } as unknown as ComputeWindowDeps['BrowserWindow'],
    ipcMain,
    preload: '/opt/skipvit/out/preload/compute.cjs',
  };
}

afterEach(() => {
  windows.splice(0);
  delete process.env.SKIPVIT_BACKEND;
});

describe('the compute window (GPU jobs in the desktop app)', () => {
  it('runs a webgpu job through the job entry in a hidden, locked-down window that closes when the job ends', async () => {
    process.env.SKIPVIT_BACKEND = 'webgpu:software';
    const api = openTestApi({ computeWindow: computeWindowHost(fakeElectron()) });
    const run = api.runner.start('count', { steps: 5 });
    const done = await api.runner.wait(run.id);
    expect(done.status).toBe('succeeded');
    expect(api.workspace.runs.readResult(run.id)).toMatchObject({ steps: 5 });
    expect(windows).toHaveLength(1);
    const [win] = windows;
    expect(win.isDestroyed()).toBe(true);
    expect(win.options.show).toBe(false);
    expect(win.options.webPreferences).toMatchObject({
      preload: '/opt/skipvit/out/preload/compute.cjs', contextIsolation: true, nodeIntegration: false, webSecurity: true, webviewTag: false,
    });
    // Navigation, redirects, webviews, new windows, permissions and any other request are refused.
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      win.fire(event, { preventDefault: () => (prevented = true) }, 'https://evil.example/');
      expect(prevented, event).toBe(true);
    }
    expect(win.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    let granted: boolean | undefined;
    win.permissionHandler?.({}, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
    const verdict = (url: string) => {
      let cancel: boolean | undefined;
      win.requestFilter?.({ url }, (r) => (cancel = r.cancel));
      return cancel;
    };
    expect(verdict(COMPUTE_PAGE_URL)).toBe(false);
    for (const url of ['https://evil.example/x.js', 'app://studio/index.html', 'file:///etc/passwd', 'http://127.0.0.1:8470/']) expect(verdict(url), url).toBe(true);
  });

  it('carries cancel to the job over the same protocol, and a vanished renderer ends the run as interrupted', async () => {
    process.env.SKIPVIT_BACKEND = 'webgpu:software';
    const api = openTestApi({ computeWindow: computeWindowHost(fakeElectron()) });
    const slow = api.runner.start('count', { steps: 10_000, busyMs: 5 });
    await until(() => (api.runner.live(slow.id)?.checkpoint?.step ?? 0) >= 2, 30_000, 'two steps');
    api.runner.cancel(slow.id);
    expect((await api.runner.wait(slow.id)).status).toBe('cancelled');

    const crash = api.runner.start('count', { steps: 10_000, busyMs: 5 });
    await until(() => windows.length === 2 && (api.runner.live(crash.id)?.checkpoint?.step ?? 0) >= 1, 30_000, 'a step');
    windows[1].fire('render-process-gone', {}, { reason: 'crashed' });
    const ended = await api.runner.wait(crash.id);
    expect(ended.status).toBe('interrupted');
  });

  it('leaves every other backend to worker threads', async () => {
    process.env.SKIPVIT_BACKEND = 'wasm';
    const api = openTestApi({ computeWindow: computeWindowHost(fakeElectron()) });
    const run = api.runner.start('echo', { value: 'on a thread' });
    expect((await api.runner.wait(run.id)).status).toBe('succeeded');
    expect(windows).toHaveLength(0);
  });
});
