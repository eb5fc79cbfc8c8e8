/**
 * Which sites may talk to `skipvit serve`, judged from the Host and Origin headers before the token.
 *
 * Host (DNS rebinding): a page on `evil.example` whose name is made to resolve to 127.0.0.1 reaches this
 * server with `Host: evil.example`; only names that mean this server are accepted. Bound to loopback,
 * those are 127.0.0.1, localhost and [::1] with the server's port; bound to another interface (the user
 * chose to serve the network), any IP literal, localhost, the bind name and this machine's host name.
 *
 * Origin (a page of another site driving the studio through a visitor's browser): a socket is refused
 * unless its Origin is absent (not a browser) or a URL whose host is the request's Host. `null` (sandboxed
 * iframes, file:// pages) and anything unparsable are refused, never thrown on.
 */
import { isIP } from 'node:net';
import os from 'node:os';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1']);

export const isLoopback = (host: string) => LOOPBACK_NAMES.has(host);

/** Splits `name:port`, `[v6]:port` or a bare name; null when the header is not a host at all. */
function parseHost(header: string): { name: string; port: number | null } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]/@]+))(?::(\d{1,5}))?$/.exec(header);
  if (!m) return null;
  return { name: (m[1] ?? m[2]).toLowerCase(), port: m[3] === undefined ? null : Number(m[3]) };
}

/** Why the Host header is refused, or null when it names this server. */
export function hostProblem(header: string | undefined, bind: string, port: number): string | null {
  if (!header) return 'the request has no Host header';
  const host = parseHost(header);
  if (!host) return `the Host header "${header.slice(0, 100)}" is not a host name`;
  if (host.port !== null && host.port !== port) return `the Host header names port ${host.port}; this server listens on ${port}`;
  const name = host.name;
  const known = isLoopback(bind)
    ? LOOPBACK_NAMES.has(name)
    : isIP(name) !== 0 || name === 'localhost' || name === bind.toLowerCase() || name === os.hostname().toLowerCase();
  return known ? null : `the Host header names "${name}", not this server (a page on another site may not reach it)`;
}

/** Why a browser Origin is refused for this request, or null when it may connect. */
export function originProblem(origin: string | undefined, hostHeader: string | undefined): string | null {
  if (origin === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return `the Origin "${origin.slice(0, 100)}" is not a URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `the Origin "${origin.slice(0, 100)}" is not a web page of this server`;
  return parsed.host === hostHeader ? null : `a page of ${parsed.origin} may not open the studio's socket`;
}
