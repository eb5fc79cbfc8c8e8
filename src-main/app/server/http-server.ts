/**
 * The HTTP + WebSocket transport of `skipvit serve`: `POST /api/<call>` and the socket at /api/socket
 * both go through the same dispatcher as Electron IPC. Every route, static files included, and the
 * socket answer 401 without the token. Loopback by default.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { HTTP_API_PREFIX, MAX_REQUEST_BYTES, WS_PATH, WsRequestSchema, type ApiResult, type WsServerFrame } from '../contract/api';
import type { Dispatch } from '../api/dispatch';
import { ApiError, HTTP_STATUS } from '../contract/errors';
import { ClientSession } from '../api/session';
import { authorise, cookieName } from './auth';
import { hostProblem, originProblem } from './host-check';
import { serveStatic } from './static';

export { isLoopback } from './host-check';

export interface ServerOptions {
  dispatch: Dispatch;
  token: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = a random free port. */
  port: number;
  /** Built renderer folder, or null to show the "not built" page. */
  rendererDir: string | null;
}

export interface RunningServer {
  /** `http://HOST:PORT/?token=...`, the line serve prints first. */
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: ApiResult<unknown>): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}

function errorResult(code: ApiError['code'], message: string): ApiResult<never> {
  return { ok: false, error: { code, message } };
}

/** After a 413, the rest of an upload is read and dropped up to this much, so the client gets the answer. */
const DRAIN_LIMIT_BYTES = 8 * MAX_REQUEST_BYTES;

/**
 * Reads a JSON body of at most MAX_REQUEST_BYTES; an empty body is `{}`. An oversized body (declared or,
 * when chunked, counted) is refused with payload_too_large once the client has sent it: what it still sends
 * is drained (up to DRAIN_LIMIT_BYTES, then the connection is cut), because an answer sent mid-upload on a
 * connection the client asked to close closes it under the client, which then meets a reset, not a 413.
 */
function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const tooLarge = (message: string) => {
      req.removeAllListeners('data');
      req.removeAllListeners('end');
      let drained = 0;
      req.on('data', (c: Buffer) => {
        drained += c.length;
        if (drained > DRAIN_LIMIT_BYTES) req.destroy();
      });
      req.on('end', () => reject(new ApiError('payload_too_large', message)));
    };
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > DRAIN_LIMIT_BYTES) {
      // Too much to drain: answered at once (the connection is cut under a client that goes on sending).
      reject(new ApiError('payload_too_large', `the request body is ${declared} bytes; the limit is ${MAX_REQUEST_BYTES}`));
      return;
    }
    if (declared > MAX_REQUEST_BYTES) {
      tooLarge(`the request body is ${declared} bytes; the limit is ${MAX_REQUEST_BYTES}`);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) {
        chunks.length = 0;
        tooLarge(`the request body is over the limit of ${MAX_REQUEST_BYTES} bytes`);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new ApiError('bad_request', 'the request body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** The request target as a URL, or null when it is not one (an absolute-form target can be anything). */
function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

export function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const httpSession = new ClientSession(null);
  let port = opts.port;

  const server = http.createServer((req, res) => {
    void handleRequest(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorResult('internal', (err as Error).message));
      else res.destroy();
    });
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req);
    if (!url) {
      sendJson(res, 400, errorResult('bad_request', 'the request target is not a path'));
      return;
    }
    const api = url.pathname.startsWith(HTTP_API_PREFIX);
    const wrongHost = hostProblem(req.headers.host, host, port);
    if (wrongHost) {
      sendJson(res, 403, errorResult('forbidden', wrongHost));
      return;
    }
    const how = authorise(req, url, opts.token, port);
    if (!how) {
      if (api) sendJson(res, 401, errorResult('unauthorized', 'missing or wrong token: use the URL that `skipvit serve` printed'));
      else res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' }).end('401: open the URL with ?token=... that `skipvit serve` printed\n');
      return;
    }
    if (how === 'query') {
      res.setHeader('Set-Cookie', `${cookieName(port)}=${opts.token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    if (!api) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      serveStatic(opts.rendererDir, url.pathname, res);
      return;
    }
    const call = url.pathname.slice(HTTP_API_PREFIX.length);
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendJson(res, 405, errorResult('bad_request', `use POST ${HTTP_API_PREFIX}${call} with a JSON body`));
      return;
    }
    let input: unknown;
    try {
      input = await readBody(req);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('bad_request', (err as Error).message);
      res.setHeader('Connection', 'close');
      sendJson(res, HTTP_STATUS[e.code], { ok: false, error: e.toData() });
      return;
    }
    const result = await opts.dispatch(call, input, httpSession);
    sendJson(res, result.ok ? 200 : HTTP_STATUS[result.error.code], result);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES + 1024 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets the connection mid-handshake must not become an uncaught 'error'.
    socket.on('error', () => socket.destroy());
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = requestUrl(req);
    if (!url) return refuse('400 Bad Request');
    if (hostProblem(req.headers.host, host, port)) return refuse('403 Forbidden');
    if (!authorise(req, url, opts.token, port)) return refuse('401 Unauthorized');
    if (url.pathname !== WS_PATH) return refuse('404 Not Found');
    // A page on another site must not drive the studio through a visitor's browser.
    if (originProblem(req.headers.origin, req.headers.host)) return refuse('403 Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws));
  });

  function onSocket(ws: WebSocket): void {
    const send = (frame: WsServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const session = new ClientSession((envelope) => send({ type: 'event', ...envelope }));
    ws.on('message', (data, isBinary) => {
      let frame: unknown;
      try {
        frame = isBinary ? undefined : JSON.parse(data.toString());
      } catch {
        frame = undefined;
      }
      const parsed = WsRequestSchema.safeParse(frame);
      if (!parsed.success) {
        // Answered under the frame's own id when it has a usable one, so the caller's call does not hang.
        const raw = (frame as { id?: unknown } | undefined)?.id;
        const id = Number.isSafeInteger(raw) && (raw as number) >= 0 ? (raw as number) : -1;
        const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(frame)'}: ${i.message}`).join('; ');
        send({ type: 'result', id, result: errorResult('bad_request', `a socket frame must be {"id": n, "call": "...", "input": {...}} (${where})`) });
        return;
      }
      const { id, call, input } = parsed.data;
      void opts.dispatch(call, input, session).then((result) => send({ type: 'result', id, result }));
    });
    ws.on('close', () => session.close());
    ws.on('error', () => session.close());
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      port = (server.address() as AddressInfo).port;
      const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${port}/?token=${opts.token}`,
        host,
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const ws of wss.clients) ws.terminate();
            wss.close();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
