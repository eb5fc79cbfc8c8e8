/**
 * The one API contract of the studio (issue 6): every request, response and event as a zod schema,
 * with the TypeScript types derived from them. Served unchanged by Electron IPC (src-main/app/ipc) and
 * by HTTP + WebSocket (`skipvit serve`, src-main/app/server); the renderer never knows which.
 *
 * Wire rules, the same on both transports:
 * - a call takes one JSON input (an object; `{}` when it has no fields) and resolves to an
 *   {@link ApiResult}: `{ ok: true, data }` or `{ ok: false, error: { code, message } }`. Calls never
 *   reject for API errors, so typed errors survive contextBridge and JSON alike;
 * - inputs are strict: unknown fields, wrong types and oversized payloads (> {@link MAX_REQUEST_BYTES})
 *   are refused with a typed error before anything changes;
 * - `jobsSubscribe` / `jobsUnsubscribe` need a socket (IPC or the WebSocket); events then arrive as
 *   {@link EventEnvelope}s in order, each with a per-run `seq`.
 *
 * Pure module (zod only): safe to import from the renderer.
 */
import { z } from 'zod';
import type { CallName } from './calls';
import { ModelIdSchema, RunIdSchema } from './job-params';
import { BenchResultSchema, SearchResultSchema } from './results';

export { CALL_NAMES, SOCKET_CALLS, IPC_PREFIX, IPC_EVENT_CHANNEL, isCallName, type CallName } from './calls';
export { RunIdSchema, ModelIdSchema, DatasetNameSchema, PresetSchema, JOB_PARAMS } from './job-params';
export type { BuiltinKind, JobParams, JobParamsInput } from './job-params';

export const API_VERSION = 1;
/** Largest accepted request, serialised as JSON. */
export const MAX_REQUEST_BYTES = 1 << 20;

// ---------------------------------------------------------------- errors

export const ERROR_CODES = [
  'bad_request', // the input does not match the call's schema (details.issues says where)
  'payload_too_large', // the input is over MAX_REQUEST_BYTES
  'unknown_call', // no such call
  'unknown_kind', // jobsStart with a job kind the runner does not know
  'not_found', // no model / run / result with that id
  'conflict', // the state forbids it (delete a running run, resume a finished one, ...)
  'read_only', // demo models cannot be changed
  'outside_workspace', // a path would leave the workspace
  'unsupported_schema', // a document written by another (newer, or unmigratable older) version
  'needs_socket', // a subscription call over plain HTTP
  'unauthorized', // serve: missing or wrong token
  'forbidden', // IPC: the sender is not the app's own window; serve: a Host that is not this server
  'storage', // the file system refused (no space, no permission, read-only); the message names the path and operation
  'internal', // a bug or an I/O failure; the message says what
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ApiErrorSchema = z.object({
  code: ErrorCodeSchema,
  /** One human sentence, fit to show as is. */
  message: z.string(),
  /** For bad_request: where the input is wrong. */
  issues: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
});
export type ApiErrorData = z.infer<typeof ApiErrorSchema>;

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiErrorData };

// ---------------------------------------------------------------- shared shapes

const IsoTime = z.string().describe('ISO 8601 time');
/** Arbitrary JSON object (params, results, metric records). */
const JsonObject = z.record(z.string(), z.unknown());

export const RunStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatusSchema>;
/** Job kind name: a built-in one (train, agent, eval, bench, search, export) or a registered plug-in. */
export const JobKindSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a job kind name');

export const ProgressSchema = z.object({
  /** 0..1 of the whole job. */
  fraction: z.number().min(0).max(1),
  message: z.string().optional(),
  step: z.number().optional(),
  epoch: z.number().optional(),
  etaSeconds: z.number().optional(),
  /** Latest scalar metrics (loss, accuracy, ...), for the progress line. */
  metrics: z.record(z.string(), z.number()).optional(),
  at: IsoTime,
});
export type Progress = z.infer<typeof ProgressSchema>;

