/**
 * The Electron shell in plain Node, with Electron faked: the window meets the security checklist, the IPC
 * transport refuses foreign senders, navigation / new windows / permissions are blocked, app:// serves
 * the renderer with the CSP, the menu and window state work, and quitting closes the API first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CALL_NAMES, IPC_PREFIX } from '../../src-main/app/contract/calls';
import { appProtocolResponse } from '../../src-main/app/electron/app-protocol';
import { MENU_VIEWS, menuTemplate } from '../../src-main/app/electron/menu';
import { APP_URL, CSP, hardenContents, isAppUrl, webPreferences } from '../../src-main/app/electron/security';
import { prepareShell, startShell, workspaceFlag, type Shell } from '../../src-main/app/electron/shell';
import { loadWindowState, restoreBounds } from '../../src-main/app/electron/window-state';
import { FakeContents, fakeElectron, type FakeElectron } from './fake-electron';

let tmp: string;
let shells: Shell[] = [];

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skipvit-shell-'));
  fs.mkdirSync(path.join(tmp, 'renderer', 'assets'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'renderer', 'index.html'), '<!doctype html><title>studio</title>');
  fs.writeFileSync(path.join(tmp, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'not for the renderer');
});

afterEach(async () => {
  for (const s of shells) await s.api.close();
  shells = [];
  fs.rmSync(tmp, { recursive: true, force: true });
});

function start(f: FakeElectron): Shell {
  prepareShell(f.electron);
  const shell = startShell(f.electron, {
    rendererDir: path.join(tmp, 'renderer'),
    preload: '/app/out/preload/index.cjs',
    workspaceDir: path.join(tmp, 'workspace'),
    demoModels: null,
    stateFile: path.join(tmp, 'window-state.json'),
  });
  shells.push(shell);
  return shell;
}

describe('window options', () => {
  it('meet the security checklist', () => {
    const f = fakeElectron();
    start(f);
    expect(f.windows).toHaveLength(1);
    const prefs = f.windows[0].options.webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(prefs).toEqual(webPreferences('/app/out/preload/index.cjs'));
    expect(f.app.sandboxed).toBe(true);
    expect(f.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(f.windows[0].loaded).toEqual([APP_URL]);
  });

  it('the CSP is strict, and the renderer page carries the same policy', () => {
    for (const d of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(CSP).toContain(d);
    }
    expect(CSP).not.toMatch(/unsafe-(inline|eval)/);
    const html = fs.readFileSync(path.resolve('src-renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(CSP.replace("; frame-ancestors 'none'", ''));
  });
});

describe('navigation, new windows, webviews, permissions', () => {
  it('blocks navigation away from the app and every new window', () => {
    const contents = new FakeContents();
    const external: string[] = [];
    hardenContents(contents, (u) => external.push(u));
    expect(contents.attempt('will-navigate', 'https://example.com/')).toBe(true);
    expect(contents.attempt('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.attempt('will-redirect', 'http://127.0.0.1:9/')).toBe(true);
    expect(contents.attempt('will-navigate', 'app://studio/index.html#/train')).toBe(false);
    expect(contents.attempt('will-attach-webview', 'app://studio/')).toBe(true);
    expect(contents.openHandler!({ url: 'https://github.com/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'app://studio/index.html' })).toEqual({ action: 'deny' });
    expect(external).toEqual(['https://github.com/']);
  });

  it('applies to every web contents the app creates, and refuses every permission', () => {
    const f = fakeElectron();
    start(f);
    expect(f.windows[0].webContents.attempt('will-navigate', 'https://example.com/')).toBe(true);
    expect(f.windows[0].webContents.openHandler).not.toBeNull();
    let granted: boolean | null = null;
    f.permissionRequest!({}, 'media', (g: boolean) => (granted = g));
    expect(granted).toBe(false);
    expect(f.permissionCheck!({}, 'notifications')).toBe(false);
  });

  it('tells the app apart from look-alikes', () => {
    expect(isAppUrl('app://studio/index.html')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
});

describe('IPC', () => {
  it('has one handler per contract call, and answers only the app window on the app page', async () => {
    const f = fakeElectron();
    start(f);
    expect([...f.handlers.keys()].sort()).toEqual(CALL_NAMES.map((c) => IPC_PREFIX + c).sort());
    const list = f.handlers.get(`${IPC_PREFIX}modelsList`)!;
    const own = f.windows[0].webContents;

    const ok = (await list({ sender: own, senderFrame: { url: 'app://studio/index.html#/home' } }, {})) as { ok: boolean };
    expect(ok).toEqual({ ok: true, data: { models: [] } });

    const stranger = new FakeContents();
    const other = (await list({ sender: stranger, senderFrame: { url: 'app://studio/index.html' } }, {})) as {
      ok: false;
      error: { code: string };
    };
    expect(other.error.code).toBe('forbidden');

    const navigated = (await list({ sender: own, senderFrame: { url: 'https://example.com/' } }, {})) as {
      ok: false;
      error: { code: string };
    };
    expect(navigated.error.code).toBe('forbidden');

    const gone = (await list({ sender: own, senderFrame: null }, {})) as { ok: false; error: { code: string } };
    expect(gone.error.code).toBe('forbidden');
  });
});

describe('app:// protocol', () => {
  it('serves the renderer with the CSP header and nothing outside it', async () => {
    const f = fakeElectron();
    start(f);
    const handle = f.protocolHandlers.get('app')!;
    const index = await handle({ url: 'app://studio/index.html' });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(CSP);
    expect(index.headers.get('content-type')).toContain('text/html');
    const js = await handle({ url: 'app://studio/assets/app.js' });
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).toBe('console.log(1)');
    const escape = await appProtocolResponse(path.join(tmp, 'renderer'), 'app://studio/%2e%2e/secret.txt');
    expect(await escape.text()).not.toContain('not for the renderer');
    const route = await handle({ url: 'app://studio/train' });
    expect(await route.text()).toContain('<title>studio</title>');
  });
});

describe('menu', () => {
  it('has a Go menu with one shortcut per view, and the usual menus', () => {
    const went: string[] = [];
    const template = menuTemplate('linux', 'SkipViT Studio', { go: (v) => went.push(v), openWorkspace: () => {} }, false);
    expect(template.map((m) => m.label)).toEqual(['&File', '&Edit', '&Go', '&View', '&Window', '&Help']);
    const goMenu = template.find((m) => m.label === '&Go')!.submenu as { label: string; accelerator: string; click: () => void }[];
    expect(goMenu.map((i) => i.accelerator)).toEqual(MENU_VIEWS.map((_, i) => `CmdOrCtrl+${i + 1}`));
    goMenu[2].click();
    expect(went).toEqual(['compare']);
    const view = template.find((m) => m.label === '&View')!.submenu as { role?: string }[];
    expect(view.some((i) => i.role === 'toggleDevTools')).toBe(false);
    expect(menuTemplate('darwin', 'SkipViT Studio', { go: () => {}, openWorkspace: () => {} }, true)[0].label).toBe('SkipViT Studio');
  });

  it('is installed, and Go opens the view in the window', () => {
    const f = fakeElectron();
    const shell = start(f);
    const goMenu = (f.menu as { label: string; submenu: { label: string; click: () => void }[] }[]).find((m) => m.label === '&Go')!;
    goMenu.submenu.find((i) => i.label === 'Search')!.click();
    expect(shell.window()).toBe(f.windows[0]);
    expect(f.windows[0].loaded.at(-1)).toBe('app://studio/index.html#/search');
    const file = (f.menu as { label: string; submenu: { label?: string; click?: () => void }[] }[]).find((m) => m.label === '&File')!;
    file.submenu[0].click!();
    expect(f.opened).toEqual([path.join(tmp, 'workspace')]);
  });
});

describe('window state', () => {
  it('is saved on close and restored on the next start', async () => {
    const f = fakeElectron();
    start(f);
    const win = f.windows[0];
    win.bounds = { x: 100, y: 80, width: 1000, height: 700 };
    win.maximized = true;
    win.emit('close');
    expect(loadWindowState(path.join(tmp, 'window-state.json'))).toEqual({
      bounds: { x: 100, y: 80, width: 1000, height: 700 },
      maximized: true,
    });

    const g = fakeElectron();
    start(g);
    expect(g.windows[0].options).toMatchObject({ x: 100, y: 80, width: 1000, height: 700 });
    expect(g.windows[0].maximized).toBe(true);
  });

  it('falls back to a centred window when the saved place is off every display', () => {
    const area = { x: 0, y: 0, width: 1920, height: 1080 };
    expect(restoreBounds({ bounds: { x: 5000, y: 5000, width: 800, height: 600 }, maximized: false }, [area])).toEqual({
      x: 280,
      y: 90,
      width: 1360,
      height: 900,
    });
    expect(restoreBounds({ bounds: { x: 10, y: 10, width: 4000, height: 3000 }, maximized: false }, [area])).toEqual({
      x: 10,
      y: 10,
      width: 1920,
      height: 1080,
    });
    expect(restoreBounds(null, [{ x: 0, y: 0, width: 1024, height: 700 }])).toEqual({ x: 0, y: 0, width: 1024, height: 700 });
  });
});

describe('lifecycle', () => {
  it('quits when the window closes (not on macOS), closing the API and the IPC handlers first', async () => {
    const f = fakeElectron();
    start(f);
    if (process.platform !== 'darwin') {
      f.app.emit('window-all-closed');
      expect(f.app.quitCalls).toBe(1);
    } else {
      f.electron.app.quit();
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(f.handlers.size).toBe(0);
    expect(f.app.quitCalls).toBe(2);
  });

  it('reads --workspace from the command line', () => {
    expect(workspaceFlag(['electron', '.', '--workspace', '/w'])).toBe('/w');
    expect(workspaceFlag(['electron', '.', '--workspace=/x'])).toBe('/x');
    expect(workspaceFlag(['electron', '.'])).toBeUndefined();
  });
});
