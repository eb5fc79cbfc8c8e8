/**
 * What a job kind is, and what a job sees while it runs (in its worker thread). A kind is pluggable:
 * a registry module exports `kinds: JobRegistry`; the runner validates params in the main thread and
 * the worker imports the same module to run them.
 */
import type { z } from 'zod';

export interface JobProgress {
  /** 0..1 of the whole job. */
  fraction: number;
  message?: string;
  step?: number;
  epoch?: number;
  etaSeconds?: number;
  metrics?: Record<string, number>;
}

export interface JobContext {
  runId: string;
  /** The run's folder (run.json, metrics.jsonl, result.json live here). */
  runDir: string;
  /** The workspace root. */
  workspace: string;
  /** Where the job keeps what it needs to resume; survives interruption. */
  checkpointDir: string;
  /** Where a kind that produces a model saves it (`<workspace>/models/<runId>`). */
  outputModelDir: string;
  /** True when this attempt continues an interrupted one: read checkpointDir first. */
  resume: boolean;
  /** Aborted on cancel; stop at the next safe point and return or throw. */
  signal: AbortSignal;
  progress(e: JobProgress): void;
  /** Appends one record to metrics.jsonl (and streams it to watchers). `step` is the x axis of charts. */
  metric(record: Record<string, unknown>): void;
  /**
   * A resumed job calls this once it restored its checkpoint at `step`: the records of metrics.jsonl past
   * that step are dropped, since the job writes them again.
   */
  resumedAt(step: number): void;
  /** Call after a checkpoint is completely written; an interruption then resumes from it. */
  checkpointed(info: { step?: number; epoch?: number }): void;
  log(message: string, level?: 'info' | 'warn' | 'error'): void;
  /** The folder of a model id (workspace or `demo:` model); throws when it has no model.json. */
  modelDir(id: string): string;
}

export interface JobKind<S extends z.ZodType = z.ZodType> {
  kind: string;
  params: S;
  /** Heavy jobs (training, benchmarks, searches) share the runner's maxHeavy slots (default 1). */
  heavy: boolean;
  /** Cores the job's threads use, counted against the runner's core budget (default 1). */
  cores?(params: z.output<S>): number;
  /** Whether run() honours ctx.resume by continuing from ctx.checkpointDir. */
  resumable: boolean;
  /** Whether a successful run leaves a model in ctx.outputModelDir. */
  producesModel: boolean;
  /** The model the params read, so it can be checked at start and protected from deletion. */
  inputModel?(params: z.output<S>): string | undefined;
  /** Does the work; the returned object becomes result.json. */
  run(params: z.output<S>, ctx: JobContext): Promise<Record<string, unknown>>;
}

export type JobRegistry = Record<string, JobKind>;

/** Keeps the params type of one kind while letting the registry hold kinds of any params. */
export function defineKind<S extends z.ZodType>(kind: JobKind<S>): JobKind {
  return kind as unknown as JobKind;
}
