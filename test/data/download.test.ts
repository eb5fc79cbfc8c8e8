import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { create } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { DataError, downloadFile, fetchDataset, listDatasets, loadDataset, type FetchProgress } from '../../src-main/core/data/index';
import { tempDir, writeCifar10, writeTinyImageNet } from './fixtures';
import { startServer, type TestServer } from './http-server';

const tmp = tempDir();
const md5 = (f: string) => createHash('md5').update(readFileSync(f)).digest('hex');
let server: TestServer;
let cifar: string;
let tiny: string;

beforeAll(async () => {
  const src = path.join(tmp.dir, 'src');
  writeCifar10(src, 40);
  cifar = path.join(tmp.dir, 'cifar-10-binary.tar.gz');
  await create({ gzip: true, file: cifar, cwd: src, portable: true }, ['cifar-10-batches-bin']);
  writeTinyImageNet(src, ['n01443537', 'n01629819'], 2, 2);
  tiny = path.join(tmp.dir, 'tiny-imagenet-200.zip');
  const zip = new yazl.ZipFile();
  const add = (rel: string) => {
    const full = path.join(src, rel);
    if (statSync(full).isDirectory()) readdirSync(full).forEach((n) => add(path.join(rel, n)));
    else zip.addFile(full, rel);
  };
  add('tiny-imagenet-200');
  zip.end();
  await new Promise<void>((resolve) => zip.outputStream.pipe(createWriteStream(tiny)).on('close', () => resolve()));
  server = await startServer({
    '/cifar.tar.gz': { file: cifar },
    '/cut.tar.gz': { file: cifar, cutAfter: Math.floor(statSync(cifar).size / 2) },
    '/always-cut.tar.gz': { file: cifar, cutAfter: 1000, cutTimes: 100 },
    '/tiny.zip': { file: tiny },
    '/stall.tar.gz': { file: cifar, stallAfter: 500 },
  });
});
afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

/** Root folder contents, ignoring nothing: a failed fetch must leave no dataset folder behind. */
const entries = (root: string) => (existsSync(root) ? readdirSync(root).sort() : []);

