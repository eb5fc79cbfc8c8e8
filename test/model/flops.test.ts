import { describe, expect, it } from 'vitest';
import { flopCounts, idealSpeedup, layerCosts, paramCounts, presetConfig } from '../../src-main/core/model';
import { smallConfig } from './helpers';

describe('parameter and FLOP counts', () => {
  it('match hand-computed values for the small test config', () => {
    // imageSize 8, patch 4 -> 4 patches, 5 tokens; D 16, hidden 32, K 5, C 3, gateHidden 8, depth 4.
    const c = smallConfig();
    const p = paramCounts(c);
    expect(p.embed).toBe(48 * 16 + 16 + 16 + 5 * 16); // patch w + b, cls, pos = 880
    expect(p.perBlock).toBe(4 * 16 + (16 * 48 + 48) + (16 * 16 + 16) + (16 * 32 + 32) + (32 * 16 + 16)); // 2224
    expect(p.head).toBe(2 * 16 + 16 * 5 + 5); // 117
    expect(p.backbone).toBe(880 + 4 * 2224 + 117);
    expect(p.gates).toBe(4 * (16 * 8 + 8 + 8 * 2 + 2));
    const f = flopCounts(c);
    expect(f.embed).toBe(2 * 4 * 48 * 16); // 6144
    expect(f.attention).toBe(2 * 5 * 16 * 48 + 2 * 25 * 16 + 2 * 25 * 16 + 2 * 5 * 16 * 16); // 7680 + 800 + 800 + 2560
    expect(f.mlp).toBe(2 * 5 * 16 * 32 * 2); // 10240
    expect(f.static).toBe(6144 + 4 * (11840 + 10240) + 2 * 16 * 5);
  });

  it('match hand-computed values for DeiT-Ti on 224 px (the published 5.7M parameters, 1.26 GMACs)', () => {
    const c = presetConfig('tiny', { imageSize: 224, channels: 3, numClasses: 1000 });
    expect(c.patchSize).toBe(16);
    const p = paramCounts(c);
    // timm's deit_tiny_patch16_224 has 5,717,416 parameters.
    expect(p.backbone).toBe(5_717_416);
    const f = flopCounts(c);
    // 197 tokens: per block 2*197*192*576 + 4*197^2*192 + 2*197*192*192 + 4*197*192*768 multiply-adds x2.
    const perBlock = 2 * 197 * 192 * 576 + 4 * 197 * 197 * 192 + 2 * 197 * 192 * 192 + 4 * 197 * 192 * 768;
    expect(f.perBlock).toBe(perBlock);
    expect(f.static / 2 / 1e9).toBeCloseTo(1.26, 1); // fvcore reports 1.26 GMACs (matmuls only)
  });

  it('reference costs follow the thesis (L=12: 0.057 .. 0.108) and the ideal speedup is 1 when everything runs', () => {
    const costs = layerCosts({ depth: 12, costs: 'reference' });
    expect(costs[0]).toBeCloseTo(0.0566, 3);
    expect(costs[11]).toBeCloseTo(0.1083, 3);
    expect(costs.every((c, i) => i === 0 || c > costs[i - 1])).toBe(true);
    const c = smallConfig();
    expect(idealSpeedup(c, c.depth, 0)).toBe(1);
    expect(idealSpeedup(c, c.depth / 2, 0)).toBeGreaterThan(1.5);
  });
});
