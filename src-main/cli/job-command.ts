/**
 * The one way the CLI runs a job (issue 14): a command's flags become the job kind's params through ONE
 * mapping, and the same params then run either through the workspace's runner (`--workspace`, or
 * SKIPVIT_WORKSPACE: the run gets its folder, shows in the studio, resumes with `skipvit runs resume`) or in
 * this process with the very same kind (app/jobs/kinds.ts), reading and writing the folders the flags name.
 * So every flag reaches the job either way, and what a job does is written once.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { JobContext } from '../app/jobs/types';
import { JOB_PARAMS, ModelIdSchema, type BuiltinKind, type JobParamsInput } from '../app/contract/job-params';
import { parseArgs, UsageError, type FlagSpec, type FlagValues } from './args';
import { COMMON_FLAGS, defineCommand, type Command } from './command';
import type { CliIO } from './output';

/** Where the job's model references point: workspace model ids, or (without a workspace) folders. */
export interface ModelRefs {
  /** The params value for a model the flag `flag` names (a folder, or with a workspace also a model id). */
  model(value: string, flag: string): string;
}

/** What a command will run: the job's kind and params, whether it resumes, and where its model is copied. */
export interface JobPlan<K extends BuiltinKind> {
  kind: K;
  params: JobParamsInput<K>;
  /** Continue from the latest checkpoint (without a workspace: <out>/checkpoints; with one: the same run). */
  resume: boolean;
  /** The model folder to write (without a workspace) or to copy the produced model to (with one). */
  out?: string;
  /** Without a workspace: the folder each model reference of the params stands for. */
  folders?: Record<string, string>;
}

export interface JobCommandSpec<K extends BuiltinKind> {
  kind: K;
  usage: string;
  flags: Record<string, FlagSpec>;
  /** The one flags-to-params mapping of this job kind. */
  params(flags: FlagValues, refs: ModelRefs): JobParamsInput<K>;
  /** Whether the job writes a model (then --out is where, without a workspace). */
  producesModel?: boolean;
  /** One human paragraph for the result. */
  summary(result: Record<string, unknown>): string;
  /** Writes extra outputs the CLI offers besides the result (e.g. search --out FILE). */
  after?(result: Record<string, unknown>, flags: FlagValues): Promise<void>;
}

export interface JobCommand<K extends BuiltinKind> extends Command {
  /** Every flag the command documents (its own and the common ones). */
  flags: Record<string, FlagSpec>;
  /** The plan for these arguments, as the command would run it (tests: every flag reaches the job). */
  plan(argv: string[], opts?: { workspace?: string }): JobPlan<K>;
}

export function workspaceOf(flags: FlagValues): string | undefined {
  return (flags.workspace as string | undefined) ?? (process.env.SKIPVIT_WORKSPACE?.trim() || undefined);
}

const isModelFolder = (value: string) => fs.existsSync(path.join(value, 'model.json'));

/** Model references without a workspace: each folder gets a handle id the in-process context resolves. */
function folderRefs(): ModelRefs & { folders: Map<string, string> } {
  const folders = new Map<string, string>();
  return {
    folders,
    model(value, flag) {
      const dir = path.resolve(value);
      if (!isModelFolder(dir)) throw new UsageError(`--${flag}: no model folder at ${dir} (no model.json there)`);
      const id = `cli-model-${folders.size}`;
      folders.set(id, dir);
      return id;
    },
  };
}

/** Model references in a workspace: a model id as is; a folder outside it is imported first (copied once). */
function workspaceRefs(importModel: (dir: string) => string): ModelRefs {
  return {
    model(value, flag) {
      if (isModelFolder(value)) return importModel(path.resolve(value));
      if (ModelIdSchema.safeParse(value).success) return value;
      throw new UsageError(`--${flag}: "${value}" is neither a model folder nor a model id of the workspace (skipvit models list)`);
    },
  };
}

function parsePlan<K extends BuiltinKind>(spec: JobCommandSpec<K>, flags: FlagValues, refs: ModelRefs): JobPlan<K> {
  const params = spec.params(flags, refs);
  const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as JobParamsInput<K>;
  const parsed = (JOB_PARAMS[spec.kind] as z.ZodType).safeParse(clean);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; '));
  }
  return { kind: spec.kind, params: clean, resume: Boolean(flags.resume), ...(flags.out ? { out: path.resolve(String(flags.out)) } : {}) };
}