describe('fetchDataset against a local HTTP server', () => {
  it('downloads with progress, verifies, extracts and puts the folder in place; list then shows it', async () => {
    const root = path.join(tmp.dir, 'root-ok');
    const phases = new Set<string>();
    let last: FetchProgress | undefined;
    const r = await fetchDataset('cifar10', {
      root, url: server.url('/cifar.tar.gz'), checksum: { algorithm: 'md5', hex: md5(cifar) },
      onProgress: (p) => {
        phases.add(p.phase);
        if (p.phase === 'download') last = p;
      },
    });
    expect(r).toEqual({ name: 'cifar10', path: path.join(root, 'cifar10'), alreadyPresent: false });
    expect([...phases]).toEqual(['download', 'verify', 'extract']);
    expect(last).toEqual({ phase: 'download', done: statSync(cifar).size, total: statSync(cifar).size });
    expect(entries(root)).toEqual(['.downloads', 'cifar10']);
    expect(entries(path.join(root, '.downloads'))).toEqual([]);
    const ds = await loadDataset('cifar10', { root, valFraction: 0 });
    expect([ds.train.count, ds.test.count]).toEqual([200, 40]);
    const listed = listDatasets(root).find((d) => d.name === 'cifar10')!;
    expect(listed).toMatchObject({ present: true, source: 'download', path: path.join(root, 'cifar10') });
    expect(listed.sizeBytes).toBe(240 * 3073 + 61); // 6 files of 40 records + batches.meta.txt
    expect((await fetchDataset('cifar10', { root })).alreadyPresent).toBe(true);
  });

  it('a download whose checksum does not match is discarded', async () => {
    const root = path.join(tmp.dir, 'root-bad-sum');
    const err = await fetchDataset('cifar10', { root, url: server.url('/cifar.tar.gz') }).catch((e) => e);
    const dest = path.join(root, '.downloads', 'cifar-10-binary.tar.gz');
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe(`${dest}: checksum mismatch: md5 ${md5(cifar)}, expected c32a1d4ab5d03f1284b67883e8d87530; the download was discarded`);
    expect(entries(path.join(root, '.downloads'))).toEqual([]);
    expect(entries(root)).toEqual(['.downloads']);
    expect(listDatasets(root).find((d) => d.name === 'cifar10')!.present).toBe(false);
  });

  it('a download cut off half way is resumed with a Range request, then verified', async () => {
    const root = path.join(tmp.dir, 'root-cut');
    const half = Math.floor(statSync(cifar).size / 2);
    const before = server.log.length;
    await fetchDataset('cifar10', { root, url: server.url('/cut.tar.gz'), checksum: { algorithm: 'md5', hex: md5(cifar) } });
    expect(server.log.slice(before)).toEqual([{ route: '/cut.tar.gz' }, { route: '/cut.tar.gz', range: `bytes=${half}-` }]);
    expect((await loadDataset('cifar10', { root, valFraction: 0 })).train.count).toBe(200);
  });

  it('keeps the part of a download that keeps failing, and a later run resumes from it', async () => {
    const root = path.join(tmp.dir, 'root-part');
    const err = await fetchDataset('cifar10', { root, url: server.url('/always-cut.tar.gz'), checksum: { algorithm: 'md5', hex: md5(cifar) } }).catch((e) => e);
    const part = path.join(root, '.downloads', 'cifar-10-binary.tar.gz.part');
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(new RegExp(`^${part}: download from .* failed .*; 4000 bytes kept, run again to resume$`));
    expect(entries(root)).toEqual(['.downloads']);
    const before = server.log.length;
    await fetchDataset('cifar10', { root, url: server.url('/cifar.tar.gz'), checksum: { algorithm: 'md5', hex: md5(cifar) } });
    expect(server.log.slice(before)).toEqual([{ route: '/cifar.tar.gz', range: 'bytes=4000-' }]);
    expect(entries(root)).toEqual(['.downloads', 'cifar10']);
  });

  it('fetches and extracts the Tiny-ImageNet .zip', async () => {
    const root = path.join(tmp.dir, 'root-tiny');
    const sha = createHash('sha256').update(readFileSync(tiny)).digest('hex');
    await fetchDataset('tiny-imagenet', { root, url: server.url('/tiny.zip'), checksum: { algorithm: 'sha256', hex: sha } });
    const ds = await loadDataset('tiny-imagenet', { root, valFraction: 0 });
    expect([ds.train.count, ds.test.count, ds.info.classNames.length]).toEqual([4, 2, 2]);
  });

  it('a stalled connection fails after the idle timeout instead of hanging, keeping what arrived', async () => {
    const dest = path.join(tmp.dir, 'stall', 'x.tar.gz');
    // The idle timeout's own message is the outcome (a hang would time the test out); its speed is no claim here.
    const err = await downloadFile({ url: server.url('/stall.tar.gz'), dest, checksum: { algorithm: 'md5', hex: md5(cifar) }, attempts: 1, idleTimeoutMs: 300 }).catch((e) => e);
    expect(err.message).toBe(`${dest}.part: download from ${server.url('/stall.tar.gz')} failed (no data for 0.3 s); 500 bytes kept, run again to resume`);
    expect(existsSync(dest)).toBe(false);
  });

  it('an HTTP error names the address; a non-downloadable name is refused', async () => {
    const root = path.join(tmp.dir, 'root-404');
    await expect(fetchDataset('cifar100', { root, url: server.url('/missing.tar.gz') })).rejects.toThrow(`${server.url('/missing.tar.gz')}: HTTP 404 Not Found`);
    await expect(fetchDataset('mnist', { root })).rejects.toThrow('dataset "mnist" has no download');
  });
});

describe('skipvit datasets CLI', () => {
  const run = promisify(execFile);
  const cli = path.resolve('bin/skipvit.mjs');

  it('fetch --url --md5 then list --json', async () => {
    const root = path.join(tmp.dir, 'root-cli');
    mkdirSync(root);
    const env = { ...process.env, SKIPVIT_DATA: root };
    const f = await run('node', [cli, 'datasets', 'fetch', 'cifar10', '--url', server.url('/cifar.tar.gz'), '--md5', md5(cifar), '--json'], { env });
    expect(JSON.parse(f.stdout)).toEqual({ name: 'cifar10', path: path.join(root, 'cifar10'), alreadyPresent: false });
    const l = await run('node', [cli, 'datasets', 'list', '--json'], { env });
    const { datasets } = JSON.parse(l.stdout);
    expect(datasets.map((d: { name: string }) => d.name)).toEqual(['fashion-mnist', 'mnist', 'cifar10', 'cifar100', 'tiny-imagenet']);
    expect(datasets[2]).toMatchObject({ name: 'cifar10', present: true, path: path.join(root, 'cifar10') });
    expect(datasets[3]).toMatchObject({ name: 'cifar100', present: false, sizeBytes: 0 });
    expect(datasets[0].present).toBe(true); // Debian's copy or the embedded subset
    const bad = await run('node', [cli, 'datasets', 'fetch', 'cifar100', '--url', server.url('/cifar.tar.gz')], { env }).catch((e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr.split('\n').at(-2)).toMatch(/^skipvit datasets: .*cifar-100-binary\.tar\.gz: checksum mismatch: md5 [0-9a-f]{32}, expected 03b5dce01913d631647c71ecec9e9cb8; the download was discarded$/);
  });
});
