/**
 * `skipvit runs list|show|delete|resume`: the workspace's runs, through the same API handlers as the
 * studio (same validation, same errors). `resume` continues an interrupted run in this process.
 */
import { localCaller } from '../../app/api/local-client';
import { openStudioApi } from '../../app/api/open';
import { runJobInCli } from '../run-job';
import { resolveWorkspaceDir } from '../../app/workspace/location';
import { UsageError } from '../args';
import { defineCommand } from '../command';
import { table } from '../output';

const USAGE = 'skipvit runs list [--kind K] [--status S,...] | show ID | delete ID | resume ID';

export const command = defineCommand(
  USAGE,
  {
    kind: { type: 'string', help: 'list: only runs of this job kind' },
    status: { type: 'list', help: 'list: only these statuses (queued,running,succeeded,failed,cancelled,interrupted)' },
    limit: { type: 'number', help: 'list: at most this many, newest first', default: 1000 },
  },
  async (args, io) => {
    const [action, id, ...extra] = args.positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"; usage: ${USAGE}`);
    const needId = () => {
      if (!id) throw new UsageError(`runs ${action} needs a run id; usage: ${USAGE}`);
      return id;
    };
    const workspace = args.flags.workspace as string | undefined;
    if (action === 'resume') {
      if (args.flags.backend !== 'auto') process.env.SKIPVIT_BACKEND = String(args.flags.backend);
      const { run, result } = await runJobInCli({ workspace, resume: needId(), io });
      io.result({ run, result }, () => `run ${run.id} ${run.status}\n${JSON.stringify(result, null, 2)}`);
      return 0;
    }
    const api = openStudioApi({ workspaceDir: resolveWorkspaceDir(workspace) });
    const call = localCaller(api.dispatch);
    switch (action) {
      case 'list': {
        const { runs, total } = await call('runsList', {
          ...(args.flags.kind ? { kind: String(args.flags.kind) } : {}),
          ...(args.flags.status ? { status: args.flags.status as never } : {}),
          limit: Number(args.flags.limit),
        });
        io.result({ runs, total }, () =>
          runs.length === 0
            ? `no runs in ${api.workspace.root}`
            : table(
                ['id', 'kind', 'status', 'progress', 'created', 'name'],
                runs.map((r) => [r.id, r.kind, r.status, r.progress ? `${Math.round(r.progress.fraction * 100)}%` : '', r.createdAt.slice(0, 19).replace('T', ' '), r.name]),
              ),
        );
        return 0;
      }
      case 'show': {
        const run = await call('runsGet', { id: needId() });
        const result = run.hasResult ? (await call('runsResult', { id: run.id })).result : null;
        io.result({ run, result });
        return 0;
      }
      case 'delete': {
        const out = await call('runsDelete', { id: needId() });
        io.result(out, () => `deleted run ${out.id}`);
        return 0;
      }
      default:
        throw new UsageError(action ? `unknown action "${action}"; usage: ${USAGE}` : `usage: ${USAGE}`);
    }
  },
);