/** The last checkpoint a job reported; an interrupted run resumes from it. */
export const CheckpointInfoSchema = z.object({
  step: z.number().optional(),
  epoch: z.number().optional(),
  at: IsoTime,
});
export type CheckpointInfo = z.infer<typeof CheckpointInfoSchema>;

export const RunSummarySchema = z.object({
  id: RunIdSchema,
  kind: JobKindSchema,
  name: z.string(),
  status: RunStatusSchema,
  createdAt: IsoTime,
  updatedAt: IsoTime,
  startedAt: IsoTime.optional(),
  endedAt: IsoTime.optional(),
  /** The model the job read (agent, eval, bench, search). */
  modelId: ModelIdSchema.optional(),
  /** The model the job produced (train, agent, export). */
  outputModelId: ModelIdSchema.optional(),
  progress: ProgressSchema.optional(),
  /** Why it failed or was interrupted. */
  error: z.string().optional(),
  /** Whether jobsResume may continue it (an interrupted, cancelled or failed run of a resumable kind). */
  resumable: z.boolean(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const AttemptSchema = z.object({
  startedAt: IsoTime,
  endedAt: IsoTime.optional(),
  status: RunStatusSchema,
  resumed: z.boolean(),
  error: z.string().optional(),
});

export const RunDetailSchema = RunSummarySchema.extend({
  /** The validated parameters the job ran with (defaults filled in). */
  params: JsonObject,
  attempts: z.array(AttemptSchema),
  checkpoint: CheckpointInfoSchema.optional(),
  hasResult: z.boolean(),
  /** Absolute folder of the run (self-contained: copy it to another workspace's runs/ to open it there). */
  path: z.string(),
});
export type RunDetail = z.infer<typeof RunDetailSchema>;

export const ModelSummarySchema = z.object({
  id: ModelIdSchema,
  name: z.string(),
  /** `demo` models ship with the app (resources/models) and are read-only. */
  source: z.enum(['workspace', 'demo']),
  readOnly: z.boolean(),
  kind: z.enum(['static', 'dynamic']),
  dataset: z.string().optional(),
  preset: z.string().optional(),
  /** Headline metrics recorded when the model was made (accuracy, meanExecutedCost, ...). */
  metrics: z.record(z.string(), z.number()),
  createdAt: IsoTime.optional(),
  sizeBytes: z.number(),
  /** The run that produced it. */
  sourceRun: RunIdSchema.optional(),
  /** False while its training has not finished: the weights are the best so far, and no job may read them. */
  complete: z.boolean(),
});
export type ModelSummary = z.infer<typeof ModelSummarySchema>;

export const ModelDetailSchema = ModelSummarySchema.extend({
  path: z.string(),
  files: z.array(z.object({ name: z.string(), sizeBytes: z.number() })),
  /** meta.json as stored. */
  meta: JsonObject,
});
export type ModelDetail = z.infer<typeof ModelDetailSchema>;

export const MetricSeriesSchema = z.object({
  key: z.string(),
  x: z.array(z.number()),
  y: z.array(z.number()),
  /** True when points were dropped to honour maxPoints (shape-preserving LTTB). */
  downsampled: z.boolean(),
});
export type MetricSeries = z.infer<typeof MetricSeriesSchema>;


export const SystemInfoSchema = z.object({
  apiVersion: z.number(),
  appVersion: z.string(),
  workspace: z.string(),
  /** The tfjs backend jobs use, and why each faster one is not used. */
  backend: z.object({
    name: z.string(),
    requested: z.string(),
    notUsed: z.array(z.object({ backend: z.string(), reason: z.string() })),
    /** webgpu: the GPU adapter, and whether it is a real GPU or a software rasteriser. */
    adapter: z
      .object({
        vendor: z.string(), architecture: z.string(), device: z.string(), description: z.string(), driver: z.string(),
        kind: z.enum(['hardware', 'software']),
      })
      .optional(),
    simd: z.boolean().optional(),
    threads: z.boolean().optional(),
    tfjsVersion: z.string(),
  }),
  hardware: z.object({
    cpuModel: z.string(),
    cpuCores: z.number(),
    memoryBytes: z.number(),
    platform: z.string(),
    arch: z.string(),
    nodeVersion: z.string(),
    gpus: z.array(z.object({ name: z.string(), memoryBytes: z.number().optional() })),
  }),
  /** cores: what the heavy jobs share; each counts its worker threads (one core each) against it. */
  runner: z.object({ maxHeavy: z.number(), maxLight: z.number(), cores: z.number(), kinds: z.array(z.string()) }),
});
export type SystemInfo = z.infer<typeof SystemInfoSchema>;

// ---------------------------------------------------------------- events

const eventBase = { runId: RunIdSchema, seq: z.int().min(0), at: IsoTime };
export const JobEventSchema = z.discriminatedUnion('type', [
  /** The run changed state (queued, running, succeeded, failed, cancelled, interrupted). */
  z.object({ type: z.literal('status'), ...eventBase, run: RunSummarySchema }),
  z.object({ type: z.literal('progress'), ...eventBase, progress: ProgressSchema }),
  /** One record appended to the run's metrics.jsonl. */
  z.object({ type: z.literal('metric'), ...eventBase, record: JsonObject }),
  z.object({ type: z.literal('checkpoint'), ...eventBase, checkpoint: CheckpointInfoSchema }),
  z.object({ type: z.literal('log'), ...eventBase, level: z.enum(['info', 'warn', 'error']), message: z.string() }),
]);
export type JobEvent = z.infer<typeof JobEventSchema>;

/** What a socket delivers after jobsSubscribe. */
export const EventEnvelopeSchema = z.object({ subscriptionId: z.string(), event: JobEventSchema });
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

// ---------------------------------------------------------------- calls

const Empty = z.strictObject({});
const ById = z.strictObject({ id: RunIdSchema });
const ModelById = z.strictObject({ id: ModelIdSchema });

export const CALLS = {
  /** Versions, workspace, tfjs backend (and why not faster ones), hardware, runner limits. */
  systemInfo: { input: Empty, output: SystemInfoSchema },

  /** Catalogue datasets: where each lives, whether it is present, its size, and whether it can be downloaded. */
  datasetsList: {
    input: Empty,
    output: z.object({
      datasets: z.array(
        z.object({ name: z.string(), path: z.string(), present: z.boolean(), sizeBytes: z.number(), source: z.string().optional(), downloadable: z.boolean() }),
      ),
    }),
  },

  /** Workspace models and the read-only demo models. */
  modelsList: { input: Empty, output: z.object({ models: z.array(ModelSummarySchema) }) },
  modelsGet: { input: ModelById, output: ModelDetailSchema },
  /** Refused for demo models (read_only) and for models a queued or running job reads (conflict). */
  modelsDelete: { input: ModelById, output: z.object({ id: ModelIdSchema, deleted: z.literal(true) }) },

  /** Newest first. `total` counts the matches before offset/limit. */
  runsList: {
    input: z.strictObject({
      kind: JobKindSchema.optional(),
      status: z.array(RunStatusSchema).max(6).optional(),
      offset: z.int().min(0).default(0),
      limit: z.int().min(1).max(10_000).default(1000),
    }),
    output: z.object({ runs: z.array(RunSummarySchema), total: z.int() }),
  },
  runsGet: { input: ById, output: RunDetailSchema },
  /** Refused (conflict) while the run is queued or running. */
  runsDelete: { input: ById, output: z.object({ id: RunIdSchema, deleted: z.literal(true) }) },
  /**
   * Numeric series from metrics.jsonl. x is the record's `step` (else its line index). A torn last line
   * (crash mid-write) is skipped and counted in `skipped`.
   */
  runsMetrics: {
    input: z.strictObject({
      id: RunIdSchema,
      /** Which keys; default all numeric keys except step/epoch/t. */
      keys: z.array(z.string().min(1).max(100)).max(64).optional(),
      /** Downsample each series to at most this many points. */
      maxPoints: z.int().min(2).max(100_000).optional(),
    }),
    output: z.object({
      id: RunIdSchema,
      records: z.int(),
      skipped: z.int(),
      keys: z.array(z.string()),
      series: z.array(MetricSeriesSchema),
    }),
  },
  /** result.json of a finished run, whatever its kind. */
  runsResult: { input: ById, output: z.object({ id: RunIdSchema, kind: JobKindSchema, result: JsonObject }) },
  /** result.json of a bench run, parsed with BenchResultSchema (core/results.ts). */
  benchResult: { input: ById, output: z.object({ id: RunIdSchema, result: BenchResultSchema }) },
  /** result.json of a search run, parsed with SearchResultSchema (core/results.ts). */
  searchResult: { input: ById, output: z.object({ id: RunIdSchema, result: SearchResultSchema }) },

  /** Queue a job; `params` are checked against the kind's schema (JOB_PARAMS for built-ins). */
  jobsStart: {
    input: z.strictObject({ kind: JobKindSchema, params: JsonObject.default({}), name: z.string().min(1).max(120).optional() }),
    output: z.object({ run: RunSummarySchema }),
  },
  /** Cancel a queued or running job; the run ends `cancelled` (a training run can then be resumed). */
  jobsCancel: { input: ById, output: z.object({ run: RunSummarySchema }) },
  /** Queue an interrupted, cancelled or failed run again, continuing from its last checkpoint. */
  jobsResume: { input: ById, output: z.object({ run: RunSummarySchema }) },
  /** Queued and running jobs, in queue order. */
  jobsList: { input: Empty, output: z.object({ jobs: z.array(RunSummarySchema) }) },
  /** Export a point of a search run's front (sugar for jobsStart kind `export`). */
  exportPoint: {
    input: z.strictObject({
      run: RunIdSchema,
      point: z.union([z.int().min(0).max(100_000), z.literal('knee')]),
      name: z.string().min(1).max(120).optional(),
      /** 'onnx': also write the exported model as one ONNX file (model.onnx, checked in onnxruntime). */
      format: z.enum(['folder', 'onnx']).optional(),
    }),
    output: z.object({ run: RunSummarySchema }),
  },

  /**
   * Socket only. Events of one run (or of every run when runId is absent), starting with a `status`
   * event carrying the current state of each watched run, then live events in order.
   */
  jobsSubscribe: {
    input: z.strictObject({ runId: RunIdSchema.optional() }),
    output: z.object({ subscriptionId: z.string() }),
  },
  jobsUnsubscribe: {
    input: z.strictObject({ subscriptionId: z.string().max(100) }),
    output: z.object({ unsubscribed: z.boolean() }),
  },
} satisfies Record<CallName, { input: z.ZodType; output: z.ZodType }>; // exactly the names in calls.ts


export type CallInput<N extends CallName> = z.input<(typeof CALLS)[N]['input']>;
/** The input after parsing (defaults filled in): what a handler receives. */
export type CallParsedInput<N extends CallName> = z.output<(typeof CALLS)[N]['input']>;
export type CallOutput<N extends CallName> = z.output<(typeof CALLS)[N]['output']>;

/**
 * The client-side shape both transports present to the renderer: one function per call, each
 * resolving to an ApiResult. `jobsSubscribe` also takes the listener for its events.
 */
export type ApiClient = {
  [N in Exclude<CallName, 'jobsSubscribe'>]: (input: CallInput<N>) => Promise<ApiResult<CallOutput<N>>>;
} & {
  jobsSubscribe(
    input: CallInput<'jobsSubscribe'>,
    listener: (event: JobEvent) => void,
  ): Promise<ApiResult<CallOutput<'jobsSubscribe'>>>;
};

/** HTTP transport: `POST /api/<call>` with the JSON input as body; WebSocket at `/api/socket`. */
export const HTTP_API_PREFIX = '/api/';
export const WS_PATH = '/api/socket';

/** WebSocket frames, client to server: a call. */
export const WsRequestSchema = z.strictObject({ id: z.int().min(0), call: z.string().max(64), input: z.unknown() });
export type WsRequest = z.infer<typeof WsRequestSchema>;
/** Server to client: the result of call `id`, or an event of a subscription. */
export type WsServerFrame =
  | { type: 'result'; id: number; result: ApiResult<unknown> }
  | ({ type: 'event' } & EventEnvelope);
