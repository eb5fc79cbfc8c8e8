/**
 * The suite makes no timed claims (issue 15, finding 10): on a loaded 2-core machine any upper bound on a
 * measured duration fails now and then, so tests assert order and outcome, and speed claims live in the
 * `npm run bench:*` commands, which print their figures and check their bounds in one run. This test
 * finds an `expect` whose subject is a measured duration (`Date.now()`, `performance.now()`, or a name
 * ending in Ms / Seconds) held under a fixed bound.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** `expect(<subject>).toBeLessThan[OrEqual](<number>` with the subject on one line. */
const UPPER_BOUND = /expect\((.*)\)\.toBeLessThan(?:OrEqual)?\(\s*[\d_.]+\s*\)/g;
const DURATION = /Date\.now\(\)|performance\.now\(\)|\b\w*(?:Ms|Seconds)\b/;

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : e.name.endsWith('.test.ts') ? [p] : [];
  });
}

describe('suite hygiene', () => {
  it('no test holds a measured duration under a fixed bound', () => {
    const found: string[] = [];
    for (const file of testFiles('test')) {
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const m of line.matchAll(UPPER_BOUND)) if (DURATION.test(m[1])) found.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
