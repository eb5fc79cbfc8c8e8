/**
 * `skipvit export`: a point of a search's front to a folder (SPEC 8): the model with pruned layers
 * removed, config.json and report.md with charts. The search is a workspace run id or a result JSON file
 * (`skipvit search --out FILE`, or a run's result.json).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { resolveWorkspaceDir } from '../../app/workspace/location';
import { Workspace } from '../../app/workspace/workspace';
import { initBackend, type AdapterKind, type BackendName } from '../../core/backend';
import { exportPoint } from '../../core/export/export';
import { readSearchResultFile } from '../../core/export/search-result';
import { requireString, UsageError } from '../args';
import { defineCommand } from '../command';

/** The search result and where it came from: a file path, else a run of the workspace. */
async function loadSource(
  run: string,
  workspaceFlag: string | undefined,
): Promise<{ result: unknown; source: { run: string | null; file: string | null } }> {
  if (existsSync(run) && statSync(run).isFile()) {
    const file = path.resolve(run);
    return { result: await readSearchResultFile(file), source: { run: null, file } };
  }
  if (!/^[a-z0-9][a-z0-9-]{0,79}$/.test(run)) throw new UsageError(`--run "${run}" is neither a search result file nor a run id`);
  const { workspace } = Workspace.open(resolveWorkspaceDir(workspaceFlag));
  const doc = workspace.runs.read(run);
  if (doc.kind !== 'search') throw new Error(`run ${run} is a ${doc.kind} run; export needs a search run`);
  if (doc.status !== 'succeeded') throw new Error(`search run ${run} is ${doc.status}, not finished; it has no front to export yet`);
  const result = workspace.runs.readResult(run);
  if (!result) throw new Error(`search run ${run} succeeded but its result.json is missing`);
  return { result, source: { run, file: null } };
}

export const command = defineCommand(
  'skipvit export --run ID|FILE --point INDEX|knee --out DIR [--force]',
  {
    run: { type: 'string', help: 'search run id in the workspace, or a search result JSON file' },
    point: { type: 'string', help: 'index into the front, or "knee"' },
    out: { type: 'string', help: 'folder to write (must be absent or empty unless --force)' },
    force: { type: 'boolean', help: 'replace an earlier export in --out' },
    model: { type: 'string', help: "the searched model's folder, if it moved since the search" },
  },
  async ({ flags }, io) => {
    const run = requireString(flags, 'run');
    const pointFlag = requireString(flags, 'point');
    const point = pointFlag === 'knee' ? 'knee' : Number(pointFlag);
    if (point !== 'knee' && !(Number.isInteger(point) && point >= 0)) {
      throw new UsageError(`--point must be a front index (0, 1, ...) or "knee", got "${pointFlag}"`);
    }
    const out = path.resolve(requireString(flags, 'out'));
    const { result, source } = await loadSource(run, flags.workspace as string | undefined);
    await initBackend(flags.backend as BackendName | 'auto', flags.adapter as AdapterKind);
    const bar = io.progress('export');
    const r = await exportPoint({
      result,
      point,
      out,
      force: Boolean(flags.force),
      source,
      ...(flags.model ? { modelDir: path.resolve(String(flags.model)) } : {}),
      onProgress: (f, m) => bar.update(f, m),
    });
    bar.done();
    const m = r.config.metrics.measured;
    io.result(
      { out: r.out, config: r.config, accuracy: m.accuracy, meanExecutedCost: m.meanExecutedCost },
      () =>
        `exported point ${r.config.source.point} to ${r.out}: ${r.config.layers.pruned.length} of ${r.config.layers.sourceDepth} layers removed, ` +
        `test accuracy ${(m.accuracy * 100).toFixed(2)}%, executed cost ${(m.meanExecutedCost * 100).toFixed(1)}%` +
        (m.matchesSearch ? ' (as in the search)' : ' (DIFFERS from the search: see report.md)'),
    );
    return 0;
  },
);
