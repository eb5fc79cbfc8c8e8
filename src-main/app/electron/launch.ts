/**
 * `npm start`: build, then open the studio in Electron. Where Electron's binary is missing (its
 * postinstall is not allowed to run, or ran offline), Electron's own installer is tried once; if that
 * cannot fetch it either, the headless studio (`skipvit serve`, with the demo models) starts instead,
 * and says why and where to open it. Plain Node: no Electron import.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The Electron executable the `electron` package would run, or null when it is not on disk. */
export function electronBinary(electronDir: string, env: NodeJS.ProcessEnv = process.env): string | null {
  let rel: string | null = null;
  try {
    rel = fs.readFileSync(path.join(electronDir, 'path.txt'), 'utf8').trim();
  } catch {
    // never installed
  }
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, rel || 'electron');
    return fs.existsSync(p) ? p : null;
  }
  if (!rel) return null;
  const p = path.join(electronDir, 'dist', rel);
  return fs.existsSync(p) ? p : null;
}

export type Installer = () => { ok: boolean; reason: string };

/** Runs Electron's own installer (node_modules/electron/install.js), quietly, with a time limit. */
export function electronInstaller(electronDir: string, timeoutMs = 300_000): Installer {
  return () => {
    const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
      encoding: 'utf8',
      timeout: timeoutMs,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (r.error) return { ok: false, reason: r.error.message };
    if (r.status === 0) return { ok: true, reason: '' };
    const first = `${r.stderr ?? ''}\n${r.stdout ?? ''}`
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim();
    return { ok: false, reason: first ?? `install.js exited with status ${r.status}` };
  };
}

export type LaunchPlan = { mode: 'electron'; binary: string } | { mode: 'serve'; reason: string };

/** Electron when its binary is there (or its installer gets it), else serve mode with the reason. */
export function chooseLaunch(electronDir: string, install: Installer, env: NodeJS.ProcessEnv = process.env): LaunchPlan {
  const present = electronBinary(electronDir, env);
  if (present) return { mode: 'electron', binary: present };
  if (!fs.existsSync(path.join(electronDir, 'package.json'))) {
    return { mode: 'serve', reason: 'the electron package is not installed (npm install --include=dev)' };
  }
  const result = install();
  const after = electronBinary(electronDir, env);
  if (after) return { mode: 'electron', binary: after };
  const why = result.ok ? 'its installer finished but left no binary' : `its installer could not fetch it (${result.reason})`;
  return { mode: 'serve', reason: `Electron's binary is not in ${path.join(electronDir, 'dist')} and ${why}` };
}

/** Runs a child to its end, passing Ctrl-C on; `quiet` sends its stdout to our stderr. */
function run(cmd: string, args: string[], cwd: string, quiet = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: quiet ? ['inherit', 2, 'inherit'] : 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/**
 * The launcher's whole run; `args` go to Electron (e.g. --workspace DIR) or to `skipvit serve`. The build
 * logs to stderr, so in serve mode the first line on stdout is still the studio's URL.
 */
export async function launch(
  root: string,
  args: string[],
  log: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Promise<number> {
  log('building the studio (electron-vite build)...');
  const built = await run(
    process.execPath,
    [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    root,
    true,
  );
  if (built !== 0) {
    log(`the build failed (exit status ${built}); see above`);
    return built;
  }
  const electronDir = path.join(root, 'node_modules', 'electron');
  const plan = chooseLaunch(electronDir, electronInstaller(electronDir));
  if (plan.mode === 'electron') return run(plan.binary, [root, ...args], root);
  log(`cannot open the desktop window: ${plan.reason}.`);
  log('starting the headless studio instead (`skipvit serve`, demo models included): open the URL it prints below in a browser.');
  return run(process.execPath, [path.join(root, 'bin', 'skipvit.mjs'), 'serve', ...args], root);
}
