import { defineDynamics, defineStrategy, full, type Dynamics } from '@unroll/linearize';
import { blockDiagonal } from '@unroll/scan';
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

/**
 * Independent pendula in symplectic Euler, states (q₁, p₁, q₂, p₂, …): p' = p − h sin q,
 * q' = q + h p'. The Jacobian is block-diagonal with 2×2 blocks
 * [[1 − h² cos q, h], [−h cos q, 1]], declared through `jacobianStrategy`.
 */
function pendula(D: number, h: number): Dynamics {
  const blocks = defineStrategy({
    name: 'pendulum-blocks',
    structure: (n) => blockDiagonal(n, 2),
    prepare: () => ({
      source: 'closed-form 2×2 blocks',
      cost: { storedPerStep: 2 * D, calls: { step: 0, jacobian: 0, diagonal: 0, jvp: 0 } },
      fill(_t, s, so, out, oo) {
        for (let k = 0; k < D / 2; k++) {
          const c = Math.cos(s[so + 2 * k]);
          out[oo + 4 * k] = 1 - h * h * c;
          out[oo + 4 * k + 1] = h;
          out[oo + 4 * k + 2] = -h * c;
          out[oo + 4 * k + 3] = 1;
        }
      },
    }),
  });
  return defineDynamics({
    dim: D,
    step(_t, s, so, out, oo) {
      for (let k = 0; k < D / 2; k++) {
        const p = s[so + 2 * k + 1] - h * Math.sin(s[so + 2 * k]);
        out[oo + 2 * k + 1] = p;
        out[oo + 2 * k] = s[so + 2 * k] + h * p;
      }
    },
    jacobian(_t, s, so, out, oo) {
      out.fill(0, oo, oo + D * D);
      for (let k = 0; k < D / 2; k++) {
        const c = Math.cos(s[so + 2 * k]), r = 2 * k;
        out[oo + r * D + r] = 1 - h * h * c;
        out[oo + r * D + r + 1] = h;
        out[oo + (r + 1) * D + r] = -h * c;
        out[oo + (r + 1) * D + r + 1] = 1;
      }
    },
    jacobianStrategy: blocks,
  });
}

describe('gradient in the Jacobian’s own structure', () => {
  it('gradient of a system with a declared block-diagonal Jacobian stores T·2D numbers (not T·D²) and equals the dense adjoint', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 2 ** 30 }), (pairs, T, seed) => {
        const D = 2 * pairs;
        const rand = uniform(seed);
        const dyn = pendula(D, 0.1);
        const s0 = Array.from({ length: D }, () => 2 * rand());
        const states = rollout(dyn, s0, T);
        const g = Float64Array.from({ length: T * D }, () => rand());
        const structured = gradient(dyn, s0, states, g);
        const denseAdjoint = gradient(dyn, s0, states, g, { jacobian: full() });
        const sequential = gradient(dyn, s0, states, g, { adjoint: 'sequential' });
        expect(structured.storage).toEqual({ structure: 'block-diagonal', numbers: T * 2 * D });
        expect(denseAdjoint.storage).toEqual({ structure: 'dense', numbers: T * D * D });
        expect(sequential.storage.numbers).toBe(2 * D);
        for (const other of [denseAdjoint, sequential]) {
          for (let i = 0; i < T * D; i++) expect(Math.abs(structured.adjoints[i] - other.adjoints[i])).toBeLessThan(1e-12 * (1 + Math.abs(other.adjoints[i])));
          for (let i = 0; i < D; i++) expect(Math.abs(structured.initialState[i] - other.initialState[i])).toBeLessThan(1e-12 * (1 + Math.abs(other.initialState[i])));
        }
      }),
      { numRuns: 40, seed: 15 },
    );
  });

  it('a jacobianStrategy that is not the exact Jacobian is refused by defineDynamics', () => {
    const wrong = defineStrategy({ name: 'diagonal-only', structure: (n) => blockDiagonal(n, 1), prepare: () => ({ source: 'x', cost: { storedPerStep: 2, calls: { step: 0, jacobian: 0, diagonal: 0, jvp: 0 } }, fill(_t, _s, _so, out, oo) { out[oo] = 1; out[oo + 1] = 1; } }) });
    expect(() => defineDynamics({ dim: 2, step: (_t, s, so, out, oo) => { out[oo] = s[so] + s[so + 1]; out[oo + 1] = s[so + 1]; }, jacobianStrategy: wrong })).toThrow(/not the exact Jacobian/);
  });

  it("gradient(…, { adjoint: 'sequential' }) of a dense system equals the scan", () => {
    const D = 3, T = 50;
    const rand = uniform(7);
    const dyn = rnn(D, Float64Array.from({ length: D * D }, () => rand()), Float64Array.from({ length: 5 * D }, () => rand()));
    const s0 = [0.1, 0.2, 0.3];
    const states = rollout(dyn, s0, T);
    const g = Float64Array.from({ length: T * D }, () => rand());
    const a = gradient(dyn, s0, states, g);
    const b = gradient(dyn, s0, states, g, { adjoint: 'sequential' });
    for (let i = 0; i < T * D; i++) expect(Math.abs(a.adjoints[i] - b.adjoints[i])).toBeLessThan(1e-12 * (1 + Math.abs(a.adjoints[i])));
    expect(b.storage).toEqual({ structure: 'dense', numbers: D * D });
  });
});
