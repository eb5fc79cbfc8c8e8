/**
 * The built main process (out/main/index.js, as `npm run build` makes it) started in plain Node with
 * `electron` faked: it opens the workspace, shows one window on app://, serves the built renderer with
 * the CSP, and answers IPC from that window, the system probe running in the bundled job worker.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_PREFIX } from '../../src-main/app/contract/calls';
import { APP_URL, CSP } from '../../src-main/app/electron/security';
import { buildStudio, ROOT } from '../e2e/harness';
import type { FakeElectron } from './fake-electron';

const state = vi.hoisted(() => ({ fake: null as FakeElectron | null, dir: '' }));

vi.mock('electron', async () => {
  const { fakeElectron } = await import('./fake-electron');
  state.fake = fakeElectron(state.dir);
  return state.fake.electron;
});

beforeAll(async () => {
  await buildStudio();
  state.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipvit-bundle-'));
  process.env.SKIPVIT_WORKSPACE = path.join(state.dir, 'workspace');
  await import(path.join(ROOT, 'out', 'main', 'index.js'));
  await vi.waitFor(() => expect(state.fake?.windows.length).toBe(1));
}, 240_000);

afterAll(async () => {
  state.fake?.electron.app.quit();
  await vi.waitFor(() => expect(state.fake?.handlers.size).toBe(0));
  fs.rmSync(state.dir, { recursive: true, force: true });
});

describe('the built main process', () => {
  it('opens one sandboxed window on the app page, with the bundled preload', () => {
    const win = state.fake!.windows[0];
    expect(win.loaded).toEqual([APP_URL]);
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(win.options.webPreferences.preload).toBe(path.join(ROOT, 'out', 'preload', 'index.cjs'));
    expect(fs.existsSync(win.options.webPreferences.preload)).toBe(true);
  });

  it('serves the built renderer over app:// with the CSP, the page carrying the same policy', async () => {
    const res = await state.fake!.protocolHandlers.get('app')!({ url: APP_URL });
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    const html = await res.text();
    expect(html).toContain(`content="${CSP.replace("; frame-ancestors 'none'", '')}"`);
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1];
    const js = await state.fake!.protocolHandlers.get('app')!({ url: `app://studio/${script}` });
    expect(js.status).toBe(200);
  });

  it('answers IPC from its window, running the probe in the bundled job worker', async () => {
    const win = state.fake!.windows[0];
    const systemInfo = state.fake!.handlers.get(`${IPC_PREFIX}systemInfo`)!;
    const r = (await systemInfo({ sender: win.webContents, senderFrame: { url: APP_URL } }, {})) as {
      ok: boolean;
      data: { backend: { name: string }; workspace: string };
    };
    expect(r.ok).toBe(true);
    expect(r.data.backend.name).toMatch(/^(wasm|cpu|tensorflow|webgl|webgpu)$/);
    expect(r.data.workspace).toBe(path.join(state.dir, 'workspace'));
  }, 120_000);
});
