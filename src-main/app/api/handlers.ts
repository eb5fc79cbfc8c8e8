/**
 * ApiHandlers: one function per call of the contract, over one workspace and one runner. Both
 * transports (IPC, HTTP + WebSocket) wrap exactly this object through dispatch.ts, which validates
 * inputs before a handler runs and outputs after.
 */
import type { CallName, CallOutput, CallParsedInput, JobEvent, RunDetail } from '../contract/api';
import { BenchResultSchema, SearchResultSchema } from '../contract/results';
import { ApiError } from '../contract/errors';
import { buildSeries, numericKeys } from './metrics';
import type { ClientSession } from './session';
import type { JobRunner } from '../jobs/runner';
import { ownerAlive } from '../workspace/run-store';
import { summarize, type RunDoc } from '../workspace/schemas';
import type { Workspace } from '../workspace/workspace';

export type ApiHandlers = {
  [N in CallName]: (input: CallParsedInput<N>, client: ClientSession) => Promise<CallOutput<N>>;
};

export interface HandlerDeps {
  workspace: Workspace;
  runner: JobRunner;
  systemInfo: () => Promise<CallOutput<'systemInfo'>>;
}

export function createHandlers({ workspace, runner, systemInfo }: HandlerDeps): ApiHandlers {
  /** The freshest document of a run: the runner's live copy while active, else run.json. */
  const readRun = (id: string): RunDoc => runner.live(id) ?? workspace.runs.read(id);

  const resultOf = (id: string, kind?: string): Record<string, unknown> => {
    const doc = readRun(id);
    if (kind && doc.kind !== kind) throw new ApiError('bad_request', `run ${id} is a ${doc.kind} run, not a ${kind} run`);
    const result = workspace.runs.readResult(id);
    if (!result) throw new ApiError('not_found', `run ${id} has no result (it is ${doc.status})`);
    return result;
  };

  return {
    systemInfo: () => systemInfo(),
    datasetsList: async () => {
      const { listDatasets, CATALOG } = await import('../../core/data');
      return { datasets: listDatasets().map((d) => ({ ...d, downloadable: Boolean(CATALOG[d.name]?.download) })) };
    },

    modelsList: async () => ({ models: workspace.models.list().models }),
    modelsGet: async ({ id }) => workspace.models.get(id),
    modelsDelete: async ({ id }) => {
      if (runner.usesModel(id)) throw new ApiError('conflict', `model ${id} is used by a queued or running job`);
      workspace.models.delete(id);
      return { id, deleted: true as const };
    },

    runsList: async ({ kind, status, offset, limit }) => {
      const all = workspace.runs
        .list()
        .runs.map((s) => {
          const live = runner.live(s.id);
          return live ? summarize(live) : s;
        })
        .filter((s) => (!kind || s.kind === kind) && (!status || status.includes(s.status)));
      return { runs: all.slice(offset, offset + limit), total: all.length };
    },
    runsGet: async ({ id }) => detail(readRun(id), workspace),
    runsDelete: async ({ id }) => {
      const doc = readRun(id);
      if (runner.live(id) || ((doc.status === 'queued' || doc.status === 'running') && ownerAlive(doc.owner))) {
        throw new ApiError('conflict', `run ${id} is ${doc.status}; cancel it first`);
      }
      workspace.runs.delete(id);
      return { id, deleted: true as const };
    },
    runsMetrics: async ({ id, keys, maxPoints }) => {
      const read = workspace.runs.readMetrics(id);
      const available = numericKeys(read.records);
      return {
        id,
        records: read.records.length,
        skipped: read.skipped,
        keys: available,
        series: buildSeries(read.records, keys ?? available, maxPoints),
      };
    },
    runsResult: async ({ id }) => ({ id, kind: readRun(id).kind, result: resultOf(id) }),
    benchResult: async ({ id }) => ({ id, result: checked(id, resultOf(id, 'bench'), BenchResultSchema) }),
    searchResult: async ({ id }) => ({ id, result: checked(id, resultOf(id, 'search'), SearchResultSchema) }),

    jobsStart: async ({ kind, params, name }) => ({ run: runner.start(kind, params, name) }),
    jobsCancel: async ({ id }) => ({ run: runner.cancel(id) }),
    jobsResume: async ({ id }) => ({ run: runner.resume(id) }),
    jobsList: async () => ({ jobs: runner.active() }),
    exportPoint: async ({ run, point, name, format }) => {
      const source = readRun(run);
      if (source.kind !== 'search') throw new ApiError('bad_request', `run ${run} is a ${source.kind} run; export needs a search run`);
      if (source.status !== 'succeeded') throw new ApiError('conflict', `search run ${run} is ${source.status}; it has no front yet`);
      return { run: runner.start('export', { run, point, ...(name ? { name } : {}), ...(format ? { format } : {}) }, name) };
    },

    jobsSubscribe: async ({ runId }, client) => {
      const push = client.push;
      if (!push) throw new ApiError('needs_socket', 'jobsSubscribe needs the WebSocket (or IPC); plain HTTP cannot receive events');
      const snapshot = runId ? [summarize(readRun(runId))] : runner.active();
      // Live events that arrive before the snapshot is sent wait behind it, so order holds.
      let buffer: JobEvent[] | null = [];
      const subscriptionId = runner.events.subscribe(runId, (event) => {
        if (buffer) buffer.push(event);
        else push({ subscriptionId, event });
      });
      client.subscriptions.set(subscriptionId, () => runner.events.unsubscribe(subscriptionId));
      // After the reply: the client learns the id first, then gets the snapshot and what followed.
      setImmediate(() => {
        if (!client.subscriptions.has(subscriptionId)) return;
        const at = new Date().toISOString();
        for (const run of snapshot) {
          push({ subscriptionId, event: { type: 'status', runId: run.id, seq: runner.events.lastSeq(run.id), at, run } });
        }
        for (const event of buffer ?? []) push({ subscriptionId, event });
        buffer = null;
      });
      return { subscriptionId };
    },
    jobsUnsubscribe: async ({ subscriptionId }, client) => {
      const end = client.subscriptions.get(subscriptionId);
      if (!end) return { unsubscribed: false };
      end();
      client.subscriptions.delete(subscriptionId);
      return { unsubscribed: true };
    },
  };
}

function detail(doc: RunDoc, workspace: Workspace): RunDetail {
  return {
    ...summarize(doc),
    params: doc.params,
    attempts: doc.attempts,
    ...(doc.checkpoint ? { checkpoint: doc.checkpoint } : {}),
    hasResult: workspace.runs.readResult(doc.id) !== null,
    path: workspace.runs.dir(doc.id),
  };
}

function checked<T>(id: string, result: Record<string, unknown>, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }): T {
  const parsed = schema.safeParse(result);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ApiError('unsupported_schema', `result.json of run ${id} lacks SPEC 9 keys: ${issue.path.join('.')}: ${issue.message}`);
}
