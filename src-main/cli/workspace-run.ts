/**
 * With `--workspace` (or SKIPVIT_WORKSPACE), a training command runs as a job of that workspace, through
 * the same runner as the studio: the run gets its folder, metrics and checkpoints there, shows up in the
 * studio, and can be resumed with `skipvit runs resume`. The produced model is copied to `--out` if given.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FlagValues } from './args';
import type { CliIO } from './output';

export function workspaceOf(flags: FlagValues): string | undefined {
  return (flags.workspace as string | undefined) ?? (process.env.SKIPVIT_WORKSPACE?.trim() || undefined);
}

export async function runInWorkspace(
  workspace: string,
  kind: string,
  params: Record<string, unknown>,
  out: string | undefined,
  io: CliIO,
): Promise<Record<string, unknown>> {
  const [{ runJobInCli }, { resolveWorkspaceDir }] = await Promise.all([import('./run-job'), import('../app/workspace/location')]);
  const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  const { run, result } = await runJobInCli({ workspace, kind, params: clean, io });
  const modelDir = path.join(resolveWorkspaceDir(workspace), 'models', run.id);
  if (out) await fs.cp(modelDir, out, { recursive: true });
  return { ...result, run: run.id, model: out ?? modelDir, workspaceModel: run.id };
}
