/**
 * The workspace's own documents (runs/<id>/run.json, workspace.json, runs/index.json), each with a
 * schema version and a (so far empty) migration table. Version 1 is the first released layout.
 */
import { z } from 'zod';
import {
  AttemptSchema,
  CheckpointInfoSchema,
  JobKindSchema,
  ModelIdSchema,
  ProgressSchema,
  RunIdSchema,
  RunStatusSchema,
  RunSummarySchema,
} from '../contract/api';
import type { DocSpec } from './documents';

/** The process that owns a queued or running run; start-up repair uses it to find stale ones. */
const OwnerSchema = z.object({ pid: z.int(), host: z.string() });

export const RunDocSchema = z.object({
  schemaVersion: z.literal(1),
  id: RunIdSchema,
  kind: JobKindSchema,
  name: z.string(),
  status: RunStatusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  /** The validated parameters (defaults filled in), so the run can be repeated or resumed anywhere. */
  params: z.record(z.string(), z.unknown()),
  modelId: ModelIdSchema.optional(),
  outputModelId: ModelIdSchema.optional(),
  progress: ProgressSchema.optional(),
  error: z.string().optional(),
  checkpoint: CheckpointInfoSchema.optional(),
  attempts: z.array(AttemptSchema),
  /** Whether the job kind can continue from its checkpoint folder. */
  resumableKind: z.boolean(),
  owner: OwnerSchema.optional(),
});
export type RunDoc = z.infer<typeof RunDocSchema>;

export const RUN_DOC: DocSpec<typeof RunDocSchema> = { name: 'run', version: 1, schema: RunDocSchema, migrations: {} };

export const WorkspaceDocSchema = z.object({ schemaVersion: z.literal(1), createdAt: z.string() });
export const WORKSPACE_DOC: DocSpec<typeof WorkspaceDocSchema> = {
  name: 'workspace',
  version: 1,
  schema: WorkspaceDocSchema,
  migrations: {},
};

/** One cached run summary, valid while run.json keeps the same inode, mtime and size. */
export interface IndexEntry {
  ino: number;
  mtimeMs: number;
  size: number;
  summary: z.infer<typeof RunSummarySchema>;
}
/**
 * runs/index.json, a cache only: the envelope is checked, the entries are not (a full zod pass over
 * 1,000 entries would cost more than the index saves). An entry whose stats match is trusted; every
 * API response is validated on the way out regardless.
 */
export const RunsIndexSchema = z.object({
  schemaVersion: z.literal(1),
  entries: z.record(z.string(), z.custom<IndexEntry>((e) => typeof e === 'object' && e !== null && 'summary' in e)),
});
export const RUNS_INDEX: DocSpec<typeof RunsIndexSchema> = { name: 'runs index', version: 1, schema: RunsIndexSchema, migrations: {} };

/** meta.json beside a model's model.json: what the studio adds (name, provenance). Optional. */
export const ModelMetaFileSchema = z.looseObject({
  schemaVersion: z.literal(1),
  name: z.string().optional(),
  sourceRun: RunIdSchema.optional(),
  createdAt: z.string().optional(),
  metrics: z.record(z.string(), z.unknown()).optional(),
});
export const MODEL_META: DocSpec<typeof ModelMetaFileSchema> = {
  name: 'model meta',
  version: 1,
  schema: ModelMetaFileSchema,
  migrations: {},
};

/** Run summary as the API shows it. */
export function summarize(doc: RunDoc): z.infer<typeof RunSummarySchema> {
  return {
    id: doc.id,
    kind: doc.kind,
    name: doc.name,
    status: doc.status,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    ...(doc.startedAt ? { startedAt: doc.startedAt } : {}),
    ...(doc.endedAt ? { endedAt: doc.endedAt } : {}),
    ...(doc.modelId ? { modelId: doc.modelId } : {}),
    ...(doc.outputModelId ? { outputModelId: doc.outputModelId } : {}),
    ...(doc.progress ? { progress: doc.progress } : {}),
    ...(doc.error ? { error: doc.error } : {}),
    resumable: doc.resumableKind && (doc.status === 'interrupted' || doc.status === 'cancelled' || doc.status === 'failed'),
  };
}
