/**
 * The search's default first objective is plain accuracy, and everything that states it agrees: the core,
 * the job params, the CLI flag, and the comments a reader trusts (vit-search.ts once said reward was the
 * default while the code used accuracy).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOB_PARAMS } from '../../src-main/app/contract/job-params';
import { DEFAULT_SEARCH_OBJECTIVE } from '../../src-main/core/search/vit-objective';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('search objective default', () => {
  it('is accuracy in the core, the job params and the CLI', () => {
    expect(DEFAULT_SEARCH_OBJECTIVE).toBe('accuracy');
    expect(JOB_PARAMS.search.parse({ model: 'm' }).objective).toBe(DEFAULT_SEARCH_OBJECTIVE);
    expect(read('src-main/cli/commands/search.ts')).toMatch(/objective: \{[^}]*default: DEFAULT_SEARCH_OBJECTIVE/);
  });

  it('no comment or help text calls the reward the default', () => {
    for (const file of ['src-main/core/search/vit-search.ts', 'src-main/core/search/vit-evaluator.ts', 'src-main/app/contract/job-params.ts', 'src-main/cli/commands/search.ts']) {
      expect(read(file), file).not.toMatch(/reward[^.\n]{0,40}\(default\)/i);
    }
  });
});
