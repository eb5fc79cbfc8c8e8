/**
 * `skipvit search`: the NSGA-II post-training search of a dynamic model (SPEC 2, 9). With --workspace the
 * search is recorded there as a run (run.json, metrics.jsonl with the hypervolume per generation,
 * result.json), so the studio lists it and `skipvit export --run ID` can export its points.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../../app/workspace/atomic';
import { JsonlWriter } from '../../app/workspace/jsonl';
import { METRICS_FILE, newRunId, RESULT_FILE, selfOwner } from '../../app/workspace/run-store';
import type { RunDoc } from '../../app/workspace/schemas';
import { endRun, Workspace } from '../../app/workspace/workspace';
import { initBackend, type BackendName } from '../../core/backend';
import { DEFAULT_SEARCH_OBJECTIVE, SEARCH_OBJECTIVES } from '../../core/search/vit-objective';
import { runSearch, type VitSearchResult } from '../../core/search/vit-search';
import { writeFileAtomic } from '../../core/util/atomic';
import { CancelledError } from '../../core/util/cancel';
import { oneOf, requireString } from '../args';
import { defineCommand } from '../command';
import { ENGINE_FLAGS, engineChoice } from '../engine-flags';
import { WORKERS_FLAG, workersOf } from '../workers';
import { table, type CliIO } from '../output';

/** A search recorded as a workspace run, written directly (the search runs in this process). */
function recordRun(workspaceDir: string, params: Record<string, unknown>) {
  const { workspace } = Workspace.open(workspaceDir);
  const now = new Date().toISOString();
  let doc: RunDoc = {
    schemaVersion: 1,
    id: newRunId('search'),
    kind: 'search',
    name: `search ${path.basename(String(params.model))} (CLI)`,
    status: 'running',
    createdAt: now,
    updatedAt: now,
    startedAt: now,
    params,
    attempts: [{ startedAt: now, status: 'running', resumed: false }],
    resumableKind: false,
    owner: selfOwner(),
  };
  workspace.runs.create(doc);
  const metrics = new JsonlWriter(workspace.runs.file(doc.id, METRICS_FILE));
  return {
    id: doc.id,
    dir: workspace.runs.dir(doc.id),
    progress(fraction: number, message: string) {
      const at = new Date().toISOString();
      doc = { ...doc, progress: { fraction, message, at }, updatedAt: at };
      workspace.runs.write(doc);
    },
    metric: (record: Record<string, unknown>) => metrics.append({ ...record, t: Date.now() }),
    succeed(result: VitSearchResult) {
      writeJsonAtomic(workspace.runs.file(doc.id, RESULT_FILE), result);
      const ended = endRun(doc, 'succeeded');
      workspace.runs.write({ ...ended, progress: { fraction: 1, message: 'done', at: ended.updatedAt } });
    },
    fail: (status: 'failed' | 'cancelled', message: string) => workspace.runs.write(endRun(doc, status, message)),
  };
}

function summary(r: VitSearchResult): string {
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  return [
    `search of ${r.model} on ${r.dataset.name}: ${r.front.length} points on the front, knee ${r.knee ?? 'none'}${r.run ? `, run ${r.run}` : ''}`,
    `unpruned dynamic: ${pct(r.baseline.accuracy)} at cost ${pct(r.baseline.meanExecutedCost)}; static: ${pct(r.static.accuracy)} (test, ${r.splits.test.images} images)`,
    table(
      ['point', 'test acc', 'test cost', 'val acc', 'val reward', 'pruned layers', 'gate bias'],
      r.front.map((p) => [
        `${p.index}${p.index === r.knee ? ' (knee)' : ''}`,
        pct(p.accuracy),
        pct(p.meanExecutedCost),
        pct(p.valAccuracy),
        p.valReward.toFixed(4),
        p.prunedLayers.join(' ') || '-',
        p.gateBias.map((b) => b.toFixed(2)).join(' '),
      ]),
    ),
    `hypervolume ${r.hypervolume.map((h) => h.toFixed(4)).join(' -> ')}; ${r.uniqueEvaluations} genomes run (${r.cacheHits} cache hits), ` +
      `${r.evaluationsPerSec.toFixed(2)} evaluations/s, ${r.wallSeconds.toFixed(0)} s on ${r.engine.engine} (${r.engine.device}, ${r.engine.threads} thread${r.engine.threads > 1 ? 's' : ''})`,
  ].join('\n');
}

