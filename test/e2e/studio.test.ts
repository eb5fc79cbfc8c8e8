/**
 * The studio end to end: Debian's Chromium (playwright-core) against `skipvit serve` on a temporary
 * workspace. Each view is used the way a person would, its screenshot is kept under
 * test-artifacts/screenshots (checked non-blank), and each passes an accessibility check with no CSP
 * violation and no page error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSummary, SystemInfo } from '../../src-main/app/contract/api';
import {
  accessibilityViolations,
  buildStudio,
  call,
  launchChromium,
  pngStats,
  ROOT,
  screenshot,
  startedRun,
  startServe,
  unnamedControls,
  waitForRunStatus,
  watchProblems,
  type Served,
} from './harness';

let served: Served;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let problems: { errors: string[]; csp: string[] };
let workspace: string;
let info: SystemInfo;
/** The dynamic model the Compare, Skips and Search steps use. */
let dynamicModel: string;

beforeAll(async () => {
  await buildStudio();
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'skipvit-e2e-'));
  served = await startServe(workspace);
  browser = await launchChromium();
  page = await browser.context.newPage();
  problems = watchProblems(page);
  info = await call<SystemInfo>(served, 'systemInfo');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
}, 60_000);

async function open(view: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: view, exact: true }).click();
  await page.locator(`main[data-view="${view.toLowerCase()}"]`).waitFor();
}

/** The checks every view gets once its content is there. */
async function checkView(name: string): Promise<void> {
  await screenshot(page, name);
  expect(await unnamedControls(page), `unnamed controls in ${name}`).toEqual([]);
  expect(await accessibilityViolations(page), `accessibility of ${name}`).toEqual([]);
  expect(problems.csp, 'CSP violations').toEqual([]);
  expect(problems.errors, 'page errors').toEqual([]);
}

async function download(trigger: () => Promise<void>): Promise<Buffer> {
  const [d] = await Promise.all([page.waitForEvent('download'), trigger()]);
  return fs.readFileSync((await d.path())!);
}

