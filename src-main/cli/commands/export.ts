/**
 * `skipvit export`: a point of a search's front to a folder (SPEC 8): the model with pruned layers
 * removed, config.json and report.md with charts. The search is a workspace run id or a result JSON file
 * (`skipvit search --out FILE`, or a run's result.json). With `--format onnx`, one `.onnx` file instead
 * (of a search point, or of a trained model given by --model alone), checked in onnxruntime against tfjs.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { resolveWorkspaceDir } from '../../app/workspace/location';
import { Workspace } from '../../app/workspace/workspace';
import { initBackend, type AdapterKind, type BackendName } from '../../core/backend';
import { exportPoint } from '../../core/export/export';
import { parseSearchResult, pickPoint, readSearchResultFile } from '../../core/export/search-result';
import { oneOf, requireString, UsageError, type FlagValues } from '../args';
import type { CliIO } from '../output';
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

/** --point as a front index or 'knee'. */
function pointFlag(flags: FlagValues): number | 'knee' {
  const raw = requireString(flags, 'point');
  const point = raw === 'knee' ? 'knee' : Number(raw);
  if (point !== 'knee' && !(Number.isInteger(point) && point >= 0)) {
    throw new UsageError(`--point must be a front index (0, 1, ...) or "knee", got "${raw}"`);
  }
  return point;
}

async function exportOnnx(flags: FlagValues, io: CliIO): Promise<number> {
  const out = path.resolve(requireString(flags, 'out'));
  const graph = flags.graph === undefined ? undefined : oneOf(flags, 'graph', ['static', 'dynamic']);
  let modelDir: string;
  let point: { index: number; prunedLayers: number[]; gateBias: number[] } | undefined;
  if (flags.run !== undefined) {
    const run = requireString(flags, 'run');
    const { result, source } = await loadSource(run, flags.workspace as string | undefined);
    const where = source.file ?? `search run ${source.run}`;
    const parsed = parseSearchResult(result, where);
    const p = pickPoint(parsed, pointFlag(flags), where);
    point = { index: p.index, prunedLayers: p.prunedLayers, gateBias: p.gateBias };
    modelDir = path.resolve(flags.model ? String(flags.model) : parsed.model);
  } else {
    modelDir = path.resolve(requireString(flags, 'model'));
  }
  await initBackend(flags.backend as BackendName | 'auto');
  const { exportOnnxFile } = await import('../../core/onnx/export-file');
  const r = await exportOnnxFile({ modelDir, out, force: Boolean(flags.force), graph, point });
  io.result(r, () =>
    `wrote ${r.out} (${(r.bytes / 1024).toFixed(0)} KiB): ${r.graph} graph, ${r.layers} layers (source layers ${r.sourceLayers.join(' ')})` +
    (point ? `, search point ${point.index}` : '') +
    (r.check.images
      ? `\nchecked in onnxruntime (${r.check.provider}) on ${r.check.images} test images: max |logit - tfjs| ${r.check.maxLogitDiff.toExponential(1)}, ${r.check.decisionsDiffer} images with other skip decisions`
      : '\nnot checked: the model does not name its dataset'),
  );
  return 0;
}

export const command = defineCommand(
  'skipvit export --run ID|FILE --point INDEX|knee --out DIR [--force]  |  skipvit export --format onnx (--model DIR | --run ID|FILE --point P) --out FILE.onnx [--graph static|dynamic]',
  {
    format: { type: 'string', help: 'folder (tfjs model, config.json, report.md) or onnx (one .onnx file)', default: 'folder' },
    graph: { type: 'string', help: 'onnx: static (every kept layer runs) or dynamic (the gates skip per image); default by the model' },
    run: { type: 'string', help: 'search run id in the workspace, or a search result JSON file' },
    point: { type: 'string', help: 'index into the front, or "knee"' },
    out: { type: 'string', help: 'folder to write (must be absent or empty unless --force)' },
    force: { type: 'boolean', help: 'replace an earlier export in --out' },
    model: { type: 'string', help: "the searched model's folder, if it moved since the search; with --format onnx alone, the model to export" },
  },
  async ({ flags }, io) => {
    if (oneOf(flags, 'format', ['folder', 'onnx']) === 'onnx') return exportOnnx(flags, io);
    const run = requireString(flags, 'run');
    const point = pointFlag(flags);
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
