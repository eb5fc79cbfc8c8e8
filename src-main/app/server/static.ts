/**
 * The built renderer (out/renderer) as static files, with a strict CSP; unknown paths fall back to
 * index.html (the renderer routes itself). Without a build, a small page says how to make one.
 */
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>SkipViT Studio</title>
<body style="font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;line-height:1.5">
<h1>SkipViT Studio</h1>
<p>The server is running, but the studio's user interface is not built, so there is nothing to show here yet.</p>
<p>Build it with <code>npm run build</code> (it writes <code>out/renderer</code>), then restart <code>skipvit serve</code>.</p>
<p>The API works already: <code>POST /api/&lt;call&gt;</code> with the token, and the WebSocket at <code>/api/socket</code>.</p>
</body>`;

export function serveStatic(root: string | null, pathname: string, res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (!root) {
    res.writeHead(200, { 'Content-Type': TYPES['.html'] }).end(NOT_BUILT);
    return;
  }
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    res.writeHead(400).end('bad path');
    return;
  }
  const base = path.resolve(root);
  let file = path.resolve(base, '.' + path.posix.normalize('/' + rel));
  if (!file.startsWith(base + path.sep) || !isFile(file)) file = path.join(base, 'index.html');
  if (!isFile(file)) {
    res.writeHead(200, { 'Content-Type': TYPES['.html'] }).end(NOT_BUILT);
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
  });
  fs.createReadStream(file).pipe(res);
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
