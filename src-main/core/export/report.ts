/**
 * report.md of an export, with its charts as PNG: the search's front (test and validation) with the
 * exported point, the knee, the unpruned dynamic and the static model marked; and the hypervolume per
 * generation.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ExportConfig } from './config';
import { renderChart } from './plot/chart';
import type { StoredSearchResult } from './search-result';

export const CHART_FILES = ['charts/pareto.png', 'charts/hypervolume.png'];

const pct = (v: number, d = 2) => `${(v * 100).toFixed(d)}%`;

/** Writes the charts into `dir` (the names in CHART_FILES). */
export async function writeCharts(dir: string, result: StoredSearchResult, point: number): Promise<void> {
  await fs.mkdir(path.join(dir, 'charts'), { recursive: true });
  const front = result.front;
  const chosen = front[point];
  const knee = result.knee === null ? [] : [front[result.knee]];
  const pareto = renderChart({
    title: 'Search front: accuracy versus compute',
    xLabel: 'mean executed layer cost (fraction of all layers)',
    yLabel: 'accuracy',
    yFormat: (v) => pct(v, 1),
    series: [
      { label: 'front, test', color: '#1f77b4', points: front.map((p) => ({ x: p.meanExecutedCost, y: p.accuracy })), line: true },
      { label: 'front, validation', color: '#9ecae1', points: front.map((p) => ({ x: p.valExecutedCost, y: p.valAccuracy })), marker: 3 },
      {
        label: 'unpruned dynamic',
        color: '#ff7f0e',
        points: [{ x: result.baseline.meanExecutedCost, y: result.baseline.accuracy }],
        marker: 6,
      },
      // A ring, so an unpruned dynamic model that runs every layer stays visible inside it.
      { label: 'static', color: '#d62728', points: [{ x: 1, y: result.static.accuracy }], marker: 8, ring: true },
      ...(knee.length
        ? [
            {
              label: 'knee (suggested)',
              color: '#2ca02c',
              points: knee.map((p) => ({ x: p.meanExecutedCost, y: p.accuracy })),
              marker: 9,
              ring: true,
            },
          ]
        : []),
      {
        label: `exported: point ${point}`,
        color: '#111111',
        points: [{ x: chosen.meanExecutedCost, y: chosen.accuracy }],
        marker: 6,
        ring: true,
      },
    ],
  });
  const hv = renderChart({
    title: 'Hypervolume of the front per generation',
    xLabel: 'generation',
    yLabel: 'hypervolume',
    series: [{ label: 'hypervolume', color: '#ff7f0e', points: result.hypervolume.map((y, x) => ({ x, y })), line: true, marker: 3 }],
  });
  await fs.writeFile(path.join(dir, CHART_FILES[0]), pareto);
  await fs.writeFile(path.join(dir, CHART_FILES[1]), hv);
}

export function reportMarkdown(config: ExportConfig): string {
  const { layers, metrics: m, architecture: a, dataset: d } = config;
  const keptAt = new Map(layers.kept.map((l, k) => [l, k]));
  const layerRows = Array.from({ length: layers.sourceDepth }, (_, l) => {
    const k = keptAt.get(l);
    return `| ${l} | ${k === undefined ? 'pruned (removed)' : `kept as layer ${k}`} | ${k === undefined ? '-' : layers.gateBias[k].toFixed(4)} | ${layers.sourceCosts[l].toFixed(4)} |`;
  });
  const hw = m.measured.hardware;
  return [
    `# SkipViT export: point ${config.source.point}${config.source.knee ? ' (the suggested knee)' : ''}`,
    '',
    `Exported ${config.createdAt} from the NSGA-II search${config.source.run ? ` run \`${config.source.run}\`` : ''} of \`${config.source.model}\`` +
      `${config.source.resultFile ? ` (result file \`${config.source.resultFile}\`)` : ''}.`,
    '',
    `${layers.pruned.length} of ${layers.sourceDepth} encoder layers are removed (${layers.pruned.length ? layers.pruned.join(', ') : 'none'}); ` +
      `the remaining ${a.depth} keep their gates, shifted by the biases below. Weights: ${a.parameters.toLocaleString('en-US')} parameters, ${a.weightsBytes.toLocaleString('en-US')} bytes.`,
    '',
    '## Metrics',
    '',
    '| | accuracy | mean executed cost |',
    '|---|---|---|',
    `| this export, measured at export (test, ${m.measured.images} images) | ${pct(m.measured.accuracy)} | ${pct(m.measured.meanExecutedCost, 1)} |`,
    `| this point in the search (test) | ${pct(m.search.testAccuracy)} | ${pct(m.search.testExecutedCost, 1)} |`,
    `| this point in the search (validation, selected on) | ${pct(m.search.valAccuracy)} | ${pct(m.search.valExecutedCost, 1)} |`,
    `| unpruned dynamic model (test) | ${pct(m.baseline.accuracy)} | ${pct(m.baseline.meanExecutedCost, 1)} |`,
    `| static model, every layer (test) | ${pct(m.static.accuracy)} | 100.0% |`,
    '',
    `Executed cost is the mean over images of the layer costs actually run, as a fraction of all ${layers.sourceDepth} original layers' cost. ` +
      `The search maximised ${config.search.objective === 'reward' ? `the RL reward (accuracy - ${config.search.alpha} x executed cost)` : 'accuracy'} and minimised executed cost on validation images. ` +
      `The export run: ${m.measured.imagesPerSec.toFixed(0)} images/s at batch ${m.measured.batchSize} on the ${m.measured.backend ?? 'unknown'} backend, ${hw.cpuModel} (${hw.cpuCores} cores, ${hw.platform}/${hw.arch}, Node ${hw.nodeVersion}). ` +
      (m.measured.matchesSearch
        ? "The exported files reproduce the search's test numbers exactly."
        : "**The exported files do not reproduce the search's test numbers exactly** (another backend or data?)."),
    '',
    '## Layers',
    '',
    '| original layer | in the export | gate bias | cost c_l |',
    '|---|---|---|---|',
    ...layerRows,
    '',
    '## Charts',
    '',
    '![Search front: accuracy versus compute](charts/pareto.png)',
    '',
    '![Hypervolume per generation](charts/hypervolume.png)',
    '',
    '## Input',
    '',
    `${d.name}: ${d.height}x${d.width}x${d.channels} images, NHWC, each channel c normalised as (pixel / 255 - mean[c]) / std[c] with mean ${JSON.stringify(d.preprocessing.mean)} and std ${JSON.stringify(d.preprocessing.std)}. ` +
      `Classes: ${d.classNames.join(', ')}.`,
    '',
    '## Use',
    '',
    '```',
    'skipvit predict --model <this folder> image.png',
    `skipvit eval --model <this folder> --dataset ${d.name}`,
    '```',
    '',
    'The folder is a standard tfjs model (`model.json` + `weights.bin`); `config.json` describes it (schema version ' +
      `${config.schemaVersion}).`,
    '',
  ].join('\n');
}
