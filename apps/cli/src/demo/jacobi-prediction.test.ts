import { diagonal } from '@unroll/scan';
import { linear } from '@unroll/systems';
import { describe, expect, it } from 'vitest';
import { jacobiPrediction } from './jacobi-prediction.js';
import { measuredRate } from './measured-rate.js';

describe('jacobiPrediction', () => {
  it('on s_t = α s_{t−1} + 1 with λ = ln α: the count is exact and the measured rate is α', () => {
    for (const alpha of [0.2, 0.5, 0.8]) {
      const dyn = linear({ structure: diagonal(1), A: [alpha], b: [1] });
      const p = jacobiPrediction(dyn, [0.3], 500, Math.log(alpha));
      expect(p.predicted).toBe(p.iterations);
      expect(p.measuredRate).toBeCloseTo(alpha, 8);
      expect(p.predictedRate).toBeCloseTo(alpha, 12);
    }
  });

  it('with λ = 0 (no contraction) predicts T', () => {
    const dyn = linear({ structure: diagonal(1), A: [1], b: [1] });
    expect(jacobiPrediction(dyn, [0], 64, 0).predicted).toBe(64);
  });
});

describe('measuredRate', () => {
  it('is the geometric mean ratio, NaN when nothing can be fitted', () => {
    expect(measuredRate([8, 4, 2, 1])).toBeCloseTo(0.5, 12);
    expect(measuredRate([1])).toBeNaN();
    expect(measuredRate([1, 0])).toBeNaN();
    expect(measuredRate([Number.NaN, 1])).toBeNaN();
  });
});
