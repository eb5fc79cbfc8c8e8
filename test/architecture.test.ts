/**
 * The floors of docs/ARCHITECTURE.md, checked on every import in the sources: core < contract < the rest
 * of app < cli, renderer, scripts. A module may import its own floor or a lower one, never a higher one;
 * the renderer reaches the main side only through the contract. Dynamic `import()` counts like a static
 * import. The renderer bundles whatever the contract imports (not only types), so that must not need Node.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const SOURCE = /\.(ts|mts|mjs|svelte)$/;

interface Edge {
  from: string;
  to: string;
  /** `import type` / `export type ... from`: erased at build, so it bundles nothing. */
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...sourceFiles(rel));
    else if (SOURCE.test(name)) out.push(rel);
  }
  return out;
}

const IMPORT = /(?:^|[^\w.])(?:import|export)\s*(type\s+)?(?:[\w*{}\s,$]*?\sfrom\s*)?\(?\s*['"]([^'"]+)['"]/gm;

/** Every import of a file, relative ones resolved to repo paths (as written, extension or not), others as written. */
function importsOf(file: string): Edge[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const edges: Edge[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[2];
    const to = spec.startsWith('.') ? path.normalize(path.join(path.dirname(file), spec)) : spec;
    edges.push({ from: file, to, typeOnly: Boolean(m[1]) });
  }
  return edges;
}

type Floor = 'core' | 'contract' | 'app' | 'cli' | 'renderer' | 'scripts' | 'other';

function floorOf(p: string): Floor {
  if (p.startsWith('src-main/core/')) return 'core';
  if (p.startsWith('src-main/app/contract/')) return 'contract';
  if (p.startsWith('src-main/app/')) return 'app';
  if (p.startsWith('src-main/cli/')) return 'cli';
  if (p.startsWith('src-renderer/')) return 'renderer';
  if (p.startsWith('scripts/')) return 'scripts';
  return 'other';
}

/** Which floors each floor may import (besides npm packages). */
const ALLOWED: Record<Floor, Floor[]> = {
  core: ['core'],
  contract: ['core', 'contract'],
  app: ['core', 'contract', 'app'],
  cli: ['core', 'contract', 'app', 'cli'],
  renderer: ['contract', 'renderer'],
  // benchmarks may reuse the tests' generators and fakes
  scripts: ['core', 'contract', 'app', 'cli', 'scripts', 'other'],
  other: ['core', 'contract', 'app', 'cli', 'renderer', 'scripts', 'other'],
};

const NODE_BUILTINS = new Set(builtinModules);
const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0]);

/** One line per import that breaks a floor. */
function floorViolations(edges: Edge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    if (!e.to.startsWith('src-') && !e.to.startsWith('scripts/') && !e.to.startsWith('test/')) continue;
    const from = floorOf(e.from);
    const to = floorOf(e.to);
    if (!ALLOWED[from].includes(to)) out.push(`${e.from} (${from}) imports ${e.to} (${to})`);
  }
  return out;
}

/** The files the renderer's bundle pulls in (value imports from its files on), and its imports of Node. */
function rendererBundle(sources: string[], edges: Edge[]): { files: Set<string>; nodeImports: string[] } {
  const byFile = new Map<string, Edge[]>();
  for (const e of edges) byFile.set(e.from, [...(byFile.get(e.from) ?? []), e]);
  const known = new Set(sources);
  const resolve = (to: string) => [to, `${to}.ts`, `${to}/index.ts`, to.replace(/\.js$/, '.ts')].find((c) => known.has(c));
  const files = new Set<string>();
  const todo = sources.filter((f) => floorOf(f) === 'renderer');
  const nodeImports: string[] = [];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const e of byFile.get(file) ?? []) {
      if (e.typeOnly) continue;
      if (isNodeBuiltin(e.to)) nodeImports.push(`${e.from} imports ${e.to}, and the renderer bundles it`);
      const next = resolve(e.to);
      if (next) todo.push(next);
    }
  }
  return { files, nodeImports };
}

const sources = ['src-main', 'src-renderer', 'scripts'].flatMap(sourceFiles);
const edges = sources.flatMap(importsOf);

describe('architecture floors', () => {
  it('reads the imports it checks (static, type-only and dynamic)', () => {
    const from = (f: string) => edges.filter((e) => e.from === f);
    expect(from('src-main/app/contract/api.ts').map((e) => e.to)).toContain('src-main/app/contract/job-params');
    expect(from('src-main/cli/workspace-run.ts').map((e) => e.to)).toContain('src-main/cli/run-job'); // import('./run-job')
    expect(from('src-main/app/contract/errors.ts').find((e) => e.to === 'src-main/app/contract/api')?.typeOnly).toBe(true);
    expect(from('src-main/app/contract/api.ts').find((e) => e.to === 'zod')?.typeOnly).toBe(false);
    expect(from('src-renderer/views/Train.svelte').length).toBeGreaterThan(5);
  });

  it('no import breaks a floor: core < contract < app < cli, renderer (contract only), scripts', () => {
    expect(floorViolations(edges)).toEqual([]);
  });

  it('the renderer bundle (through the contract) needs no Node module', () => {
    const bundle = rendererBundle(sources, edges);
    expect(bundle.files).toContain('src-main/app/contract/api.ts');
    expect(bundle.files).toContain('src-main/core/model/config.ts'); // presets, through contract/catalogue.ts
    expect(bundle.nodeImports).toEqual([]);
  });

  it('flags each kind of upward import', () => {
    const bad: Edge[] = [
      { from: 'src-main/core/model/vit.ts', to: 'src-main/app/jobs/runner', typeOnly: false },
      { from: 'src-main/core/train/loop.ts', to: 'src-main/cli/output', typeOnly: true },
      { from: 'src-main/app/jobs/kinds.ts', to: 'src-main/cli/output', typeOnly: true },
      { from: 'src-main/app/contract/api.ts', to: 'src-main/app/workspace/schemas', typeOnly: false },
      { from: 'src-renderer/views/Train.svelte', to: 'src-main/core/model/config', typeOnly: false },
      { from: 'src-renderer/lib/api.ts', to: 'src-main/app/api/dispatch', typeOnly: true },
    ];
    expect(floorViolations(bad)).toHaveLength(bad.length);
    const fine: Edge[] = [
      { from: 'src-main/app/contract/catalogue.ts', to: 'src-main/core/model/config', typeOnly: false },
      { from: 'src-main/cli/run-job.ts', to: 'src-main/app/api/open', typeOnly: false },
      { from: 'src-renderer/lib/api.ts', to: 'src-main/app/contract/api', typeOnly: false },
    ];
    expect(floorViolations(fine)).toEqual([]);
    const nodeLeak: Edge[] = [
      { from: 'src-renderer/lib/api.ts', to: 'src-main/app/contract/api', typeOnly: false },
      { from: 'src-main/app/contract/api.ts', to: 'node:fs', typeOnly: false },
    ];
    expect(rendererBundle(['src-renderer/lib/api.ts', 'src-main/app/contract/api.ts'], nodeLeak).nodeImports).toHaveLength(1);
  });
});
