/**
 * Append-only JSONL (metrics.jsonl): one JSON object per line. Appends are one write(2) each with
 * O_APPEND, so a crash can only tear the last line; the reader skips a torn or invalid line with a
 * warning and returns the rest. Before the first append of a process, a torn tail is closed with a
 * newline so the next record never fuses with it.
 */
import fs from 'node:fs';
import { nodeAtomicIO } from './atomic';
import { tempPathFor } from '../../core/util/atomic';
import { withPathSync } from '../../core/util/fs-error';

export interface JsonlRead {
  records: Record<string, unknown>[];
  /** Lines that were skipped (torn by a crash, or not a JSON object). */
  skipped: number;
  warnings: string[];
}

export function readJsonl(file: string): JsonlRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: 0, warnings: [] };
    throw err;
  }
  const records: Record<string, unknown>[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      records.push(value as Record<string, unknown>);
    } else {
      const torn = i === lines.length - 1 ? ' (torn last line, probably a crash mid-write)' : '';
      warnings.push(`${file}:${i + 1}: skipped a line that is not a JSON object${torn}`);
    }
  }
  return { records, skipped: warnings.length, warnings };
}

/** An appender for one file; repairs a torn tail once, then appends one line per record. */
export class JsonlWriter {
  private checked = false;

  constructor(readonly file: string) {}

  append(record: object): void {
    if (!this.checked) {
      this.closeTornTail();
      this.checked = true;
    }
    withPathSync('append to', this.file, () => fs.appendFileSync(this.file, JSON.stringify(record) + '\n'));
  }

  /**
   * Drops the records whose `step` is past `step` (a resumed job writes them again), keeping the rest
   * and the order; the file is replaced atomically (without the lines that did not parse).
   */
  dropAfterStep(step: number): void {
    const { records } = readJsonl(this.file);
    const kept = records.filter((r) => !(typeof r.step === 'number' && r.step > step));
    if (kept.length === records.length) return;
    const tmp = tempPathFor(this.file);
    withPathSync('rewrite', this.file, () => {
      nodeAtomicIO.writeSync(tmp, kept.map((r) => JSON.stringify(r) + '\n').join(''));
      nodeAtomicIO.renameSync(tmp, this.file);
    });
  }

  private closeTornTail(): void {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return; // no file yet
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size === 0) return;
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) fs.appendFileSync(this.file, '\n');
    } finally {
      fs.closeSync(fd);
    }
  }
}