function cancelOnSigint(io: CliIO): AbortSignal {
  const ac = new AbortController();
  process.once('SIGINT', () => {
    io.log('\ncancelling the search (Ctrl-C again to kill)');
    ac.abort();
  });
  return ac.signal;
}

export const command = defineCommand(
  'skipvit search --model DIR [--pop N --gens G --val-images N --alpha A --objective accuracy|reward --latency] [--engine tfjs|wasm|ort] [--out FILE]',
  {
    model: { type: 'string', help: 'the dynamic model folder to search' },
    dataset: { type: 'string', help: "dataset (default: the model's)" },
    pop: { type: 'number', help: 'population size', default: 24 },
    gens: { type: 'number', help: 'generations after the initial population', default: 10 },
    'val-images': { type: 'number', help: 'validation images each genome is evaluated on', default: 2000 },
    'test-images': { type: 'number', help: 'test images for the final front (default: the whole test split)' },
    alpha: { type: 'number', help: 'reward cost weight (default: the alpha the agent was trained with, else 3)' },
    objective: { type: 'string', help: 'maximise plain accuracy or the RL reward (accuracy - alpha * cost)', default: DEFAULT_SEARCH_OBJECTIVE },
    latency: { type: 'boolean', help: 'add measured latency as a third objective (not repeatable)' },
    'bias-range': { type: 'number', help: 'gate biases range over [-R, R]', default: 4 },
    seed: { type: 'number', help: 'seed of the search', default: 0 },
    'batch-size': { type: 'number', help: 'images per forward pass', default: 256 },
    out: { type: 'string', help: 'also write the result JSON to this file' },
    ...ENGINE_FLAGS,
    workers: WORKERS_FLAG,
  },
  async ({ flags }, io) => {
    const model = path.resolve(requireString(flags, 'model'));
    const objective = oneOf(flags, 'objective', SEARCH_OBJECTIVES);
    const choice = engineChoice(flags);
    const backend = await initBackend(choice.backend as BackendName | 'auto');
    const opts = {
      model,
      dataset: flags.dataset as string | undefined,
      pop: Number(flags.pop),
      gens: Number(flags.gens),
      valImages: Number(flags['val-images']),
      testImages: flags['test-images'] === undefined ? undefined : Number(flags['test-images']),
      alpha: flags.alpha === undefined ? undefined : Number(flags.alpha),
      objective,
      latency: Boolean(flags.latency),
      biasRange: Number(flags['bias-range']),
      seed: Number(flags.seed),
      batchSize: Number(flags['batch-size']),
      engine: choice.engine,
      threads: choice.threads,
    };
    const run = flags.workspace ? recordRun(String(flags.workspace), { ...opts, backend: backend.name }) : null;
    if (run) io.log(`run ${run.id} (${run.dir})`);
    const bar = io.progress('search');
    let lastWrite = 0;
    let result: VitSearchResult;
    try {
      result = await runSearch(
        { ...opts, run: run?.id ?? null },
        {
          signal: cancelOnSigint(io),
          workers: workersOf(flags, backend.name),
          onProgress(fraction, message) {
            bar.update(fraction, message);
            if (run && Date.now() - lastWrite > 1000) {
              lastWrite = Date.now();
              run.progress(fraction, message);
            }
          },
          onGeneration: (g) =>
            run?.metric({
              step: g.generation,
              generation: g.generation,
              hypervolume: g.hypervolume,
              frontSize: g.front.length,
              evaluations: g.evaluations,
            }),
        },
      );
    } catch (err) {
      run?.fail(err instanceof CancelledError ? 'cancelled' : 'failed', (err as Error).message);
      throw err;
    }
    bar.done(`${result.front.length} points`);
    run?.succeed(result);
    if (flags.out) {
      const file = path.resolve(String(flags.out));
      await fs.mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, JSON.stringify(result, null, 1));
    }
    io.result(result, () => summary(result));
    return 0;
  },
);