describe('studio in Chromium against skipvit serve', () => {
  it('Home shows the demo models, the backend and the hardware', async () => {
    // A model whose training has not finished (best-so-far weights, marked incomplete) is shown as such.
    const partial = path.join(workspace, 'models', 'partial');
    fs.cpSync(path.join(ROOT, 'resources', 'models', 'fashion-mnist-micro-static'), partial, { recursive: true });
    const json = JSON.parse(fs.readFileSync(path.join(partial, 'model.json'), 'utf8'));
    json.modelTopology.skipvit.complete = false;
    fs.writeFileSync(path.join(partial, 'model.json'), JSON.stringify(json));
    await page.goto(served.url);
    await page.getByRole('heading', { name: 'Demo models' }).waitFor();
    const demoDirs = fs.existsSync(path.join(ROOT, 'resources', 'models'))
      ? fs
          .readdirSync(path.join(ROOT, 'resources', 'models'))
          .filter((d) => fs.existsSync(path.join(ROOT, 'resources', 'models', d, 'model.json')))
      : [];
    expect(demoDirs.length, 'resources/models holds demo models').toBeGreaterThan(0);
    // The heading comes before the list has loaded (a loaded machine showed it once): wait for each row, then count.
    for (const d of demoDirs) {
      const row = page.locator(`tr[data-model="demo:${d}"]`);
      await row.first().waitFor();
      await expect(row.count()).resolves.toBe(1);
    }
    await expect(page.locator('tr[data-model="partial"]').textContent()).resolves.toMatch(/\(in progress\).*when its training ends/s);
    await expect(page.getByTestId('backend-name').textContent()).resolves.toBe(info.backend.name);
    for (const n of info.backend.notUsed) await page.getByText(n.reason, { exact: false }).first().waitFor();
    // Keyboard: the views are reachable with Tab from the top of the page.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Train');
    await checkView('home');
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = pngStats(fs.readFileSync(await screenshot(page, 'home-dark')));
    expect(dark.stddev).toBeGreaterThan(5);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(21, 23, 28)');
    expect(await accessibilityViolations(page), 'accessibility of home in the dark theme').toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('Train: a short job runs to 100% with live curves; another is cancelled', async () => {
    await open('Train');
    await page.locator('[data-testid="dataset-status"][aria-busy="false"]').waitFor();
    await page.getByLabel('Training images').fill('256');
    await page.getByLabel('Epochs').fill('1');
    await page.getByLabel('Name').fill('e2e static');
    await page.getByRole('button', { name: 'Start training' }).click();
    const first = await startedRun(page);
    expect(await waitForRunStatus(page, first, ['succeeded', 'failed'], 240_000)).toBe('succeeded');
    await expect(page.getByRole('progressbar', { name: /Progress of/ }).getAttribute('aria-valuenow')).resolves.toBe('100');
    await page.getByRole('img', { name: 'Chart: Loss' }).waitFor();
    await page.getByRole('img', { name: 'Chart: Accuracy' }).waitFor();
    await checkView('train');

    // A second, longer run: cancel it while it runs; it can then be resumed.
    await page.getByLabel('Training images').fill('4000');
    await page.getByLabel('Epochs').fill('20');
    await page.getByLabel('Name').fill('e2e cancelled');
    await page.getByRole('button', { name: 'Start training' }).click();
    const second = await startedRun(page, first);
    await waitForRunStatus(page, second, ['running'], 120_000);
    await page.getByRole('button', { name: /^Cancel / }).click();
    expect(await waitForRunStatus(page, second, ['cancelled', 'failed'], 60_000)).toBe('cancelled');
    await page.getByRole('button', { name: /^Resume / }).waitFor();
    await screenshot(page, 'train-cancelled');
    const runs = await call<{ runs: { id: string; status: string }[] }>(served, 'runsList', { kind: 'train' });
    expect(runs.runs.find((r) => r.id === second)?.status).toBe('cancelled');
  });

  it('has a dynamic model to compare (a demo one, else an agent trained here)', async () => {
    const { models } = await call<{ models: ModelSummary[] }>(served, 'modelsList');
    const demo = models.find((m) => m.source === 'demo' && m.kind === 'dynamic');
    if (demo) {
      dynamicModel = demo.id;
      return;
    }
    const base = models.find((m) => m.kind === 'static')!;
    const { run } = await call<{ run: { id: string } }>(served, 'jobsStart', {
      kind: 'agent',
      params: { model: base.id, epochs: 1, maxTrainSamples: 256 },
    });
    for (let i = 0; i < 240; i++) {
      const d = await call<{ status: string; outputModelId?: string; error?: string }>(served, 'runsGet', { id: run.id });
      if (d.status === 'succeeded') {
        dynamicModel = d.outputModelId!;
        return;
      }
      if (d.status !== 'queued' && d.status !== 'running') throw new Error(`agent run ${d.status}: ${d.error}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error('the agent run did not finish in 4 minutes');
  });

  it('Compare: a benchmark fills every card and chart with real values', async () => {
    await open('Compare');
    await page.getByLabel('Dynamic model').selectOption(dynamicModel);
    for (const b of ['64', '128', '256']) await page.getByRole('checkbox', { name: b, exact: true }).uncheck();
    await page.getByLabel('Seconds per batch size').fill('0.3');
    await page.getByRole('button', { name: 'Run benchmark' }).click();
    const bench = await startedRun(page);
    expect(await waitForRunStatus(page, bench, ['succeeded', 'failed'], 300_000)).toBe('succeeded');
    const cards = page.getByTestId('cards');
    await cards.waitFor();
    for (const title of ['Accuracy', 'Throughput', 'p95 latency per batch', 'Peak working memory', 'Mean executed layers']) {
      const card = cards.getByRole('region', { name: title });
      const values = await card.locator('dd').allTextContents();
      expect(values, title).toHaveLength(2);
      for (const v of values) expect(v, `${title}: ${v}`).toMatch(/\d/);
    }
    const result = (await call<{ result: { power: { available: boolean; reason: string | null } } }>(served, 'benchResult', { id: bench }))
      .result;
    if (result.power.available) {
      await cards.getByRole('region', { name: 'Energy per image' }).waitFor();
      await page.getByRole('img', { name: 'Chart: Power over time' }).waitFor();
    } else {
      // This machine has no power source: the UI says so, with the reason from the result.
      const na = page.getByRole('note', { name: 'Energy per image: not available here' });
      await expect(na.textContent()).resolves.toContain(result.power.reason!);
      await page.getByRole('note', { name: 'Power over time: not available here' }).waitFor();
    }
    for (const chart of [
      'Throughput versus batch size',
      'Latency versus batch size',
      'Working memory versus batch size',
      'Speedup against the ideal',
    ]) {
      await page.getByRole('img', { name: `Chart: ${chart}` }).waitFor();
    }
    const csv = (
      await download(() => page.getByRole('button', { name: 'Save the data of "Throughput versus batch size" as CSV' }).click())
    ).toString();
    const rows = csv.trim().split('\n');
    expect(rows[0]).toBe('batchSize,static,dynamic');
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(['1', '8', '32']);
    for (const r of rows.slice(1)) for (const v of r.split(',').slice(1)) expect(Number(v)).toBeGreaterThan(0);
    const png = await download(() => page.getByRole('button', { name: 'Save "Latency versus batch size" as PNG' }).click());
    expect(pngStats(png).stddev).toBeGreaterThan(5);
    await checkView('compare');
  });

  it('Skips: an evaluation shows per-layer and per-class rates and the histogram', async () => {
    await open('Skips');
    await page.getByLabel('Model', { exact: true }).selectOption(dynamicModel);
    await page.getByLabel('Images', { exact: true }).fill('300');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    const run = await startedRun(page);
    expect(await waitForRunStatus(page, run, ['succeeded', 'failed'], 240_000)).toBe('succeeded');
    for (const chart of ['Execution rate per layer', 'Executed layers per image', 'Execution rate per class and layer']) {
      await page.getByRole('img', { name: `Chart: ${chart}` }).waitFor();
    }
    const csv = (
      await download(() => page.getByRole('button', { name: 'Save the data of "Executed layers per image" as CSV' }).click())
    ).toString();
    const counts = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((r) => Number(r.split(',')[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(300);
    const gallery = page.getByTestId('gallery');
    if (await gallery.count()) {
      const strips = await gallery.getByRole('img', { name: /layers: \d+ of \d+ ran/ }).allTextContents();
      expect(strips.length).toBeGreaterThan(0);
    }
    await checkView('skips');
  });

  it('Search: a short NSGA-II search; click a Pareto point, export it, find the files on disk', async (ctx) => {
    if (!info.runner.kinds.includes('search')) {
      ctx.skip(`the runner has no search job yet (kinds: ${info.runner.kinds.join(', ')})`);
      return;
    }
    await open('Search');
    await page.getByLabel('Dynamic model').selectOption(dynamicModel);
    await page.getByLabel('Population').fill('6');
    await page.getByLabel('Generations').fill('2');
    await page.getByLabel('Validation images').fill('200');
    await page.getByLabel('Test images').fill('200');
    await page.getByRole('button', { name: 'Start search' }).click();
    const run = await startedRun(page);
    expect(await waitForRunStatus(page, run, ['succeeded', 'failed'], 300_000)).toBe('succeeded');
    await page.getByRole('img', { name: 'Chart: Hypervolume' }).waitFor();
    await page.getByRole('img', { name: 'Chart: Final front: accuracy versus compute' }).waitFor();
    const point = page.getByRole('button', { name: /^Point \d+: accuracy/ }).last();
    const name = (await point.getAttribute('aria-label'))!;
    const index = Number(/^Point (\d+)/.exec(name)![1]);
    await point.click();
    await page.getByRole('heading', { name: new RegExp(`^Point ${index}\\b`) }).waitFor();
    await page.getByText('Pruned layers').first().waitFor();
    await page.getByRole('button', { name: `Export point ${index}`, exact: true }).click();
    const out = page.getByTestId('export-out');
    await out.waitFor({ timeout: 240_000 });
    const folder = (await out.textContent())!;
    expect(fs.existsSync(path.join(folder, 'config.json')), `${folder}/config.json`).toBe(true);
    expect(fs.existsSync(path.join(folder, 'model.json')), `${folder}/model.json`).toBe(true);
    const config = JSON.parse(fs.readFileSync(path.join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toHaveProperty('schemaVersion');
    // The same point as one ONNX file (the export job checks it in onnxruntime against tfjs).
    await page.getByRole('button', { name: `Export point ${index} as ONNX` }).click();
    const onnx = page.getByTestId('export-onnx');
    await onnx.waitFor({ timeout: 240_000 });
    const file = (await onnx.textContent())!;
    expect(file).toMatch(/model\.onnx$/);
    expect(fs.existsSync(file), file).toBe(true);
    await checkView('search');
  });

  it('Runs: filter, sort, CSV, and open a run', async () => {
    await open('Runs');
    const table = page.getByTestId('runs-table');
    await table.locator('tbody tr').first().waitFor();
    const all = await table.locator('tbody tr').count();
    expect(all).toBeGreaterThanOrEqual(4);
    await page.getByLabel('Kind').selectOption('train');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    await page.getByRole('button', { name: 'Name' }).click();
    const names = await table.locator('tbody tr td:first-child').allTextContents();
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    const csv = (await download(() => page.getByRole('button', { name: 'Download CSV' }).click())).toString();
    expect(csv.split('\n')[0]).toContain('id,name,kind,status');
    expect(csv.trim().split('\n')).toHaveLength(3);
    await page.getByRole('link', { name: 'Details of e2e static' }).click();
    await page.getByRole('heading', { name: 'e2e static' }).waitFor();
    await page.getByRole('heading', { name: 'Result' }).waitFor();
    await checkView('runs');
    await page.getByRole('link', { name: 'Results of e2e static' }).click();
    await page.locator('main[data-view="train"]').waitFor();
    await page.getByRole('img', { name: 'Chart: Loss' }).waitFor();
  });
});
