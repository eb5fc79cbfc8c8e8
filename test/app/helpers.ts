/** Shared helpers of the app tests: temp workspaces, a runner over the test registry, file snapshots. */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openStudioApi, type OpenOptions, type StudioApi } from '../../src-main/app/api/open';
import { kinds, KINDS_URL } from './fixtures/test-kinds';

const dirs: string[] = [];
const apis: StudioApi[] = [];

afterEach(async () => {
  for (const api of apis.splice(0)) await api.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'skipvit-app-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** A studio API over a fresh (or given) workspace with the test job kinds. */
export function openTestApi(opts: Partial<OpenOptions> = {}): StudioApi {
  const api = openStudioApi({ workspaceDir: tempDir(), demoModels: null, registry: kinds, registryUrl: KINDS_URL, ...opts });
  apis.push(api);
  return api;
}

/** Every file under dir with its content hash-free fingerprint (size + mtime), to prove nothing changed. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        out[path.relative(dir, p) + '/'] = 'dir';
        walk(p);
      } else {
        const st = fs.statSync(p);
        out[path.relative(dir, p)] = `${st.size}:${st.mtimeMs}:${fs.readFileSync(p, 'utf8').length}`;
      }
    }
  };
  walk(dir);
  return out;
}

export async function until(check: () => boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A model folder as the core writes it (model.json with the skipvit block; weights as bytes). */
export function writeModel(dir: string, meta: Record<string, unknown>): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.alloc(64));
  fs.writeFileSync(
    path.join(dir, 'model.json'),
    JSON.stringify({ format: 'skipvit', modelTopology: { skipvit: { schemaVersion: 1, ...meta } }, weightsManifest: [] }),
  );
}

/**
 * One HTTP request to 127.0.0.1 with full control of the headers (Host included) and of how the body is
 * sent (chunks written one after another); resolves with the answer, or with the transport error.
 */
export function rawRequest(opts: {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: (string | Buffer)[];
}): Promise<{ status: number; body: string } | Error> {
  return new Promise((resolve) => {
    const headers = opts.headers ?? {};
    const req = http.request(
      {
        host: '127.0.0.1',
        port: opts.port,
        path: opts.path,
        method: opts.method ?? 'POST',
        headers,
        agent: false,
        setHost: !('Host' in headers),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', resolve);
      },
    );
    req.on('error', resolve);
    const chunks = opts.body ?? [];
    const write = (i: number) => {
      if (i >= chunks.length) return req.end();
      if (req.destroyed) return;
      req.write(chunks[i], () => write(i + 1));
    };
    write(0);
  });
}
