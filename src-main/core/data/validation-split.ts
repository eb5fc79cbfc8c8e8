/**
 * The validation split a model was trained against, and the rule that every later "validation" figure of that
 * model (search, studio, eval, bench, further training) is measured on exactly those images: a model that chose
 * its best epoch on split A and is then searched on split B would be scored partly on its own training images.
 */
import { loadDataset } from './load';
import { indicesSha256 } from './split';
import type { Dataset, LoadOptions, ValidationSplit } from './types';

/** "fashion-mnist, 5000 images held out (seed 0, fraction 0.0833), indices sha256 1a2b3c4d5e6f". */
export function describeSplit(s: Pick<ValidationSplit, 'dataset' | 'seed' | 'valFraction' | 'classes'> & Partial<ValidationSplit>): string {
  const held = s.size !== undefined ? `${s.size} images held out` : 'held out';
  const classes = s.classes ? `, classes ${s.classes.join(',')}` : '';
  const hash = s.indicesSha256 ? `, indices sha256 ${s.indicesSha256.slice(0, 12)}` : '';
  return `${s.dataset}, ${held} (seed ${s.seed}, fraction ${+s.valFraction.toFixed(4)}${classes})${hash}`;
}

export { indicesSha256 };

export class SplitMismatchError extends Error {
  constructor(modelDir: string, recorded: ValidationSplit, other: string) {
    super(
      `${modelDir}: the model was trained with the validation split [${describeSplit(recorded)}], but this run's is ` +
        `[${other}]; a different split would score the model partly on its own training images. Use the model's split ` +
        `(leave the validation fraction and seed unset) or retrain the model on this one.`,
    );
    this.name = 'SplitMismatchError';
  }
}

/**
 * Refuses data whose validation split is not the one the model recorded. Nothing is checked for a model that
 * records none (trained before the field existed, or on data built in memory), nor on another dataset than the
 * model's (none of its images were trained on).
 */
export function checkValidationSplit(modelDir: string, recorded: ValidationSplit | undefined, data: Dataset): void {
  if (!recorded || recorded.dataset !== data.info.name) return;
  if (!data.valSplit) throw new SplitMismatchError(modelDir, recorded, `${data.info.name}, unstated (data built in memory)`);
  const a = recorded;
  const b = data.valSplit;
  if (a.dataset !== b.dataset || a.size !== b.size || a.indicesSha256 !== b.indicesSha256) {
    throw new SplitMismatchError(modelDir, recorded, `${describeSplit(b)}; read from ${data.info.source}`);
  }
}

/** The split options a caller asked for explicitly; absent ones are taken from the model. */
export type SplitRequest = Pick<LoadOptions, 'valFraction' | 'seed' | 'classes'>;

/**
 * Loads `name` with the validation split the model recorded (its seed, fraction and classes), checks by hash that
 * the same images came out, and refuses an explicit request for another split. A model recording none gets the
 * split asked for (or loadDataset's default).
 */
export async function loadDatasetForModel(
  modelDir: string,
  recorded: ValidationSplit | undefined,
  name: string,
  opts: LoadOptions = {},
): Promise<Dataset> {
  if (!recorded || recorded.dataset !== name) return loadDataset(name, opts);
  const asked = { valFraction: opts.valFraction ?? recorded.valFraction, seed: opts.seed ?? recorded.seed, classes: opts.classes ?? recorded.classes };
  const sameClasses = JSON.stringify(asked.classes ?? null) === JSON.stringify(recorded.classes ?? null);
  if (asked.valFraction !== recorded.valFraction || asked.seed !== recorded.seed || !sameClasses) {
    throw new SplitMismatchError(modelDir, recorded, describeSplit({ dataset: name, ...asked }));
  }
  const data = await loadDataset(name, { ...opts, ...asked });
  checkValidationSplit(modelDir, recorded, data);
  return data;
}
