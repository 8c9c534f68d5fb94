import { solve } from '@unroll/solvers';
import { meanFieldRnn } from '@unroll/systems';
import { describe, expect, it } from 'vitest';
import { advise } from './index.js';

describe('advise', () => {
  it('parallel for a predictable mean-field RNN (g = 0.5), sequential for a chaotic one (g = 2); predicted iterations within 3× of measured', () => {
    const cases = [
      { g: 0.5, T: 1000, parallel: true },
      { g: 2, T: 1000, parallel: false },
    ];
    const record: Record<string, unknown> = {};
    for (const { g, T, parallel } of cases) {
      const D = 32;
      const inputs = Array.from({ length: T }, (_, t) => Array.from({ length: D }, (_, i) => 0.1 * Math.sin(0.05 * t + i)));
      const dyn = meanFieldRnn({ dim: D, g, seed: 1, inputs });
      const s0 = new Array<number>(D).fill(0.5);
      const advice = advise(dyn, s0, T);
      expect(advice.predictable).toBe(parallel);
      expect(advice.recommended === 'sequential').toBe(!parallel);
      expect(advice.reasons.length).toBeGreaterThanOrEqual(3);
      const measured = solve(dyn, s0, T, { method: advice.parallelMethod, tol: 1e-8 }).iterations;
      expect(advice.predictedIterations).toBeLessThanOrEqual(3 * measured);
      expect(advice.predictedIterations).toBeGreaterThanOrEqual(measured / 3);
      record[`g=${g}`] = { lle: Number(advice.lle.toFixed(3)), method: advice.parallelMethod, predicted: advice.predictedIterations, measured, relativeCost: Number(advice.relativeCost.toPrecision(2)) };
    }
    expect(record).toMatchInlineSnapshot(`
      {
        "g=0.5": {
          "lle": -0.533,
          "measured": 34,
          "method": "jacobi",
          "predicted": 34,
          "relativeCost": 0.61,
        },
        "g=2": {
          "lle": 0.044,
          "measured": 1000,
          "method": "jacobi",
          "predicted": 1000,
          "relativeCost": 18,
        },
      }
    `);
  });

  it('rejects bad input; very short sequences stay sequential', () => {
    const dyn = meanFieldRnn({ dim: 4, g: 0.5, seed: 1 });
    expect(() => advise(dyn, [0, 0, 0, 0], 0)).toThrow(/T must be an integer/);
    expect(() => advise(dyn, [0, 0, 0, 0], 100, { prefix: 200 })).toThrow(/prefix/);
    expect(() => advise(dyn, [0, 0, 0, 0], 100, { processors: 0 })).toThrow(/processors/);
    expect(advise(dyn, [0, 0, 0, 0], 5).recommended).toBe('sequential');
  });
});
