import { describe, expect, it } from 'vitest';
import { pct, trainTime } from '../../src-main/cli/format';

describe('CLI summary figures', () => {
  it('a training time says whether it covers the whole run', () => {
    expect(trainTime({ wallSeconds: 61.4, resumedFromStep: 0, trainedSeconds: 61.4 })).toBe('61 s');
    expect(trainTime({ wallSeconds: 30, resumedFromStep: 800, trainedSeconds: 95.6 })).toBe('96 s over every resume');
    expect(trainTime({ wallSeconds: 30, resumedFromStep: 800, trainedSeconds: null })).toBe('30 s from the resume at step 800');
    // A result written before the fields existed reads as a fresh run.
    expect(trainTime({ wallSeconds: 12 })).toBe('12 s');
  });

  it('a fraction as a percentage', () => {
    expect(pct(0.88134)).toBe('88.13%');
    expect(pct(0.5, 1)).toBe('50.0%');
  });
});
