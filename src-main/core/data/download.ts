/**
 * Resumable, verified HTTP(S) download.
 *
 * Bytes go to `<dest>.part`; an interrupted transfer (network error, cut-off response, abort) keeps
 * the part, and the next attempt asks only for the rest with an HTTP Range request. Once complete,
 * the part is checked against the published MD5 or SHA-256: a mismatch deletes it, a match renames
 * it to `dest` in one step, so `dest` only ever exists complete and verified.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { DataError } from './errors';
import type { FetchProgress } from './types';

export interface Checksum {
  algorithm: 'md5' | 'sha256';
  /** Lowercase hex digest. */
  hex: string;
}

export interface DownloadOptions {
  url: string;
  /** Final path; written only after verification. */
  dest: string;
  checksum: Checksum;
  onProgress?: (p: FetchProgress) => void;
  signal?: AbortSignal;
  /** Attempts, each resuming where the last stopped; default 4. */
  attempts?: number;
  /** A stalled connection fails after this many ms without data; default 60 s. */
  idleTimeoutMs?: number;
}

export async function downloadFile(opts: DownloadOptions): Promise<void> {
  const part = `${opts.dest}.part`;
  mkdirSync(path.dirname(opts.dest), { recursive: true });
  const attempts = opts.attempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    try {
      await transfer(opts, part);
      break;
    } catch (err) {
      if (opts.signal?.aborted || err instanceof DataError || attempt >= attempts) {
        if (err instanceof DataError) throw err;
        throw new DataError(part, `download from ${opts.url} failed (${(err as Error).message}); ${existsSync(part) ? `${statSync(part).size} bytes kept, run again to resume` : 'nothing kept'}`);
      }
    }
  }
  const digest = await hashFile(part, opts.checksum.algorithm, opts.onProgress);
  if (digest !== opts.checksum.hex.toLowerCase()) {
    rmSync(part, { force: true });
    throw new DataError(opts.dest, `checksum mismatch: ${opts.checksum.algorithm} ${digest}, expected ${opts.checksum.hex}; the download was discarded`);
  }
  renameSync(part, opts.dest);
}

/** One request: resumes `part` when it has bytes; resolves when the body is complete. */
async function transfer(opts: DownloadOptions, part: string): Promise<void> {
  const have = existsSync(part) ? statSync(part).size : 0;
  const res = await request(opts.url, have, opts.signal, opts.idleTimeoutMs ?? 60_000);
  if (res.statusCode === 416 && have > 0) {
    res.resume(); // the part already holds every byte; verification decides
    return;
  }
  let offset: number;
  if (res.statusCode === 206) {
    const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
    if (!m || Number(m[1]) !== have) {
      res.resume();
      throw new DataError(opts.url, `server answered the range request from byte ${have} with "${res.headers['content-range']}"`);
    }
    offset = have;
  } else if (res.statusCode === 200) {
    offset = 0; // no range support: start over
  } else {
    res.resume();
    throw new DataError(opts.url, `HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim());
  }
  const length = Number(res.headers['content-length'] ?? NaN);
  const total = Number.isFinite(length) ? offset + length : 0;
  let done = offset;
  const failure = await new Promise<Error | undefined>((resolve) => {
    // Written by hand rather than with pipeline(): on a cut connection pipeline() destroys the file
    // stream and drops buffered bytes, while ending it keeps every received byte for the resume.
    const out = createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' });
    let error: Error | undefined;
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      out.end();
    };
    res.on('data', (c: Buffer) => {
      done += c.length;
      opts.onProgress?.({ phase: 'download', done, total });
      if (!out.write(c)) {
        res.pause();
        out.once('drain', () => res.resume());
      }
    });
    res.on('error', (e) => (error ??= e));
    res.on('close', () => {
      if (!res.complete) error ??= new Error('connection closed early');
      finish();
    });
    out.on('error', (e) => {
      error ??= e;
      res.destroy();
    });
    out.on('close', () => resolve(error));
  });
  if (failure) throw failure;
  if (total > 0 && done !== total) throw new Error(`connection closed after ${done} of ${total} bytes`);
}

/** GET with an optional Range, following up to 5 redirects. */
function request(url: string, from: number, signal: AbortSignal | undefined, idleMs: number, hops = 0): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const get = u.protocol === 'https:' ? https.get : u.protocol === 'http:' ? http.get : undefined;
    if (!get) return reject(new DataError(url, `unsupported protocol ${u.protocol}`));
    const headers: Record<string, string> = { 'user-agent': 'skipvit-studio' };
    if (from > 0) headers.range = `bytes=${from}-`;
    let response: http.IncomingMessage | undefined;
    const req = get(u, { headers, signal }, (res) => {
      response = res;
      const loc = res.headers.location;
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && loc) {
        res.resume();
        if (hops >= 5) return reject(new DataError(url, 'too many redirects'));
        return resolve(request(new URL(loc, u).toString(), from, signal, idleMs, hops + 1));
      }
      resolve(res);
    });
    req.setTimeout(idleMs, () => {
      const stalled = new Error(`no data for ${idleMs / 1000} s`);
      if (response) response.destroy(stalled); // mid-body: fail the body with the real reason
      else req.destroy(stalled);
    });
    req.on('error', reject);
  });
}

async function hashFile(file: string, algorithm: 'md5' | 'sha256', onProgress?: (p: FetchProgress) => void): Promise<string> {
  const hash = createHash(algorithm);
  const total = statSync(file).size;
  let done = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    onProgress?.({ phase: 'verify', done, total });
  }
  return hash.digest('hex');
}
