/**
 * The data layer's public types (SPEC 5). Everything here is plain typed arrays so the data code
 * never needs tfjs; the training code turns a Batch into tensors itself.
 */

/** One split held in memory. */
export interface ImageSet {
  /** [count, height, width, channels], raw 0..255, row-major (NHWC). */
  images: Uint8Array;
  /** [count], 0..numClasses-1. */
  labels: Int32Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

export interface DatasetInfo {
  /** Registry name, e.g. 'fashion-mnist' or 'folder:/data/pets'. */
  name: string;
  /** Where it was read from: the kind ('debian' | 'embedded' | 'download' | 'folder' | 'path') and the path. */
  source: string;
  classNames: string[];
  height: number;
  width: number;
  channels: number;
  /** Per-channel normalisation statistics, on the 0..1 scale. */
  mean: number[];
  std: number[];
  /** Whether horizontal-flip augmentation makes sense (false for digits and (Fashion-)MNIST). */
  flip: boolean;
  /** Padding for random-crop augmentation (2 for 28 px, 4 for 32 px, 8 for 64 px). */
  cropPadding: number;
}

export interface Dataset {
  info: DatasetInfo;
  train: ImageSet;
  val: ImageSet;
  test: ImageSet;
  /** Which training images `val` holds (loadDataset sets it; data built in memory may have none). */
  valSplit?: ValidationSplit;
}

/**
 * A validation split, as a model records it (metadata `validationSplit`) and a loaded dataset states it: enough to
 * rebuild it (dataset, seed, fraction, classes) and to check that what was rebuilt is the same images (the hash).
 */
export interface ValidationSplit {
  dataset: string;
  seed: number;
  valFraction: number;
  /** The class filter the split was made under (absent: every class). */
  classes?: number[];
  /** Number of images held out. */
  size: number;
  /** sha256 (hex) of the held-out indices into the dataset's training file, ascending, as little-endian uint32. */
  indicesSha256: string;
}

/** Which copy of a registry dataset to read; 'auto' picks the best present one. */
export type SourcePreference = 'auto' | 'debian' | 'embedded' | 'download';

export interface LoadOptions {
  /** Data root for downloaded datasets (default: $SKIPVIT_DATA or ~/.cache/skipvit/datasets). */
  root?: string;
  /** Fraction of train held out as validation, class-stratified with a fixed seed; default 0.1. */
  valFraction?: number;
  /** Split seed; default 0. */
  seed?: number;
  /** Keep only these classes, relabelled 0..k-1 in the given order (class names follow). */
  classes?: number[];
  /** Optional caps: the first N after the seeded shuffle (not class-balanced). */
  limit?: { train?: number; test?: number };
  /** fashion-mnist only: force one copy (tests use 'embedded'); default 'auto'. */
  prefer?: SourcePreference;
}

export interface Batch {
  /** [size, H, W, C], normalised: (v/255 - mean) / std. */
  x: Float32Array;
  y: Int32Array;
  size: number;
  /** Index in the ImageSet of each image in the batch. */
  indices: Int32Array;
}

export interface StreamOptions {
  batchSize: number;
  shuffle: boolean;
  augment: boolean;
  seed: number;
  /** Shuffle order and augmentation depend only on (seed, epoch, batch index): deterministic and resumable. */
  epoch?: number;
  /** Resume mid-epoch: start at this batch index. */
  startBatch?: number;
  /** Drop the last, smaller batch; default false. */
  dropLast?: boolean;
}

/** One row of `listDatasets`. */
export interface DatasetListing {
  name: string;
  path: string;
  present: boolean;
  sizeBytes: number;
  /** 'debian' | 'embedded' | 'download' | 'missing'. */
  source: string;
}

export interface FetchProgress {
  phase: 'download' | 'verify' | 'extract';
  /** Bytes done in this phase (download: including a resumed part). */
  done: number;
  /** Bytes expected, or 0 when the server did not say. */
  total: number;
}
