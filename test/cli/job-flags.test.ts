/**
 * One flags-to-params mapping per job command (issue 14): every flag a job command documents changes what
 * the job runs (its params, or where its model goes and whether it resumes), with and without --workspace,
 * and both modes build the same params from the same flags (model references aside: a folder without a
 * workspace, a workspace model id with one).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BuiltinKind } from '../../src-main/app/contract/job-params';
import type { JobCommand, JobPlan } from '../../src-main/cli/job-command';

const DYNAMIC = path.resolve('resources/models/fashion-mnist-micro-dynamic');
const STATIC = path.resolve('resources/models/fashion-mnist-micro-static');

/** Flags that are not about the job: how the CLI prints, which workspace, help. */
const NOT_JOB = new Set(['json', 'help', 'workspace']);

interface Case {
  load: () => Promise<{ command: JobCommand<BuiltinKind> }>;
  base: string[];
  /** A valid value different from the baseline for every flag (a boolean flag is just given). */
  other: Record<string, string | null>;
}

const CASES: Record<string, Case> = {
  train: {
    load: () => import('../../src-main/cli/commands/train'),
    base: ['--out', '/tmp/m'],
    other: {
      dataset: 'cifar10', preset: 'tiny', epochs: '2', out: '/tmp/other', 'batch-size': '32', lr: '0.002', 'weight-decay': '0.1',
      'label-smoothing': '0', 'layer-drop': '0.2', 'no-augment': null, seed: '5', limit: '128', classes: '0,1', resume: null,
      'checkpoint-every': '50', backend: 'cpu', adapter: 'software', workers: '2',
    },
  },
  agent: {
    load: () => import('../../src-main/cli/commands/agent'),
    base: ['--model', STATIC, '--out', '/tmp/m'],
    other: {
      model: DYNAMIC, dataset: 'cifar10', alpha: '3', gamma: '0.5', epochs: '1', out: '/tmp/other', 'batch-size': '32', 'agent-lr': '0.01',
      'backbone-lr': '0.001', entropy: '0.1', advantage: 'reference', reward: 'correct', 'freeze-backbone': null, 'new-head': null,
      distill: '0.5', 'distill-temperature': '3', 'curriculum-epochs': '1', 'consolidation-epochs': '1', 'reward-costs': 'flops', workers: '2',
      classes: '0,1', limit: '128', seed: '5', resume: null, 'checkpoint-every': '50', backend: 'cpu', adapter: 'software',
    },
  },
  eval: {
    load: () => import('../../src-main/cli/commands/eval'),
    base: ['--model', DYNAMIC],
    other: {
      model: STATIC, dataset: 'mnist', split: 'val', static: null, limit: '100', 'batch-size': '64', gallery: null, 'allow-incomplete': null, backend: 'cpu', adapter: 'software', workers: '2',
      engine: 'ort', threads: '2',
    },
  },
  'bench --model': {
    load: () => import('../../src-main/cli/commands/bench'),
    base: ['--model', DYNAMIC],
    other: {
      // --random switches to the executor benchmark; --preset and --keep are its knobs (checked below).
      random: null, preset: null, keep: null,
      model: STATIC, 'static-model': STATIC, dataset: 'mnist', split: 'val', batch: '1,2', seconds: '1', images: '64', seed: '5', interval: '100',
      out: null, backend: 'cpu', adapter: 'software', backends: 'wasm,cpu', workers: '2', engines: null, 'ort-threads': '1',
    },
  },
  search: {
    load: () => import('../../src-main/cli/commands/search'),
    base: ['--model', DYNAMIC],
    other: {
      model: STATIC, dataset: 'mnist', pop: '8', gens: '2', 'val-images': '100', 'test-images': '100', alpha: '2', objective: 'reward', latency: null,
      'bias-range': '2', seed: '5', 'batch-size': '64', out: null, backend: 'cpu', adapter: 'software', workers: '2',
      engine: 'ort', threads: '2',
    },
  },
};

/** What the job runs: params, resume, where the model goes, and (without a workspace) the folders its models are. */
const what = (p: JobPlan<BuiltinKind>) => JSON.stringify({ params: p.params, resume: p.resume, out: p.out ?? null, folders: p.folders ?? null });

/** Flags whose job effect is elsewhere than params: an output file the CLI writes itself, or a mode switch. */
const ELSEWHERE: Record<string, string[]> = { 'bench --model': ['out', 'random', 'preset', 'keep'], search: ['out'] };

describe('CLI job commands: every flag reaches the job', () => {
  for (const [name, c] of Object.entries(CASES)) {
    for (const workspace of [undefined, '/tmp/ws']) {
      it(`${name} ${workspace ? 'with' : 'without'} --workspace`, async () => {
        const { command } = await c.load();
        const plan = (argv: string[]) => command.plan(argv, workspace ? { workspace } : {});
        const base = plan(c.base);
        const flags = Object.keys(command.flags).filter((f) => !NOT_JOB.has(f));
        expect(flags.filter((f) => !(f in c.other))).toEqual([]); // a new flag needs a case here
        for (const flag of flags.filter((f) => !(ELSEWHERE[name] ?? []).includes(f))) {
          const value = c.other[flag];
          const argv = [...c.base.filter((_, i, a) => a[i] !== `--${flag}` && a[i - 1] !== `--${flag}`), `--${flag}`, ...(value === null ? [] : [value])];
          expect(what(plan(argv)), `--${flag}`).not.toBe(what(base));
        }
      });
    }
  }

  it('bench --random: the executor benchmark, with its preset and keep', async () => {
    const { command } = await import('../../src-main/cli/commands/bench');
    const random = command.plan(['--random']);
    expect(random.params).toMatchObject({ preset: 'micro', keep: 0.5 });
    expect(random.params).not.toHaveProperty('model');
    expect(command.plan(['--random', '--preset', 'tiny']).params).toMatchObject({ preset: 'tiny' });
    expect(command.plan(['--random', '--keep', '0.25']).params).toMatchObject({ keep: 0.25 });
    expect(() => command.plan([])).toThrow(/give --random .* or --model/);
  });

  it('the same flags give the same params with and without a workspace (model references aside)', async () => {
    for (const c of Object.values(CASES)) {
      const { command } = await c.load();
      const { model: _a, ...here } = command.plan(c.base).params as Record<string, unknown>;
      const { model: _b, ...there } = command.plan(c.base, { workspace: '/tmp/ws' }).params as Record<string, unknown>;
      expect(there).toEqual(here);
    }
  });

  it('refuses what no job could run, naming the flag', async () => {
    const { command } = await import('../../src-main/cli/commands/eval');
    expect(() => command.plan(['--model', '/no/such/folder'])).toThrow(/--model: no model folder at \/no\/such\/folder/);
    expect(() => command.plan(['--model', '../x'], { workspace: '/tmp/ws' })).toThrow(/--model: "..\/x" is neither a model folder nor a model id/);
    expect(() => command.plan(['--model', DYNAMIC, '--split', 'train'])).toThrow(/--split must be test or val/);
    const train = await import('../../src-main/cli/commands/train');
    expect(() => train.command.plan(['--epochs', '0'])).toThrow(/epochs/);
  });
});
