import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxAbsErr, rollout, tanhRnn, uniform } from '../test/systems.js';
import { elk, kalmanFilter, solve } from './index.js';

/**
 * Independent reference: the filtered mean at t is the last block of the minimiser of
 * Σ_{k≤t} ½‖s_k − A_k s_{k−1} − b_k‖²/q + ½λ‖y_k − s_k‖² (s_0 fixed), found by solving the
 * normal equations of that least-squares problem with plain Gaussian elimination.
 */
function batchFilteredMean(D: number, A: Float64Array, b: Float64Array, y: Float64Array, s0: number[], lambda: number, q: number, t: number): number[] {
  const n = t * D;
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const g = new Array<number>(n).fill(0);
  const Ak = (k: number, i: number, j: number) => A[k * D * D + i * D + j];
  for (let k = 0; k < t; k++) {
    // Residual e = s_k − A_k s_{k−1} − b_k; terms in s_k (block k) and s_{k−1} (block k−1, or constant s0).
    for (let i = 0; i < D; i++) {
      const coeffs = new Map<number, number>([[k * D + i, 1]]);
      let constant = -b[k * D + i];
      for (let j = 0; j < D; j++) {
        if (k === 0) constant -= Ak(k, i, j) * s0[j];
        else coeffs.set((k - 1) * D + j, (coeffs.get((k - 1) * D + j) ?? 0) - Ak(k, i, j));
      }
      for (const [p, cp] of coeffs) {
        g[p] -= (cp * constant) / q;
        for (const [r, cr] of coeffs) H[p][r] += (cp * cr) / q;
      }
      H[k * D + i][k * D + i] += lambda;
      g[k * D + i] += lambda * y[k * D + i];
    }
  }
  // Gaussian elimination with partial pivoting.
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(H[r][c]) > Math.abs(H[p][c])) p = r;
    [H[c], H[p]] = [H[p], H[c]];
    [g[c], g[p]] = [g[p], g[c]];
    for (let r = c + 1; r < n; r++) {
      const f = H[r][c] / H[c][c];
      for (let k = c; k < n; k++) H[r][k] -= f * H[c][k];
      g[r] -= f * g[c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let acc = g[r];
    for (let k = r + 1; k < n; k++) acc -= H[r][k] * x[k];
    x[r] = acc / H[r][r];
  }
  return x.slice((t - 1) * D);
}

