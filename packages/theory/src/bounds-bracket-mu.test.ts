import { henonMap, logisticMap, meanFieldRnn } from '@unroll/systems';
import { describe, expect, it } from 'vitest';
import { largestLyapunovExponent, lyapunovRegularity, meritConditioning, plBounds, rollout } from './index.js';

describe('Theorem 2 on real trajectories', () => {
  const cases = [
    { name: 'mean-field g = 0.6 (predictable)', dyn: meanFieldRnn({ dim: 4, g: 0.6, seed: 2 }), s0: [0.5, -0.3, 0.2, 0.1], T: 60 },
    { name: 'mean-field g = 2.5', dyn: meanFieldRnn({ dim: 4, g: 2.5, seed: 5 }), s0: [0.5, -0.3, 0.2, 0.1], T: 60 },
    { name: 'logistic r = 3.9 (chaotic)', dyn: logisticMap({ r: 3.9 }), s0: [0.3], T: 80 },
    { name: 'Hénon (chaotic)', dyn: henonMap(), s0: [0.1, 0.1], T: 60 },
  ];
  for (const { name, dyn, s0, T } of cases) {
    it(`${name}: the exact μ sits inside plBounds built from the measured LLE, a and b`, () => {
      const states = rollout(dyn, s0, T);
      // λ and (a, b) of eq. 10 on the same trajectory: the product norms over every window.
      const lle = largestLyapunovExponent(dyn, s0, states).value;
      const { a, b } = lyapunovRegularity(dyn, s0, states, { lle });
      expect(a).toBeGreaterThanOrEqual(1);
      expect(b).toBeLessThanOrEqual(1);
      const bounds = plBounds({ lle, T, a, b });
      const exact = meritConditioning(dyn, s0, states);
      expect(exact.exact).toBe(true);
      expect(exact.log10SqrtMu).toBeGreaterThanOrEqual(bounds.log10SqrtMu.lower - 1e-9);
      expect(exact.log10SqrtMu).toBeLessThanOrEqual(bounds.log10SqrtMu.upper + 1e-9);
    });
  }
});
