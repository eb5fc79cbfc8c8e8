/**
 * What the studio's forms and views need from the core, offered through the contract so the renderer
 * never imports core/: the model presets (name and one-line note), the catalogue's dataset names, and
 * the gallery item of an evaluation result. Pure (the core modules it reads import nothing).
 */
import { REGISTRY_NAMES } from '../../core/data/catalog';
import { PRESETS } from '../../core/model/config';

export type { GalleryItem } from '../../core/train/gallery';

/** Preset name -> what it is sized for, in one line. */
export const PRESET_NOTES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(PRESETS).map(([name, preset]) => [name, preset.note]),
);

/** The catalogue's dataset names, in catalogue order. */
export const DATASET_NAMES: readonly string[] = REGISTRY_NAMES;
