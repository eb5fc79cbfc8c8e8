/**
 * What the end-to-end tests drive: a fresh build of the renderer, `skipvit serve` on a temporary
 * workspace, Debian's Chromium through playwright-core, and the checks every view gets (non-blank
 * screenshot, accessibility, no CSP violation, no page error).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import axe from 'axe-core';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PNG } from 'pngjs';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'test-artifacts', 'screenshots');
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Builds out/ (renderer included) with electron-vite, as `npm run build` does, once per test run:
 * test files run in parallel processes of one vitest run (same parent), so the first builds under a
 * lock and leaves a marker the others find, and nobody rebuilds out/ while another file uses it.
 */
export async function buildStudio(): Promise<void> {
  const out = path.join(ROOT, 'out');
  const marker = path.join(out, `.built-for-${process.ppid}`);
  const lock = path.join(out, '.build-lock');
  fs.mkdirSync(out, { recursive: true });
  for (const started = Date.now(); ;) {
    if (fs.existsSync(marker)) return;
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 240_000) throw new Error('waited 4 minutes for another build of out/');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (fs.existsSync(marker)) return;
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stdout}\n${r.stderr}`);
    for (const f of fs.readdirSync(out)) if (f.startsWith('.built-for-')) fs.rmSync(path.join(out, f), { force: true });
    fs.writeFileSync(marker, new Date().toISOString());
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export interface Served {
  url: string;
  origin: string;
  token: string;
  workspace: string;
  stderr: string[];
  stop(): Promise<void>;
}

/** Starts `skipvit serve --workspace <tmp> --port 0` and reads the URL from its first stdout line. */
export async function startServe(workspace: string): Promise<Served> {
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(ROOT, 'bin', 'skipvit.mjs'), 'serve', '--workspace', workspace, '--port', '0'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stderr: string[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 60 s:\n${stderr.join('\n')}`)), 60_000);
    readline.createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${stderr.join('\n')}`)));
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token')!,
    workspace,
    stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** One API call over HTTP, for test set-up and for checking what the UI did. */
export async function call<T>(served: Served, name: string, input: unknown = {}): Promise<T> {
  const res = await fetch(`${served.origin}/api/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${served.token}` },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; data?: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
  return body.data as T;
}

export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'skipvit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Page errors and CSP violations seen by a page; the tests require both lists to stay empty. */
export function watchProblems(page: Page): { errors: string[]; csp: string[] } {
  const problems = { errors: [] as string[], csp: [] as string[] };
  page.on('pageerror', (e) => problems.errors.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) problems.csp.push(m.text());
    else if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.errors.push(m.text());
  });
  return problems;
}

/** A full-page screenshot under test-artifacts/screenshots, checked to be more than one flat colour. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: true });
  const stats = pngStats(fs.readFileSync(file));
  if (stats.stddev < 5 || stats.colours < 16)
    throw new Error(`screenshot ${name} looks blank (luminance sd ${stats.stddev.toFixed(1)}, ${stats.colours} colours)`);
  return file;
}

/** Luminance spread and number of distinct colours of a PNG. */
export function pngStats(buffer: Buffer): { stddev: number; colours: number; width: number; height: number } {
  const png = PNG.sync.read(buffer);
  let sum = 0;
  let sq = 0;
  const colours = new Set<number>();
  const n = png.width * png.height;
  for (let i = 0; i < n; i++) {
    const r = png.data[i * 4];
    const g = png.data[i * 4 + 1];
    const b = png.data[i * 4 + 2];
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    sum += y;
    sq += y * y;
    if (colours.size < 4096) colours.add((r << 16) | (g << 8) | b);
  }
  const mean = sum / n;
  return { stddev: Math.sqrt(Math.max(0, sq / n - mean * mean)), colours: colours.size, width: png.width, height: png.height };
}

/**
 * axe-core on the current page (WCAG 2 A and AA): every control named, labels, ARIA use, contrast.
 * Returns one line per violation.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const result = await page.evaluate(async () => {
    const a = (window as unknown as { axe: typeof axe }).axe;
    const r = await a.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(' ')})`);
  });
  return result;
}

/** Every button, link, input and select has an accessible name (our own check, beside axe's). */
export async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, a[href], input, select, textarea, [role="button"]')) {
      if (el.closest('[aria-hidden="true"]') || (el as HTMLInputElement).type === 'hidden') continue;
      const labelled =
        el.getAttribute('aria-label') ||
        (el.getAttribute('aria-labelledby') ?? '')
          .split(/\s+/)
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join('')
          .trim() ||
        ((el as HTMLInputElement).labels?.length ?? 0) > 0 ||
        (el.tagName === 'BUTTON' || el.tagName === 'A' ? el.textContent?.trim() : '') ||
        el.getAttribute('title');
      if (!labelled) out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  });
}

/** Waits until a run shown by RunProgress reaches one of the statuses. */
export async function waitForRunStatus(page: Page, runId: string, statuses: string[], timeoutMs: number): Promise<string> {
  const selector = statuses.map((s) => `.progress[data-run="${runId}"][data-status="${s}"]`).join(', ');
  await page.locator(selector).first().waitFor({ timeout: timeoutMs });
  return (await page.locator(`.progress[data-run="${runId}"]`).first().getAttribute('data-status'))!;
}

/**
 * After a form's start button: the id of the run it opened (a `run` in the hash other than `previous`).
 * Fails at once with the form's message when the form shows one instead.
 */
export async function startedRun(page: Page, previous?: string): Promise<string> {
  const outcome = await page.waitForFunction((prev) => {
    const run = new URLSearchParams(location.hash.split('?')[1] ?? '').get('run');
    if (run && run !== prev) return { run };
    const alert = document.querySelector('form [role="alert"]');
    return alert?.textContent ? { alert: alert.textContent } : null;
  }, previous ?? null);
  const { run, alert } = (await outcome.jsonValue()) as { run?: string; alert?: string };
  if (!run) throw new Error(`the form refused to start: ${alert}`);
  return run;
}