/** The in-process context: the job's folders are the ones the flags name; progress goes to the CLI's bar. */
function directContext(io: CliIO, label: string, folders: Map<string, string>, out: string | undefined, resume: boolean): JobContext {
  const bar = io.progress(label);
  const signal = interruptSignal(io);
  const dir = out ?? process.cwd();
  return {
    runId: '',
    runDir: dir,
    workspace: '',
    checkpointDir: path.join(dir, 'checkpoints'),
    outputModelDir: dir,
    resume,
    signal,
    progress(e) {
      const metrics = Object.entries(e.metrics ?? {}).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(3)}`);
      bar.update(e.fraction, [e.message ?? '', ...metrics].filter(Boolean).join('  '));
    },
    metric: () => undefined, // the run folder is the studio's; without a workspace there is none
    resumedAt: () => undefined,
    checkpointed: () => undefined,
    log: (message, level = 'info') => level !== 'info' && io.log(`${level}: ${message}`),
    modelDir(id) {
      const found = folders.get(id);
      if (!found) throw new Error(`no model "${id}"`);
      return found;
    },
  };
}

/** An AbortSignal fired by the first Ctrl-C (the second one kills the process as usual). */
function interruptSignal(io: CliIO): AbortSignal {
  const ac = new AbortController();
  process.once('SIGINT', () => {
    io.log('\ncancelling: stopping at the next safe point (Ctrl-C again to kill)');
    ac.abort();
  });
  return ac.signal;
}

export function defineJobCommand<K extends BuiltinKind>(spec: JobCommandSpec<K>): JobCommand<K> {
  const command = defineCommand(spec.usage, spec.flags, async ({ flags }, io) => {
    const workspace = workspaceOf(flags);
    const result = workspace ? await runInWorkspace(spec, flags, workspace, io) : await runHere(spec, flags, io);
    await spec.after?.(result, flags);
    io.result(result, () => spec.summary(result));
    return 0;
  });
  return {
    run: (argv) => command.run(argv),
    flags: { ...COMMON_FLAGS, ...spec.flags },
    plan(argv, opts = {}) {
      const { flags } = parseArgs(argv, { ...COMMON_FLAGS, ...spec.flags });
      if (opts.workspace) return parsePlan(spec, flags, workspaceRefs((dir) => importedModelId(dir)));
      const refs = folderRefs();
      return { ...parsePlan(spec, flags, refs), folders: Object.fromEntries(refs.folders) };
    },
  };
}

/** Through the workspace's runner, as the studio runs it. */
async function runInWorkspace<K extends BuiltinKind>(spec: JobCommandSpec<K>, flags: FlagValues, workspace: string, io: CliIO): Promise<Record<string, unknown>> {
  const [{ runJobInCli }, { Workspace }, { resolveWorkspaceDir }] = await Promise.all([
    import('./run-job'),
    import('../app/workspace/workspace'),
    import('../app/workspace/location'),
  ]);
  const root = resolveWorkspaceDir(workspace);
  const { workspace: ws } = Workspace.open(root);
  const plan = parsePlan(spec, flags, workspaceRefs((dir) => ws.models.importFolder(dir, importedModelId(dir))));
  const params = plan.params as Record<string, unknown>;
  const resume = plan.resume ? ws.runs.latestResumable(spec.kind, (JOB_PARAMS[spec.kind] as z.ZodType).parse(params) as Record<string, unknown>) : undefined;
  if (plan.resume && !resume) throw new UsageError(`--resume: no interrupted, cancelled or failed ${spec.kind} run with these parameters in ${root}`);
  const { run, result } = await runJobInCli({ workspace: root, ...(resume ? { resume } : { kind: spec.kind, params }), io });
  if (!spec.producesModel) return { ...result, run: run.id };
  const modelDir = ws.models.dir(run.id);
  if (plan.out) await fs.promises.cp(modelDir, plan.out, { recursive: true });
  return { ...result, run: run.id, model: plan.out ?? modelDir, workspaceModel: run.id };
}

/** In this process, with the same job kind, on the folders the flags name. */
async function runHere<K extends BuiltinKind>(spec: JobCommandSpec<K>, flags: FlagValues, io: CliIO): Promise<Record<string, unknown>> {
  const refs = folderRefs();
  const plan = parsePlan(spec, flags, refs);
  if (spec.producesModel && !plan.out) throw new UsageError('--out is required (the model folder to write), or run it in a workspace with --workspace');
  const { kinds } = await import('../app/jobs/kinds');
  const kind = kinds[spec.kind];
  const ctx = directContext(io, spec.kind, refs.folders, plan.out, plan.resume);
  if (spec.producesModel) fs.mkdirSync(ctx.checkpointDir, { recursive: true });
  const result = await kind.run(kind.params.parse(plan.params), ctx);
  // The handles stood for folders: report the folders. Without a workspace there is no run.
  const out = Object.fromEntries(Object.entries(result).map(([k, v]) => [k, typeof v === 'string' && refs.folders.has(v) ? refs.folders.get(v) : v]));
  if ('run' in out && out.run === '') out.run = null;
  return spec.producesModel ? { ...out, model: plan.out } : out;
}

/** The workspace id a model folder is imported under: its name, made an id, and a hash of its weights' checksum. */
function importedModelId(dir: string): string {
  const name = path.basename(dir).replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 40) || 'model';
  const modelJson = path.join(dir, 'model.json');
  const hash = createHash('sha256').update(fs.existsSync(modelJson) ? fs.readFileSync(modelJson) : dir).digest('hex');
  return `imported-${name}-${hash.slice(0, 8)}`;
}
