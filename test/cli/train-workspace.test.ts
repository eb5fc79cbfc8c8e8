import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../train/synthetic';

const run = (args: string[]) => promisify(execFile)(process.execPath, ['bin/skipvit.mjs', ...args], { maxBuffer: 1 << 24 });

describe('skipvit train --workspace', () => {
  it('runs as a workspace job: the run is listed, its model is in the workspace and copied to --out', async () => {
    const ws = await tempDir('skipvit-cli-ws-');
    const out = path.join(ws, 'copy');
    const { stdout } = await run(['train', '--workspace', ws, '--epochs', '1', '--limit', '128', '--out', out, '--json']);
    const r = JSON.parse(stdout);
    expect(r.run).toMatch(/^train-/);
    expect(r.model).toBe(out);
    expect(r.accuracy).toBeGreaterThanOrEqual(0);
    await fs.access(path.join(out, 'model.json'));
    await fs.access(path.join(ws, 'models', r.run, 'weights.bin'));
    const list = JSON.parse((await run(['runs', 'list', '--workspace', ws, '--json'])).stdout);
    expect(list.runs.map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([[r.run, 'succeeded']]);
  });
});

describe('skipvit agent flags', () => {
  it('refuses an unknown reward, naming the flag and the value, before touching the model', async () => {
    const err = await run(['agent', '--model', 'no-such-model', '--out', 'no-such-out', '--reward', 'accuracy']).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).not.toBe(0);
    expect(err?.stderr).toContain('--reward must be correct or confidence, got "accuracy"');
  });

  it('takes the opt-in training variations, refusing an unknown reward cost and a curriculum longer than the run', async () => {
    const fail = (args: string[]) => run(['agent', '--out', 'no-such-out', ...args]).then(() => null, (e: { code: number; stderr: string }) => e);
    const costs = await fail(['--model', 'no-such-model', '--reward-costs', 'latency']);
    expect(costs?.stderr).toContain('--reward-costs must be model or flops, got "latency"');
    const model = path.resolve('resources/models/fashion-mnist-micro-static');
    const out = path.join(await tempDir('skipvit-agent-flags-'), 'm');
    const long = await run(['agent', '--model', model, '--out', out, '--epochs', '1', '--curriculum-epochs', '2', '--limit', '64']).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(long?.stderr).toContain('the curriculum (2 epochs) is longer than the agent\'s training (1)');
  });
});
