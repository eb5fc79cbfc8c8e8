/**
 * The composition root every front end uses (Electron main, `skipvit serve`, the CLI): open the
 * workspace (repairing stale runs), start a runner over it, build the handlers and the dispatcher.
 */
import { createDispatch, type Dispatch } from './dispatch';
import { createHandlers, type ApiHandlers } from './handlers';
import { systemInfoProvider } from './system-info';
import { kinds as builtinKinds } from '../jobs/kinds';
import { JobRunner, type RunnerOptions } from '../jobs/runner';
import { Workspace, type RepairReport, type WorkspaceOptions } from '../workspace/workspace';

export interface OpenOptions extends WorkspaceOptions, Partial<RunnerOptions> {
  /** The workspace folder (see workspace/location.ts for the default). */
  workspaceDir: string;
}

export interface StudioApi {
  workspace: Workspace;
  runner: JobRunner;
  handlers: ApiHandlers;
  dispatch: Dispatch;
  /** What start-up repair did. */
  repair: RepairReport;
  /** Stops the runner (running jobs end as interrupted, resumable later). */
  close(): Promise<void>;
}

export function openStudioApi(opts: OpenOptions): StudioApi {
  const { workspace, repair } = Workspace.open(opts.workspaceDir, { demoModels: opts.demoModels });
  const runner = new JobRunner(workspace, {
    registry: opts.registry ?? builtinKinds,
    registryUrl: opts.registryUrl,
    maxHeavy: opts.maxHeavy,
    maxLight: opts.maxLight,
    cores: opts.cores,
    cancelGraceMs: opts.cancelGraceMs,
  });
  const systemInfo = systemInfoProvider({
    workspace: workspace.root,
    runner: { maxHeavy: runner.maxHeavy, maxLight: runner.maxLight, cores: runner.cores, kinds: runner.kinds },
  });
  const handlers = createHandlers({ workspace, runner, systemInfo });
  return { workspace, runner, handlers, dispatch: createDispatch(handlers), repair, close: () => runner.shutdown() };
}