describe('kalmanFilter', () => {
  it('kalmanFilter means equal the batch least-squares (MAP) estimate of each prefix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 2 ** 30 }), fc.double({ min: 0, max: 20, noNaN: true }), fc.double({ min: 0.2, max: 3, noNaN: true }), (D, T, seed, lambda, q) => {
        const rand = uniform(seed);
        const A = Float64Array.from({ length: T * D * D }, () => 2 * rand());
        const b = Float64Array.from({ length: T * D }, () => rand());
        const y = Float64Array.from({ length: T * D }, () => 3 * rand());
        const s0 = Array.from({ length: D }, () => rand());
        const { means } = kalmanFilter({ structure: 'dense', dim: D, A, b, y, s0, lambda, processVariance: q });
        for (let t = 1; t <= T; t++) {
          const want = batchFilteredMean(D, A, b, y, s0, lambda, q, t);
          expect(maxAbsErr(means.slice((t - 1) * D, t * D), want)).toBeLessThan(1e-8 * Math.max(1, ...want.map(Math.abs)));
        }
      }),
      { numRuns: 80 },
    );
  });

  it('kalmanFilter: the diagonal form equals the dense form on diagonal matrices', () => {
    const D = 3, T = 40, rand = uniform(5);
    const diag = Float64Array.from({ length: T * D }, () => 2 * rand());
    const dense = new Float64Array(T * D * D);
    for (let t = 0; t < T; t++) for (let i = 0; i < D; i++) dense[t * D * D + i * D + i] = diag[t * D + i]!;
    const b = Float64Array.from({ length: T * D }, () => rand());
    const y = Float64Array.from({ length: T * D }, () => rand());
    const a = kalmanFilter({ structure: 'diagonal', dim: D, A: diag, b, y, s0: [1, 2, 3], lambda: 0.7 });
    const c = kalmanFilter({ structure: 'dense', dim: D, A: dense, b, y, s0: [1, 2, 3], lambda: 0.7 });
    expect(maxAbsErr(a.means, c.means)).toBeLessThan(1e-12);
    const cDiag = Array.from({ length: T * D }, (_, k) => c.covariances![Math.floor(k / D) * D * D + (k % D) * D + (k % D)]);
    expect(maxAbsErr(a.covariances!, cDiag)).toBeLessThan(1e-12);
  });

  it('kalmanFilter with λ = 0 ignores the observations: the means are the linear recurrence', () => {
    const D = 2, T = 30, rand = uniform(8);
    const A = Float64Array.from({ length: T * D * D }, () => rand());
    const b = Float64Array.from({ length: T * D }, () => rand());
    const y = Float64Array.from({ length: T * D }, () => 100 * rand());
    const { means } = kalmanFilter({ structure: 'dense', dim: D, A, b, y, s0: [1, -1], lambda: 0 });
    const s = [1, -1];
    for (let t = 0; t < T; t++) {
      const next = [0, 1].map((i) => b[t * D + i] + A[t * 4 + i * 2] * s[0] + A[t * 4 + i * 2 + 1] * s[1]);
      s.splice(0, 2, ...next);
      expect(maxAbsErr(means.slice(t * D, t * D + D), s)).toBeLessThan(1e-12);
    }
  });

  it("kalmanFilter({ algorithm: 'parallel' }) — the associative scan over Kalman elements — equals the sequential filter", () => {
    fc.assert(
      fc.property(
        fc.constantFrom('dense' as const, 'diagonal' as const),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0.3, max: 2, noNaN: true }),
        (structure, D, T, seed, lambda, q) => {
          const rand = uniform(seed);
          const width = structure === 'dense' ? D * D : D;
          const A = Float64Array.from({ length: T * width }, () => (1.6 * rand()) / Math.sqrt(structure === 'dense' ? D : 1));
          const b = Float64Array.from({ length: T * D }, () => rand());
          const y = Float64Array.from({ length: T * D }, () => 2 * rand());
          const s0 = Array.from({ length: D }, () => rand());
          const model = { structure, dim: D, A, b, y, s0, lambda, processVariance: q };
          const seq = kalmanFilter(model);
          const par = kalmanFilter(model, { algorithm: 'parallel' });
          expect(maxAbsErr(par.means, seq.means)).toBeLessThan(1e-9);
          expect(maxAbsErr(par.covariances!, seq.covariances!)).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('kalmanFilter rejects bad models', () => {
    const ok = { structure: 'diagonal' as const, dim: 1, A: new Float64Array(2), b: new Float64Array(2), y: new Float64Array(2), s0: [0], lambda: 1 };
    expect(() => kalmanFilter({ ...ok, lambda: -1 })).toThrow(/lambda must be finite and ≥ 0/);
    expect(() => kalmanFilter({ ...ok, y: new Float64Array(3) })).toThrow(expect.objectContaining({ code: 'LENGTH_MISMATCH' }) as Error);
    expect(() => kalmanFilter({ ...ok, structure: 'block' as never })).toThrow(/'dense' or 'diagonal'/);
    expect(() => kalmanFilter({ ...ok, processVariance: 0 })).toThrow(/processVariance/);
  });
});

describe('ELK', () => {
  it('ELK with λ = 0 reproduces DEER: same iterates, same iteration count (dense and quasi)', () => {
    const dyn = tanhRnn(3, 21, 1.5);
    const s0 = [0.5, -0.5, 1];
    for (const [base, deer] of [['full', 'deer'], ['diagonal', 'quasi-deer']] as const) {
      const a = solve(dyn, s0, 150, { method: elk({ lambda: 0, base }) });
      const b = solve(dyn, s0, 150, { method: deer });
      expect(a.iterations).toBe(b.iterations);
      expect(maxAbsErr(a.trace.delta, b.trace.delta)).toBeLessThan(1e-9);
      expect(maxAbsErr(a.states, b.states)).toBeLessThan(1e-12);
    }
  });

  it('ELK with a larger λ takes smaller steps, and still converges to the rollout', () => {
    const dyn = tanhRnn(3, 22, 0.8);
    const s0 = [1, 0, -1];
    const T = 120;
    const firstStep = (lambda: number) => solve(dyn, s0, T, { method: elk({ lambda }), maxIterations: 1 }).trace.delta[0];
    const steps = [0, 0.5, 2, 10].map(firstStep);
    for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeLessThan(steps[i - 1]);
    for (const base of ['full', 'diagonal'] as const) {
      const r = solve(dyn, s0, T, { method: elk({ lambda: 1, base }) });
      expect(r.converged).toBe(true);
      expect(maxAbsErr(r.states, rollout(dyn, s0, T))).toBeLessThan(1e-7);
    }
  });

  it("ELK needs its λ ≥ 0, carried by the method value", () => {
    const dyn = tanhRnn(2, 1, 0.5);
    expect(() => solve(dyn, [0, 0], 10, { method: 'elk' })).toThrow(/needs its λ/);
    expect(() => elk({ lambda: -1, base: 'diagonal' })).toThrow(/lambda must be a finite number ≥ 0/);
  });
});
