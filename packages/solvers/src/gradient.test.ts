import { defineDynamics, type Dynamics } from '@unroll/linearize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rollout, tanhRnnWith, uniform } from '../test/systems.js';
import { gradient, solve } from './index.js';

const rnn = tanhRnnWith;

/** L = Σ_t c_t · s_t over a sequential rollout. */
function loss(dyn: Dynamics, s0: number[], T: number, c: Float64Array): number {
  const s = rollout(dyn, s0, T);
  let acc = 0;
  for (let i = 0; i < s.length; i++) acc += c[i] * s[i];
  return acc;
}

describe('gradient', () => {
  it('gradient gives dL/ds_0 and dL/dθ equal to central finite differences of the rollout (1e-6)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 2 ** 30 }), (D, T, seed) => {
        const rand = uniform(seed);
        const W = Float64Array.from({ length: D * D }, () => (1.4 * rand()) / Math.sqrt(D));
        const u = Float64Array.from({ length: 7 * D }, () => rand());
        const c = Float64Array.from({ length: T * D }, () => rand());
        const s0 = Array.from({ length: D }, () => rand());
        const dyn = rnn(D, W, u);
        const { states, converged } = solve(dyn, s0, T, { method: 'deer' });
        expect(converged).toBe(true);
        const g = gradient(dyn, s0, states, c);
        const h = 1e-6;
        for (let j = 0; j < D; j++) {
          const plus = [...s0], minus = [...s0];
          plus[j] += h;
          minus[j] -= h;
          const fd = (loss(dyn, plus, T, c) - loss(dyn, minus, T, c)) / (2 * h);
          expect(Math.abs(g.initialState[j] - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
        }
        for (let p = 0; p < D * D; p++) {
          const Wp = W.slice(), Wm = W.slice();
          Wp[p] += h;
          Wm[p] -= h;
          const fd = (loss(rnn(D, Wp, u), s0, T, c) - loss(rnn(D, Wm, u), s0, T, c)) / (2 * h);
          expect(Math.abs(g.params![p] - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
        }
      }),
      { numRuns: 25 },
    );
  });

  it('gradient on two threads equals one thread, and the last adjoint is ∂ℓ_T/∂s_T', () => {
    const D = 3, T = 3000, rand = uniform(4);
    const dyn = rnn(D, Float64Array.from({ length: 9 }, () => 0.8 * rand()), Float64Array.from({ length: 21 }, () => rand()));
    const s0 = [0.1, 0.2, 0.3];
    const { states } = solve(dyn, s0, T, { method: 'quasi-deer' });
    const c = Float64Array.from({ length: T * D }, () => rand());
    const one = gradient(dyn, s0, states, c);
    const two = gradient(dyn, s0, states, c, { threads: 2 });
    for (let i = 0; i < T * D; i++) expect(Math.abs(one.adjoints[i] - two.adjoints[i])).toBeLessThan(1e-9 * Math.max(1, Math.abs(one.adjoints[i])));
    expect(Array.from(one.adjoints.slice((T - 1) * D))).toEqual(Array.from(c.slice((T - 1) * D)));
    expect(one.params).toBeDefined();
  });

  it('gradient rejects mismatched arrays', () => {
    const dyn = rnn(2, new Float64Array(4), new Float64Array(14));
    expect(() => gradient(dyn, [0, 0], new Float64Array(6), new Float64Array(4))).toThrow(expect.objectContaining({ code: 'LENGTH_MISMATCH' }) as Error);
    expect(() => gradient(dyn, [0], new Float64Array(6), new Float64Array(6))).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH' }) as Error);
    expect(() => defineDynamics({ dim: 1, step: (_t, s, so, out, oo) => { out[oo] = s[so]!; }, paramCount: 2 })).toThrow(/paramCount and vjpParams together/);
  });
});
