/** `skipvit eval --model FILE.onnx --engine ort`: an exported ONNX file evaluated in onnxruntime (no job, no tfjs model). */
import path from 'node:path';
import { loadDataset } from '../../core/data';
import { evaluateOn } from '../../core/train';
import { oneOf, requireString, UsageError, type FlagSpec } from '../args';
import { defineCommand } from '../command';
import { engineChoice } from '../engine-flags';

export async function evalOnnxFile(argv: string[], flags: Record<string, FlagSpec>, evalSummary: (r: Record<string, unknown>) => string): Promise<number> {
  const command = defineCommand('skipvit eval --model FILE.onnx --engine ort [--dataset D] [--split test|val]', flags, async ({ flags }, io) => {
    const file = path.resolve(requireString(flags, 'model'));
    const split = oneOf(flags, 'split', ['test', 'val']);
    const choice = engineChoice(flags);
    if (choice.engine !== 'ort') throw new UsageError(`${file} is an ONNX file: evaluate it with --engine ort`);
    const { ortEngineForFile } = await import('../../core/onnx/ort-engine');
    const { engine, meta } = await ortEngineForFile(file, { threads: choice.threads });
    try {
      const mode = meta.graph;
      const name = (flags.dataset as string | undefined) ?? meta.dataset;
      if (!name) throw new UsageError(`${file} does not name its dataset; pass --dataset`);
      if (flags.static && mode === 'dynamic') throw new UsageError(`${file} holds the dynamic graph only; export the static graph for --static`);
      // The file carries no validation split: "val" is the loader's default hold-out, not the one the model kept.
      const data = await loadDataset(name);
      const bar = io.progress('eval');
      const r = await evaluateOn(engine, data[split], data.info, {
        mode, limit: flags.limit ? Number(flags.limit) : undefined, onProgress: (d, t) => bar.update(d / t, `${d}/${t}`),
      });
      bar.done();
      const result = { model: file, dataset: name, split, mode, engine: engine.device, classNames: data.info.classNames, ...r };
      io.result(result, () => evalSummary(result as unknown as Record<string, unknown>));
    } finally {
      await engine.dispose();
    }
    return 0;
  });
  return command.run(argv);
}
