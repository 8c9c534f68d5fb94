import { defineDynamics } from '@unroll/linearize';
import { describe, expect, it } from 'vitest';
import { maxAbsErr, rollout } from '../test/systems.js';
import { solve } from './index.js';

describe('README example', () => {
  it('quasi-DEER on s_t = 0.9 tanh(s_{t−1}) + sin(0.1 t) converges to the rollout in a handful of iterations', () => {
    const cell = defineDynamics({
      dim: 1,
      step: (t, s, so, out, oo) => { out[oo] = 0.9 * Math.tanh(s[so]) + Math.sin(0.1 * t); },
      diagonal: (_t, s, so, out, oo) => { const th = Math.tanh(s[so]); out[oo] = 0.9 * (1 - th * th); },
    });
    const { states, iterations, converged } = solve(cell, [0], 10_000, { method: 'quasi-deer' });
    expect(converged).toBe(true);
    expect(iterations).toBeLessThan(20);
    expect(maxAbsErr(states, rollout(cell, [0], 10_000))).toBeLessThan(1e-8);
  });
});
