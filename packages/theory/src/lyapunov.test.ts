import { dense } from '@unroll/scan';
import { henonMap, linear, logisticMap, lorenz63, createRng } from '@unroll/systems';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finiteTimeLyapunov, largestLyapunovExponent } from './index.js';

describe('largestLyapunovExponent', () => {
  it('logistic map r = 4 → ln 2 (±0.01 over T = 10^5)', () => {
    const est = largestLyapunovExponent(logisticMap({ r: 4 }), [0.3], 100_000);
    expect(Math.abs(est.value - Math.LN2)).toBeLessThan(0.01);
    expect(est.perVector).toHaveLength(3);
    // D = 1: every start vector sees the same stretches.
    for (const v of est.perVector) expect(v).toBeCloseTo(est.value, 12);
    expect(est.running[99_999]).toBeCloseTo(est.value, 12);
  });

  it('Hénon (1.4, 0.3) → 0.419 (±0.01)', () => {
    const est = largestLyapunovExponent(henonMap({ a: 1.4, b: 0.3 }), [0.1, 0.1], 100_000, { burnIn: 100 });
    expect(Math.abs(est.value - 0.419)).toBeLessThan(0.01);
  });

  it('a linear system with spectral radius ρ → log ρ (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: 4 }), fc.double({ min: 0.3, max: 1.5, noNaN: true }), (seed, D, rho) => {
        // A = Q diag(ρ, smaller…) Q⁻¹ with a well-conditioned Q, so ρ(A) = ρ exactly.
        const rng = createRng(seed);
        const Q = Array.from({ length: D * D }, (_, k) => (k % (D + 1) === 0 ? 2 : 0) + 0.3 * rng.normal());
        const Qinv = invert(Q, D);
        const ev = Array.from({ length: D }, (_, i) => (i === 0 ? rho : rho * (0.2 + 0.6 * rng.uniform()) * (rng.uniform() < 0.5 ? -1 : 1)));
        const A = new Float64Array(D * D);
        for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) for (let k = 0; k < D; k++) A[i * D + j] += Q[i * D + k] * ev[k] * Qinv[k * D + j];
        const dyn = linear({ structure: dense(D), A });
        const T = 4000;
        const est = largestLyapunovExponent(dyn, new Array<number>(D).fill(0), T, { burnIn: 200, seed });
        // Bias decays like log(cond Q)/T.
        expect(Math.abs(est.value - Math.log(rho))).toBeLessThan(0.01);
      }),
      { numRuns: 25 },
    );
  });

  it('Lorenz-63 (RK4, dt = 0.01) → ≈ 0.906 per unit time (±0.05)', () => {
    const dt = 0.01;
    const est = largestLyapunovExponent(lorenz63({ dt, integrator: 'rk4' }), [1, 1, 1], 200_000, { dt, burnIn: 2000 });
    expect(Math.abs(est.value - 0.906)).toBeLessThan(0.05);
    // Per unit time = per step / dt.
    const perStep = largestLyapunovExponent(lorenz63({ dt, integrator: 'rk4' }), [1, 1, 1], 200_000, { burnIn: 2000 });
    expect(perStep.value / dt).toBeCloseTo(est.value, 9);
  });

  it('finiteTimeLyapunov: windows average the per-step stretch; the mean of disjoint windows is the LLE', () => {
    const dyn = henonMap();
    const est = largestLyapunovExponent(dyn, [0.1, 0.1], 1000, { seed: 4 });
    const ftle = finiteTimeLyapunov(dyn, [0.1, 0.1], 1000, { window: 100, seed: 4 });
    expect(ftle).toHaveLength(901);
    let direct = 0;
    for (let t = 0; t < 100; t++) direct += est.stretch[t + 37];
    expect(ftle[37]).toBeCloseTo(direct / 100, 10);
    const disjoint = Array.from({ length: 10 }, (_, k) => ftle[100 * k]).reduce((a, b) => a + b, 0) / 10;
    expect(disjoint).toBeCloseTo(est.value, 10);
  });

  it('takes the trajectory itself, and rejects bad input with typed errors', () => {
    const dyn = logisticMap({ r: 3.2 });
    const states = new Float64Array(500);
    let x = 0.3;
    for (let t = 0; t < 500; t++) states[t] = x = 3.2 * x * (1 - x);
    expect(largestLyapunovExponent(dyn, [0.3], states).value).toBe(largestLyapunovExponent(dyn, [0.3], 500).value);
    // A stable 2-cycle: negative exponent.
    expect(largestLyapunovExponent(dyn, [0.3], states).value).toBeLessThan(0);
    expect(() => largestLyapunovExponent(dyn, [0.3, 1], 10)).toThrow(/s0 has 2 entries/);
    expect(() => largestLyapunovExponent(dyn, [0.3], new Float64Array([0.1, Number.NaN]))).toThrow(/not finite/);
    expect(() => largestLyapunovExponent(dyn, [0.3], 10, { vectors: 0 })).toThrow(/vectors must be/);
    expect(() => largestLyapunovExponent(dyn, [0.3], 10, { burnIn: 10 })).toThrow(/burnIn/);
    expect(() => largestLyapunovExponent(dyn, [0.3], 10, { dt: 0 })).toThrow(/dt must be/);
    expect(() => finiteTimeLyapunov(dyn, [0.3], 10, { window: 11 })).toThrow(/window/);
  });
});

function invert(M: number[], D: number): number[] {
  const a = M.slice();
  const inv: number[] = Array.from({ length: D * D }, (_, k) => (k % (D + 1) === 0 ? 1 : 0));
  for (let c = 0; c < D; c++) {
    let p = c;
    for (let r = c + 1; r < D; r++) if (Math.abs(a[r * D + c]) > Math.abs(a[p * D + c])) p = r;
    for (let k = 0; k < D; k++) {
      [a[c * D + k], a[p * D + k]] = [a[p * D + k], a[c * D + k]];
      [inv[c * D + k], inv[p * D + k]] = [inv[p * D + k], inv[c * D + k]];
    }
    const d = a[c * D + c];
    for (let k = 0; k < D; k++) {
      a[c * D + k] /= d;
      inv[c * D + k] /= d;
    }
    for (let r = 0; r < D; r++) {
      if (r === c) continue;
      const f = a[r * D + c];
      for (let k = 0; k < D; k++) {
        a[r * D + k] -= f * a[c * D + k];
        inv[r * D + k] -= f * inv[c * D + k];
      }
    }
  }
  return inv;
}
