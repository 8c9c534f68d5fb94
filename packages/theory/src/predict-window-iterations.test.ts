import fc from 'fast-check';
import { dense, diagonal as diagonalStructure } from '@unroll/scan';
import { solve } from '@unroll/solvers';
import { createRng, linear } from '@unroll/systems';
import { describe, expect, it } from 'vitest';
import { expectRefusal } from '../../scan/test/expect-refusal.mjs';
import { predictWindowIterations } from './index.js';

/** C(n, k) by the product formula, for the closed-form checks. */
const binom = (n: number, k: number) => {
  let c = 1;
  for (let j = 0; j < k; j++) c = (c * (n - j)) / (j + 1);
  return c;
};

describe('predictWindowIterations', () => {
  it('B_i = r^p (ε/r)^i C(p − 1, i) E₀, and the count is the first i with B_{i−1} + B_i < tol (at most p)', () => {
    const { iterations, capped, logErrorBound } = predictWindowIterations({ neglected: 0.05, window: 35, initialError: 1, tol: 1e-8 });
    for (let i = 0; i < 35; i++) expect(logErrorBound[i]).toBeCloseTo(Math.log(0.05 ** i * binom(34, i)), 9);
    const B = (i: number) => (i < 35 ? 0.05 ** i * binom(34, i) : 0);
    let first = 35;
    for (let i = 35; i >= 1; i--) if (B(i - 1) + B(i) < 1e-8) first = i;
    expect(iterations).toBe(first);
    expect(iterations).toBe(15);
    expect(capped).toBe(false);
    // The kept part's size r multiplies by r^p and divides ε by r.
    const withR = predictWindowIterations({ neglected: 0.05, kept: 1.01, window: 35, initialError: 1, tol: 1e-8 });
    expect(withR.logErrorBound[3]).toBeCloseTo(35 * Math.log(1.01) + Math.log((0.05 / 1.01) ** 3 * binom(34, 3)), 9);
    // Nothing neglected: exact after one solve, confirmed by the second (Newton's 2).
    expect(predictWindowIterations({ neglected: 0, window: 50, initialError: 3, tol: 1e-8 }).iterations).toBe(2);
    // A guess within tol: B_0 + B_1 = E₀(1 + 0.5·49) < tol stops at once.
    expect(predictWindowIterations({ neglected: 0.5, window: 50, initialError: 1e-10, tol: 1e-8 }).iterations).toBe(1);
    expect(predictWindowIterations({ neglected: 0.5, window: 50, initialError: 1e-9, tol: 1e-8 }).iterations).toBeGreaterThan(1);
    // One step is exact after one iteration; a large ε reaches the window's cap.
    expect(predictWindowIterations({ neglected: 10, window: 1, initialError: 1, tol: 1e-8 }).iterations).toBe(1);
    expect(predictWindowIterations({ neglected: 0.9, window: 40, initialError: 1, tol: 1e-8 })).toMatchObject({ iterations: 40, capped: true });
    // Long windows stay finite (C(999, 500) overflows a double).
    expect(predictWindowIterations({ neglected: 0.02, window: 1000, initialError: 1, tol: 1e-8 }).iterations).toBeLessThan(1000);
  });

  it('is exact for Picard on s_t = a s_{t−1} + b from a guess off by E₀ at every step (ε = 1 − a): the count of a measured solve', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 0.99, noNaN: true }), fc.integer({ min: 2, max: 80 }), fc.double({ min: 1e-3, max: 10, noNaN: true }), (a, p, e0) => {
        const dyn = linear({ structure: diagonalStructure(1), A: [a], b: [1] });
        const exact = solve(dyn, [0.3], p, { method: 'sequential' }).states;
        const init = Float64Array.from(exact, (v) => v + e0);
        const r = solve(dyn, [0.3], p, { method: 'picard', tol: 1e-8, init });
        // The changes are exactly B_{i−1} + B_i; a tie at tol can round either way.
        expect(Math.abs(r.iterations - predictWindowIterations({ neglected: 1 - a, window: p, initialError: e0, tol: 1e-8 }).iterations)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 60 },
    );
  });

  it('bounds Picard and quasi-DEER on coupled linear systems from any initial guess (ε: the neglected part, r: the kept diagonal)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.3, max: 0.3, noNaN: true }), { minLength: 9, maxLength: 9 }),
        fc.array(fc.double({ min: -1, max: 1.02, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 2, max: 60 }),
        fc.integer({ min: 0, max: 1e6 }),
        (off, diag, p, seed) => {
          const A = off.map((v, k) => (k % 4 === 0 ? (diag[k / 4] ?? 0) : v));
          const dyn = linear({ structure: dense(3), A, b: [1, -1, 0.5] });
          const s0 = [0.5, -0.5, 0.2];
          const exact = solve(dyn, s0, p, { method: 'sequential' }).states;
          const rng = createRng(seed);
          const init = Float64Array.from(exact, (v) => v + rng.normal());
          let e0 = 0;
          for (let k = 0; k < init.length; k++) e0 = Math.max(e0, Math.abs((init[k] ?? 0) - (exact[k] ?? 0)));
          const rowSum = (skipDiagonal: boolean, shift: number) =>
            Math.max(...[0, 1, 2].map((i) => [0, 1, 2].reduce((acc, j) => acc + (i === j ? (skipDiagonal ? 0 : Math.abs((A[i * 3 + j] ?? 0) - shift)) : Math.abs(A[i * 3 + j] ?? 0)), 0)));
          const quasi = solve(dyn, s0, p, { method: 'quasi-deer', tol: 1e-8, init });
          const quasiBound = predictWindowIterations({ neglected: rowSum(true, 0), kept: Math.max(...diag.map(Math.abs)), window: p, initialError: e0, tol: 1e-8 });
          expect(quasi.iterations).toBeLessThanOrEqual(quasiBound.iterations);
          const picard = solve(dyn, s0, p, { method: 'picard', tol: 1e-8, init });
          const picardBound = predictWindowIterations({ neglected: rowSum(false, 1), window: p, initialError: e0, tol: 1e-8 });
          expect(picard.iterations).toBeLessThanOrEqual(picardBound.iterations);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses malformed options with a message that says what to pass', () => {
    const ok = { neglected: 0.05, window: 35, initialError: 1, tol: 1e-8 };
    expectRefusal(() => predictWindowIterations({ ...ok, neglected: Number.NaN }), 'INVALID_ARGUMENT', /neglected must be a finite number ≥ 0/);
    expectRefusal(() => predictWindowIterations({ ...ok, neglected: -0.1 }), 'INVALID_ARGUMENT', /neglected must be a finite number ≥ 0/);
    expectRefusal(() => predictWindowIterations({ ...ok, kept: Infinity }), 'INVALID_ARGUMENT', /kept must be a finite number ≥ 0/);
    expectRefusal(() => predictWindowIterations({ ...ok, initialError: Number.NaN }), 'INVALID_ARGUMENT', /initialError must be a finite number ≥ 0/);
    expectRefusal(() => predictWindowIterations({ ...ok, tol: 0 }), 'INVALID_ARGUMENT', /tol must be finite and > 0/);
    expectRefusal(() => predictWindowIterations({ ...ok, window: 2.5 }), 'INVALID_ARGUMENT', /window/);
    expectRefusal(() => predictWindowIterations({ ...ok, window: 0 }), 'INVALID_ARGUMENT', /window/);
    expectRefusal(() => predictWindowIterations(null as never), 'INVALID_ARGUMENT', /options/);
  });
});
