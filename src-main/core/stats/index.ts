/** Statistics for results that hold up: paired tests of two classifiers on the same images, seed summaries. */
export { binomialHalfCdf, mcnemar, mcnemarExactP, type McNemarResult } from './mcnemar';
export { pairedBootstrap, type BootstrapInterval, type BootstrapOptions } from './paired-bootstrap';
export { meanSd, type MeanSd } from './summary';
export { pairedTTest, tQuantile, tTwoSidedP, type PairedTTest } from './paired-t';
