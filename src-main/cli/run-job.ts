/**
 * Running a job from the command line through the same workspace and runner as the studio: the job
 * gets a run folder, runs in a worker, and can be resumed from the studio or `skipvit runs resume`.
 * Progress goes to the CLI's progress bar; Ctrl-C cancels the job (a second Ctrl-C stops at once, the
 * run then ends interrupted and stays resumable).
 */
import type { CliIO } from './output';
import type { RunSummary } from '../app/contract/api';
import { openStudioApi, type OpenOptions } from '../app/api/open';
import { resolveWorkspaceDir } from '../app/workspace/location';

export interface CliJob {
  /** `--workspace`, if given. */
  workspace?: string;
  /** Start this kind with these params, or resume the run `resume`. */
  kind?: string;
  params?: Record<string, unknown>;
  name?: string;
  resume?: string;
  io: CliIO;
  /** Extra runner options (tests: a registry of test kinds). */
  runner?: Pick<OpenOptions, 'registry' | 'registryUrl'>;
}

export interface CliJobOutcome {
  run: RunSummary;
  result: Record<string, unknown>;
}

/** Runs one job to its end; throws (one human line) unless it succeeded. */
export async function runJobInCli(job: CliJob): Promise<CliJobOutcome> {
  const api = openStudioApi({ workspaceDir: resolveWorkspaceDir(job.workspace), ...job.runner });
  const { runner, workspace } = api;
  const started = job.resume ? runner.resume(job.resume) : runner.start(job.kind!, job.params ?? {}, job.name);
  job.io.log(`run ${started.id} (${workspace.runs.dir(started.id)})`);
  const bar = job.io.progress(started.kind);
  const sub = runner.events.subscribe(started.id, (e) => {
    if (e.type === 'progress') bar.update(e.progress.fraction, e.progress.message ?? '');
    else if (e.type === 'log' && e.level !== 'info') job.io.log(`${e.level}: ${e.message}`);
  });
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      job.io.log('cancelling (Ctrl-C again to stop at once)');
      runner.cancel(started.id);
    } else void runner.shutdown();
  };
  process.on('SIGINT', onSigint);
  try {
    const run = await runner.wait(started.id);
    if (run.status !== 'succeeded') {
      const how = run.resumable ? `; resume with: skipvit runs resume ${run.id}` : '';
      throw new Error(`run ${run.id} ${run.status}${run.error ? `: ${run.error}` : ''}${how}`);
    }
    bar.done();
    return { run, result: workspace.runs.readResult(run.id) ?? {} };
  } finally {
    process.off('SIGINT', onSigint);
    runner.events.unsubscribe(sub);
  }
}
