/**
 * `npm start`'s choice: Electron when its binary is on disk or its installer can fetch it, else serve
 * mode with the reason. Also the electron-builder configuration, checked against electron-builder's schema.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseLaunch, electronBinary } from '../../src-main/app/electron/launch';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipvit-electron-'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"electron","version":"45.5.0"}');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function putBinary(): string {
  fs.writeFileSync(path.join(dir, 'path.txt'), 'electron');
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dist', 'electron'), '');
  return path.join(dir, 'dist', 'electron');
}

describe('npm start', () => {
  it('chooses serve mode, saying why, when there is no binary and the installer cannot fetch one', () => {
    let tries = 0;
    const plan = chooseLaunch(dir, () => (tries++, { ok: false, reason: 'TypeError: fetch failed' }), {});
    expect(tries).toBe(1);
    expect(plan.mode).toBe('serve');
    expect(plan.mode === 'serve' && plan.reason).toContain('fetch failed');
    expect(plan.mode === 'serve' && plan.reason).toContain(path.join(dir, 'dist'));
  });

  it('opens Electron when the binary is there, without running the installer', () => {
    const binary = putBinary();
    const plan = chooseLaunch(
      dir,
      () => {
        throw new Error('must not install');
      },
      {},
    );
    expect(plan).toEqual({ mode: 'electron', binary });
  });

  it('opens Electron when the installer fetched it', () => {
    const plan = chooseLaunch(dir, () => (putBinary(), { ok: true, reason: '' }), {});
    expect(plan.mode).toBe('electron');
  });

  it('falls back to serve when the electron package itself is missing', () => {
    fs.rmSync(path.join(dir, 'package.json'));
    const plan = chooseLaunch(dir, () => ({ ok: true, reason: '' }), {});
    expect(plan.mode).toBe('serve');
  });

  it('finds the binary where this machine has it: nowhere, so the real launcher would serve', () => {
    const real = path.resolve('node_modules/electron');
    expect(electronBinary(dir, {})).toBeNull();
    expect(electronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: path.join(dir, 'nope') })).toBeNull();
    if (!fs.existsSync(path.join(real, 'dist'))) expect(electronBinary(real, {})).toBeNull();
  });
});

describe('electron-builder configuration', () => {
  it('passes its schema and targets Linux (AppImage, deb), macOS (dmg) and Windows (nsis) with resources packed', async () => {
    const { getConfig, validateConfiguration } = await import('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = await import('builder-util/out/DebugLogger.js');
    const config = await getConfig(path.resolve('.'), null, null);
    await validateConfiguration(config, new DebugLogger(false));
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toBe('dmg');
    expect(config.win?.target).toBe('nsis');
    const files = JSON.stringify(config.files);
    for (const f of ['out/**', 'resources/**', 'package.json']) expect(files).toContain(f);
    expect(fs.existsSync(path.resolve(String(config.linux?.icon)))).toBe(true);
  });
});
