/**
 * A small fake of the Electron main-process modules the shell uses: enough to run startShell() in plain
 * Node and to look at what it did (window options, IPC handlers, menu, protocol, session, handlers).
 */
import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import type { ElectronMain } from '../../src-main/app/electron/shell';

type Listener = (...args: any[]) => unknown;

export class FakeContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeContents.nextId++;
  openHandler: ((d: { url: string }) => { action: string }) | null = null;
  sent: unknown[][] = [];
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void {
    this.openHandler = h;
  }
  send(...args: unknown[]): void {
    this.sent.push(args);
  }
  isDestroyed(): boolean {
    return false;
  }
  /** Emits a cancellable event the way Electron does; returns whether a listener prevented it. */
  attempt(event: string, url: string): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

export interface FakeElectron {
  electron: ElectronMain;
  app: EventEmitter & { quitCalls: number; switches: string[][] };
  windows: FakeWindow[];
  handlers: Map<string, Listener>;
  menu: unknown[] | null;
  schemes: unknown[];
  protocolHandlers: Map<string, (req: { url: string }) => Promise<Response>>;
  permissionRequest: Listener | null;
  permissionCheck: Listener | null;
  external: string[];
  opened: string[];
}

export class FakeWindow extends EventEmitter {
  readonly webContents = new FakeContents();
  loaded: string[] = [];
  maximized = false;
  shown = false;
  bounds: { x: number; y: number; width: number; height: number };
  constructor(readonly options: Record<string, any>) {
    super();
    this.bounds = { x: options.x, y: options.y, width: options.width, height: options.height };
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
  maximize(): void {
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getNormalBounds() {
    return this.bounds;
  }
  isDestroyed(): boolean {
    return false;
  }
  show(): void {
    this.shown = true;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {}
}

/** `userData`: the folder app.getPath('userData') answers (default: a folder under the OS temp dir). */
export function fakeElectron(userData = path.join(os.tmpdir(), 'skipvit-fake-electron')): FakeElectron {
  const app = Object.assign(new EventEmitter(), { quitCalls: 0, switches: [] as string[][] });
  const f: FakeElectron = {
    app,
    windows: [],
    handlers: new Map(),
    menu: null,
    schemes: [],
    protocolHandlers: new Map(),
    permissionRequest: null,
    permissionCheck: null,
    external: [],
    opened: [],
    electron: undefined as unknown as ElectronMain,
  };
  class BrowserWindow extends FakeWindow {
    constructor(options: Record<string, any>) {
      super(options);
      f.windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
  }
  const electron = {
    app: Object.assign(app, {
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve(),
      getPath: (name: string) => path.join(userData, name === 'userData' ? '' : name),
      getName: () => 'skipvit-studio',
      isPackaged: false,
      quit: () => {
        app.quitCalls++;
        const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
        app.emit('before-quit', event);
      },
      commandLine: { appendSwitch: (...s: string[]) => app.switches.push(s) },
    }),
    BrowserWindow,
    ipcMain: {
      handle: (channel: string, fn: Listener) => f.handlers.set(channel, fn),
      removeHandler: (channel: string) => f.handlers.delete(channel),
    },
    Menu: {
      buildFromTemplate: (t: unknown[]) => t,
      setApplicationMenu: (m: unknown[]) => {
        f.menu = m;
      },
    },
    nativeTheme: { shouldUseDarkColors: false },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => f.schemes.push(...s),
      handle: (scheme: string, fn: (req: { url: string }) => Promise<Response>) => f.protocolHandlers.set(scheme, fn),
    },
    screen: {
      getPrimaryDisplay: () => ({ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } }),
      getAllDisplays: () => [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Listener) => (f.permissionRequest = h),
        setPermissionCheckHandler: (h: Listener) => (f.permissionCheck = h),
      },
    },
    shell: {
      openExternal: async (url: string) => void f.external.push(url),
      openPath: async (p: string) => {
        f.opened.push(p);
        return '';
      },
    },
  };
  f.electron = electron as unknown as ElectronMain;
  return f;
}
