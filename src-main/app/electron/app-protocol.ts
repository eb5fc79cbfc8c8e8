/**
 * `app://studio/...`: the built renderer served from its folder with the CSP as a real header, instead
 * of file:// (which gives every page the whole disk's origin). Paths outside the folder are refused;
 * unknown paths fall back to index.html, since the renderer routes itself.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CSP } from './security';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

export async function appProtocolResponse(rendererDir: string, requestUrl: string): Promise<Response> {
  const headers = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' };
  const url = new URL(requestUrl);
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    return new Response('bad path', { status: 400, headers });
  }
  const base = path.resolve(rendererDir);
  let file = path.resolve(base, '.' + path.posix.normalize('/' + rel));
  if (!file.startsWith(base + path.sep)) return new Response('outside the app', { status: 403, headers });
  if (!(await isFile(file))) file = path.join(base, 'index.html');
  if (!(await isFile(file))) return new Response('the renderer is not built: run `npm run build`', { status: 404, headers });
  const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return new Response(new Uint8Array(await readFile(file)), { status: 200, headers: { ...headers, 'Content-Type': type } });
}
