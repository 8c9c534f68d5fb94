import fc from 'fast-check';
import { diagonal as diagonalStructure } from '@unroll/scan';
import { solve } from '@unroll/solvers';
import { createRng, meanFieldRnn, linear } from '@unroll/systems';
import { describe, expect, it } from 'vitest';
import { expectRefusal } from '../../scan/test/expect-refusal.mjs';
import { largestLyapunovExponent, predictIterationsAtRate, rollout } from './index.js';

/** Jacobi on s_t = α s_{t−1} + b from zeros, stop 'delta': the measured count and δ₁. */
function jacobiScalar(alpha: number, b: number, s0: number, T: number, tol: number): { iterations: number; firstChange: number } {
  const dyn = linear({ structure: diagonalStructure(1), A: [alpha], b: [b] });
  const r = solve(dyn, [s0], T, { method: 'jacobi', stop: 'delta', tol });
  return { iterations: r.iterations, firstChange: r.trace.delta[0] ?? Number.NaN };
}

describe('predictIterationsAtRate', () => {
  it('the closed form ⌊ln(δ₁/tol)/ln(1/ρ)⌋ + 2: halving from 1 to below 1e-8 takes 28 solves', () => {
    // δ_i = 2^{1−i}: δ_28 = 2^{−27} ≈ 7.5e-9 < 1e-8 ≤ δ_27 = 1.5e-8.
    expect(predictIterationsAtRate({ rate: 0.5, firstChange: 1, tol: 1e-8, T: 1000 }).iterations).toBe(28);
    expect(predictIterationsAtRate({ lle: Math.log(0.5), firstChange: 1, tol: 1e-8, T: 1000 }).iterations).toBe(28);
    expect(predictIterationsAtRate({ rate: 0.5, firstChange: 1, tol: 1e-8, T: 20 })).toEqual({ iterations: 20, rate: 0.5, contracts: true, capped: true });
    expect(predictIterationsAtRate({ rate: 0, firstChange: 3, tol: 1e-8, T: 50 }).iterations).toBe(2);
    expect(predictIterationsAtRate({ rate: 0.9, firstChange: 1e-9, tol: 1e-8, T: 50 }).iterations).toBe(1);
    expect(predictIterationsAtRate({ rate: 1.2, firstChange: 1, tol: 1e-8, T: 50 })).toEqual({ iterations: 50, rate: 1.2, contracts: false, capped: true });
    expect(predictIterationsAtRate({ lle: 0.3, firstChange: 1, tol: 1e-8, T: 50 }).contracts).toBe(false);
  });

  it('is exact for Jacobi on s_t = α s_{t−1} + b (δ_i = |α|^{i−1}·δ₁): the count of a measured solve', () => {
    for (const [alpha, b, s0] of [[0.1, 1, 0.3], [0.5, 1, -2], [-0.7, 0.4, 1], [0.9, 2, 0.5], [0.95, 1, 0]] as const) {
      const T = 1000, tol = 1e-8;
      const measured = jacobiScalar(alpha, b, s0, T, tol);
      const predicted = predictIterationsAtRate({ rate: Math.abs(alpha), firstChange: measured.firstChange, tol, T });
      expect(predicted.iterations).toBe(measured.iterations);
    }
  });

  it('fast-check: within one solve of Jacobi on any contracting scalar linear system (a tie at tol can round either way)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -0.97, max: 0.97, noNaN: true }).filter((a) => Math.abs(a) > 0.02),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.integer({ min: -10, max: -4 }),
        (alpha, b, s0, logTol) => {
          const T = 600, tol = 10 ** logTol;
          const measured = jacobiScalar(alpha, b, s0, T, tol);
          const predicted = predictIterationsAtRate({ rate: Math.abs(alpha), firstChange: measured.firstChange, tol, T });
          expect(Math.abs(predicted.iterations - measured.iterations)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('fast-check: in [1, T], non-decreasing in the rate, in δ₁ and in 1/tol', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1.5, noNaN: true }),
        fc.double({ min: 0, max: 1.5, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e3, noNaN: true }),
        fc.double({ min: 1e-12, max: 1e-2, noNaN: true }),
        fc.integer({ min: 1, max: 10_000 }),
        (r1, r2, firstChange, tol, T) => {
          const [lo, hi] = r1 <= r2 ? [r1, r2] : [r2, r1];
          const a = predictIterationsAtRate({ rate: lo, firstChange, tol, T });
          const b = predictIterationsAtRate({ rate: hi, firstChange, tol, T });
          expect(a.iterations).toBeGreaterThanOrEqual(1);
          expect(b.iterations).toBeLessThanOrEqual(T);
          expect(a.iterations).toBeLessThanOrEqual(b.iterations);
          expect(predictIterationsAtRate({ rate: lo, firstChange: 10 * firstChange, tol, T }).iterations).toBeGreaterThanOrEqual(a.iterations);
          expect(predictIterationsAtRate({ rate: lo, firstChange, tol: tol / 10, T }).iterations).toBeGreaterThanOrEqual(a.iterations);
        },
      ),
    );
  });

  it('from the measured LLE, predicts measured Jacobi solves of mean-field RNNs (e^λ is the measured rate)', () => {
    // D = 64, g = 0.5 and 0.8: λ ≈ −0.65 and −0.2 per step. The rate e^λ is asymptotic
    // (the first iterations contract faster or slower while the error aligns with the top
    // Lyapunov direction), so the count is checked to within 15% and against the measured rate.
    const D = 64, T = 400, tol = 1e-8;
    const s0 = new Array<number>(D).fill(0.5);
    for (const g of [0.5, 0.8]) {
      const rnn = meanFieldRnn({ dim: D, g, seed: 1 });
      const states = rollout(rnn, s0, T);
      const lle = largestLyapunovExponent(rnn, s0, states, { burnIn: 50, seed: 1 }).value;
      expect(lle).toBeLessThan(0);
      const rng = createRng(3);
      const init = Float64Array.from({ length: T * D }, () => rng.uniform());
      const r = solve(rnn, s0, T, { method: 'jacobi', stop: 'delta', tol, init });
      const deltas = r.trace.delta;
      const measuredRate = ((deltas[deltas.length - 1] ?? Number.NaN) / (deltas[0] ?? Number.NaN)) ** (1 / (deltas.length - 1));
      expect(Math.abs(measuredRate - Math.exp(lle))).toBeLessThan(0.05);
      const predicted = predictIterationsAtRate({ lle, firstChange: deltas[0] ?? Number.NaN, tol, T });
      expect(Math.abs(predicted.iterations - r.iterations) / r.iterations).toBeLessThan(0.15);
    }
  });

  it('refuses bad input with INVALID_ARGUMENT, NaN included', () => {
    const ok = { firstChange: 1, tol: 1e-8, T: 10 };
    expectRefusal(() => predictIterationsAtRate(ok), 'INVALID_ARGUMENT', /exactly one of rate .* and lle/);
    expectRefusal(() => predictIterationsAtRate({ ...ok, rate: 0.5, lle: -1 }), 'INVALID_ARGUMENT', /exactly one of rate .* got both/);
    expectRefusal(() => predictIterationsAtRate({ ...ok, rate: Number.NaN }), 'INVALID_ARGUMENT', /rate must be a finite number ≥ 0/);
    expectRefusal(() => predictIterationsAtRate({ ...ok, rate: -0.1 }), 'INVALID_ARGUMENT', /rate must be a finite number ≥ 0/);
    expectRefusal(() => predictIterationsAtRate({ ...ok, lle: Number.NaN }), 'INVALID_ARGUMENT', /lle must be a finite number/);
    expectRefusal(() => predictIterationsAtRate({ ...ok, rate: 0.5, firstChange: Number.NaN }), 'INVALID_ARGUMENT', /firstChange must be a finite number ≥ 0/);
    expectRefusal(() => predictIterationsAtRate({ ...ok, rate: 0.5, tol: 0 }), 'INVALID_ARGUMENT', /tol must be finite and > 0/);
    expectRefusal(() => predictIterationsAtRate({ ...ok, rate: 0.5, T: 2.5 }), 'INVALID_ARGUMENT', /T must be an integer ≥ 1/);
    expectRefusal(() => predictIterationsAtRate(null as never), 'INVALID_ARGUMENT', /options/);
  });
});
