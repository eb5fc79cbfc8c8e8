/**
 * A resumed training run leaves one metric record per step in metrics.jsonl (issue 15, finding 9): the
 * REAL train kind's worker dies after it wrote the metrics of steps past its last checkpoint, the run is
 * resumed from that checkpoint and trains those steps again; their records are not duplicated.
 */
import { describe, expect, it } from 'vitest';
import { openTestApi } from './helpers';

const PARAMS = {
  dataset: 'fashion-mnist',
  preset: 'micro',
  epochs: 1,
  batchSize: 16,
  maxTrainSamples: 320,
  valFraction: 0.005,
  maxTestSamples: 64,
  checkpointEvery: 7,
  seed: 2,
  crashAfterMetricStep: 10,
};

describe('metrics after a resume', () => {
  it('the steps trained again after a crash are recorded once', async () => {
    const { runner, workspace } = openTestApi();
    const run = runner.start('train-crash', PARAMS);
    const crashed = await runner.wait(run.id);
    expect(crashed.status).toBe('interrupted');
    const before = workspace.runs.readMetrics(run.id).records;
    expect(before.filter((r) => r.kind === 'step').map((r) => r.step)).toEqual([1, 10]);

    runner.resume(run.id);
    const done = await runner.wait(run.id);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    const records = workspace.runs.readMetrics(run.id).records;
    // 320 training images / 16 = 20 steps: step records at 1, 10 and 20, then the epoch's.
    expect(records.map((r) => `${r.kind}:${r.step}`)).toEqual(['step:1', 'step:10', 'step:20', 'epoch:20']);
  });
});
