/**
 * Access token of `skipvit serve`, like Jupyter's: random per start, printed in the URL. A request is
 * authorised by the token in `Authorization: Bearer`, in `?token=`, or in the cookie the first page load
 * with `?token=` sets (HttpOnly, SameSite=Strict, named per port so two servers on one host never mix).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(24).toString('hex');
}

export function cookieName(port: number): string {
  return `skipvit_token_${port}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Where the request carried a valid token, or null when it did not. */
export function authorise(req: IncomingMessage, url: URL, token: string, port: number): 'header' | 'query' | 'cookie' | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ') && safeEqual(header.slice(7).trim(), token)) return 'header';
  const query = url.searchParams.get('token');
  if (query !== null && safeEqual(query, token)) return 'query';
  const name = cookieName(port) + '=';
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const c = part.trim();
    if (c.startsWith(name) && safeEqual(c.slice(name.length), token)) return 'cookie';
  }
  return null;
}
