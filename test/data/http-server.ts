/** A real HTTP server on 127.0.0.1 serving generated archives, with Range support and a cut-off mode. */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedFile {
  file: string;
  /** Cut the connection after this many body bytes on the first `cutTimes` requests. */
  cutAfter?: number;
  cutTimes?: number;
  /** Send this many body bytes, then stall with the connection open. */
  stallAfter?: number;
}

export interface TestServer {
  url(route: string): string;
  /** Request log: route and Range header of each request. */
  log: { route: string; range?: string }[];
  close(): Promise<void>;
}

export async function startServer(routes: Record<string, ServedFile>): Promise<TestServer> {
  const log: TestServer['log'] = [];
  const cuts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const route = req.url ?? '/';
    log.push({ route, range: req.headers.range });
    const r = routes[route];
    if (!r) {
      res.writeHead(404).end('not found');
      return;
    }
    const body = readFileSync(r.file);
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
    } else {
      res.writeHead(200, { 'content-length': body.length });
    }
    if (r.stallAfter !== undefined) {
      res.write(body.subarray(start, start + r.stallAfter));
      return;
    }
    const cut = cuts.get(route) ?? 0;
    if (r.cutAfter !== undefined && cut < (r.cutTimes ?? 1)) {
      cuts.set(route, cut + 1);
      res.write(body.subarray(start, start + r.cutAfter), () => res.socket?.destroy());
      return;
    }
    res.end(body.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (route) => `http://127.0.0.1:${port}${route}`,
    log,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
