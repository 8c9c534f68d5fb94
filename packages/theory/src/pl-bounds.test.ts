import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logInverseGeometricSum, plBounds, predictIterations, quadraticBasinRadius } from './index.js';

describe('plBounds', () => {
  it('matches the direct formula of Theorem 2 where it is representable, and is ordered', () => {
    fc.assert(
      fc.property(fc.double({ min: -3, max: 3, noNaN: true }), fc.integer({ min: 1, max: 200 }), fc.double({ min: 1, max: 10, noNaN: true }), fc.double({ min: 0.05, max: 1, noNaN: true }), (lle, T, a, b) => {
        const r = plBounds({ lle, T, a, b });
        const direct = lle === 0 ? 1 / (a * T) : (1 / a) * (Math.expm1(lle) / Math.expm1(lle * T));
        if (direct > 1e-300) expect(r.sqrtMu.lower).toBeCloseTo(direct, 10 - Math.max(0, Math.ceil(Math.log10(direct))));
        expect(r.log10SqrtMu.lower).toBeLessThanOrEqual(r.log10SqrtMu.upper + 1e-12);
        expect(r.sqrtMu.upper).toBeLessThanOrEqual(1);
        expect(r.log10Mu.lower).toBeCloseTo(2 * r.log10SqrtMu.lower, 10);
        expect(Math.min((1 / b) * Math.exp(-lle * (T - 1)), 1)).toBeCloseTo(r.sqrtMu.upper, 10);
      }),
    );
  });

  it('stays finite in log space for huge T and either sign of λ; λ → 0 is continuous', () => {
    const chaotic = plBounds({ lle: 0.5, T: 1_000_000 });
    expect(chaotic.sqrtMu.lower).toBe(0);
    expect(chaotic.log10SqrtMu.lower).toBeCloseTo((-0.5 * (1_000_000 - 1) + Math.log(1 - Math.exp(-0.5))) / Math.LN10, 6);
    const stable = plBounds({ lle: -0.5, T: 1_000_000 });
    expect(stable.sqrtMu.lower).toBeCloseTo(1 - Math.exp(-0.5), 12);
    expect(stable.sqrtMu.upper).toBe(1);
    for (const T of [1, 2, 50, 10_000]) {
      expect(logInverseGeometricSum(1e-12, T)).toBeCloseTo(-Math.log(T), 6);
      expect(logInverseGeometricSum(-1e-12, T)).toBeCloseTo(-Math.log(T), 6);
    }
    expect(logInverseGeometricSum(800, 3)).toBeCloseTo(-1600, 9);
  });

  it('rejects bad input', () => {
    expect(() => plBounds({ lle: Number.NaN, T: 5 })).toThrow(/lle must be finite/);
    expect(() => plBounds({ lle: 0.1, T: 0 })).toThrow(/T must be an integer/);
    expect(() => plBounds({ lle: 0.1, T: 5, a: 0.5 })).toThrow(/a bounds overshoot/);
    expect(() => plBounds({ lle: 0.1, T: 5, b: 2 })).toThrow(/b bounds undershoot/);
  });
});

describe('quadraticBasinRadius and predictIterations', () => {
  it('2μ/L; infinite for linear dynamics', () => {
    expect(quadraticBasinRadius({ mu: 0.3, lipschitz: 2 })).toBeCloseTo(0.3, 15);
    expect(quadraticBasinRadius({ mu: 0.3, lipschitz: 0 })).toBe(Infinity);
    expect(() => quadraticBasinRadius({ mu: -1, lipschitz: 1 })).toThrow(/mu/);
  });

  it('the two-phase model (eq. 37 + quadratic phase) against a simulation of its own recurrences', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-8, max: 1, noNaN: true }), fc.double({ min: 0.1, max: 10, noNaN: true }), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), (mu, L, r0, beta) => {
        const tol = 1e-10;
        const p = predictIterations({ mu, lipschitz: L, residual: r0, beta, tol });
        // Simulate the model's own recurrences: phase 1 shrinks at rate β until inside the
        // basin μ/L; phase 2 starts at the basin edge and follows r ← (L/2μ) r² to tol.
        let r = r0, k = 0;
        while (r > mu / L) { r *= beta; k++; }
        let e = mu / L, q = 0;
        while (e > tol) { e = (L / (2 * mu)) * e * e; q++; }
        expect(p.linearPhase).toBeGreaterThanOrEqual(k - 1);
        expect(p.linearPhase).toBeLessThanOrEqual(k + 1);
        expect(Math.abs(p.quadraticPhase - Math.max(q, 1))).toBeLessThanOrEqual(1);
      }),
    );
    expect(predictIterations({ mu: 1e-30, lipschitz: 1, residual: 1, beta: 0.5, T: 100 }).iterations).toBe(100);
    expect(predictIterations({ mu: 0.5, lipschitz: 0, residual: 1, beta: 0.5 }).iterations).toBe(1);
  });
});
