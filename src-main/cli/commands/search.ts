/**
 * `skipvit search`: the NSGA-II post-training search of a dynamic model (SPEC 2, 9), as the `search` job. With
 * --workspace it is a run there (run.json, metrics.jsonl with the hypervolume per generation, result.json), so
 * the studio lists it and `skipvit export --run ID` can export its points.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SEARCH_OBJECTIVE, SEARCH_OBJECTIVES } from '../../core/search/vit-objective';
import type { VitSearchResult } from '../../core/search/vit-search';
import { writeFileAtomic } from '../../core/util/atomic';
import { oneOf, requireString } from '../args';
import { defineJobCommand } from '../job-command';
import { ENGINE_FLAGS, engineParams } from '../engine-flags';
import { WORKERS_FLAG } from '../workers';
import { table } from '../output';

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

export const command = defineJobCommand({
  kind: 'search',
  usage: 'skipvit search --model DIR|ID [--pop N --gens G --val-images N --alpha A --objective accuracy|reward --latency] [--engine tfjs|wasm|ort] [--out FILE] [--workspace W]',
  flags: {
    ...ENGINE_FLAGS,
    workers: WORKERS_FLAG,
    model: { type: 'string', help: 'the dynamic model to search: a folder, or with --workspace a model id' },
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
  },
  params: (flags, refs) => {
    return {
      model: refs.model(requireString(flags, 'model'), 'model'),
      dataset: flags.dataset as string | undefined,
      pop: Number(flags.pop),
      gens: Number(flags.gens),
      maxSamples: Number(flags['val-images']),
      maxTestSamples: flags['test-images'] === undefined ? undefined : Number(flags['test-images']),
      alpha: flags.alpha === undefined ? undefined : Number(flags.alpha),
      objective: oneOf(flags, 'objective', SEARCH_OBJECTIVES),
      latency: Boolean(flags.latency),
      biasRange: Number(flags['bias-range']),
      seed: Number(flags.seed),
      batchSize: Number(flags['batch-size']),
      ...engineParams(flags),
      workers: flags.workers === undefined ? undefined : Number(flags.workers),
    };
  },
  async after(result, flags) {
    if (!flags.out) return;
    const file = path.resolve(String(flags.out));
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, JSON.stringify(result, null, 1));
  },
  summary: (r) => summary(r as unknown as VitSearchResult),
});
