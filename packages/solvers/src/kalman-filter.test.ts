import { blockDiagonal, blockDiagonalKalman, defineStructure, dense, diagonal, linearRecurrence, type FloatArray, type Structure } from '@unroll/scan';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxAbsErr, rollout, tanhRnn, uniform } from '../test/systems.js';
import { elk, kalmanFilter, solve } from './index.js';

// fast-check runs from a fixed seed, so a failure reproduces.
const seeded = { seed: 424_242 };

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

/** The T packed matrices of a structure as dense `[T][D][D]`, read through `apply` on basis vectors. */
function embedDense(s: Structure, A: FloatArray, T: number): Float64Array {
  const D = s.dim;
  const out = new Float64Array(T * D * D);
  const e = new Float64Array(D);
  const col = new Float64Array(D);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < D; j++) {
      e.fill(0);
      e[j] = 1;
      s.apply(A, t * s.width, e, 0, col, 0);
      for (let i = 0; i < D; i++) out[t * D * D + i * D + j] = col[i];
    }
  }
  return out;
}

/** A random ELK model in a structure's packing (rows scaled so products stay moderate). */
function randomModel(s: Structure, T: number, seed: number, gain = 1.6) {
  const rand = uniform(seed);
  const row = s.width / s.dim;
  const A = Float64Array.from({ length: T * s.width }, () => (2 * gain * rand()) / Math.sqrt(row));
  const b = Float64Array.from({ length: T * s.dim }, () => rand());
  const y = Float64Array.from({ length: T * s.dim }, () => 3 * rand());
  const s0 = Array.from({ length: s.dim }, () => rand());
  return { A, b, y, s0 };
}

const structures = fc.constantFrom<[string, number, number]>(['dense', 1, 1], ['dense', 3, 3], ['diagonal', 1, 1], ['diagonal', 4, 1], ['block', 2, 1], ['block', 4, 2], ['block', 6, 3], ['block', 6, 2]);
const make = ([kind, D, B]: [string, number, number]): Structure => (kind === 'dense' ? dense(D) : kind === 'diagonal' ? diagonal(D) : blockDiagonal(D, B));

/** The block-diagonal built-in's operations, without its Kalman capability: a custom structure. */
function pairsWithout(): Structure {
  const { kalman: _kalman, ...ops } = blockDiagonal(4, 2);
  return defineStructure({ ...ops, name: 'pairs' });
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
      { ...seeded, numRuns: 80 },
    );
  });

  it('kalmanFilter on every built-in structure record (dense, diagonal, block-diagonal) equals the batch estimate', () => {
    fc.assert(
      fc.property(structures, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 2 ** 30 }), fc.double({ min: 0, max: 20, noNaN: true }), fc.double({ min: 0.2, max: 3, noNaN: true }), (shape, T, seed, lambda, q) => {
        const s = make(shape);
        const D = s.dim;
        const { A, b, y, s0 } = randomModel(s, T, seed);
        const { means, covariances } = kalmanFilter({ structure: s, A, b, y, s0, lambda, processVariance: q });
        expect(covariances?.length).toBe(T * (s.kalman?.covarianceWidth ?? NaN));
        const Adense = embedDense(s, A, T);
        for (let t = 1; t <= T; t++) {
          const want = batchFilteredMean(D, Adense, b, y, s0, lambda, q, t);
          expect(maxAbsErr(means.slice((t - 1) * D, t * D), want), `${s.name} t = ${t}`).toBeLessThan(1e-8 * Math.max(1, ...want.map(Math.abs)));
        }
      }),
      { ...seeded, numRuns: 80 },
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

  it('kalmanFilter: block-diagonal equals the dense filter on the same matrices embedded densely, covariances per block', () => {
    fc.assert(
      fc.property(fc.constantFrom([4, 2], [6, 3], [6, 2], [3, 1]), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 2 ** 30 }), fc.double({ min: 0, max: 10, noNaN: true }), ([D, B], T, seed, lambda) => {
        const s = blockDiagonal(D, B);
        const { A, b, y, s0 } = randomModel(s, T, seed);
        const blk = kalmanFilter({ structure: s, A, b, y, s0, lambda });
        const den = kalmanFilter({ structure: dense(D), A: embedDense(s, A, T), b, y, s0, lambda });
        expect(maxAbsErr(blk.means, den.means)).toBeLessThan(1e-12);
        // covariances [T][D/B][B][B]: block k of step t is the dense covariance's k-th diagonal block.
        for (let t = 0; t < T; t++) {
          for (let k = 0; k < D / B; k++) {
            for (let i = 0; i < B; i++) {
              for (let j = 0; j < B; j++) {
                const got = blk.covariances![t * D * B + k * B * B + i * B + j];
                const want = den.covariances![t * D * D + (k * B + i) * D + (k * B + j)];
                expect(Math.abs(got - want)).toBeLessThan(1e-12);
              }
            }
          }
        }
      }),
      { ...seeded, numRuns: 50 },
    );
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

  it('kalmanFilter with λ = 0 is linearRecurrence bit for bit: diagonal, dense and block-diagonal, float64 and float32', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      for (const s of [diagonal(5), dense(4), blockDiagonal(6, 2)]) {
        const m = randomModel(s, 150, 17, 2.2);
        const cast = (x: Float64Array) => (dtype === 'float32' ? Float32Array.from(x) : x);
        const A = cast(m.A), b = cast(m.b), y = cast(m.y);
        const { means } = kalmanFilter({ structure: s, A, b, y, s0: m.s0, lambda: 0 }, { covariances: false });
        expect(means).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
        expect(Array.from(means), `${s.name} ${dtype}`).toEqual(Array.from(linearRecurrence(s, A, b, m.s0)));
      }
    }
  });

  it("kalmanFilter({ algorithm: 'parallel' }) — the associative scan over Kalman elements — equals the sequential filter", () => {
    fc.assert(
      fc.property(structures, fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 2 ** 30 }), fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0.3, max: 2, noNaN: true }), (shape, T, seed, lambda, q) => {
        const s = make(shape);
        const { A, b, y, s0 } = randomModel(s, T, seed, 0.8);
        const model = { structure: s, A, b, y, s0, lambda, processVariance: q };
        const seq = kalmanFilter(model);
        const par = kalmanFilter(model, { algorithm: 'parallel' });
        expect(maxAbsErr(par.means, seq.means)).toBeLessThan(1e-9);
        expect(maxAbsErr(par.covariances!, seq.covariances!)).toBeLessThan(1e-9);
      }),
      { ...seeded, numRuns: 80 },
    );
  });

  it('kalmanFilter(λ = 0) stays the recurrence where variances overflow (A = 1e200): every built-in, sequential and parallel', () => {
    for (const s of [dense(2), diagonal(2), blockDiagonal(2, 1), blockDiagonal(2, 2)]) {
      const A = new Float64Array(2 * s.width);
      for (let t = 0; t < 2; t++) s.identity(A, t * s.width);
      for (let i = 0; i < A.length; i++) A[i] *= 1e200;
      const model = { structure: s, A, b: new Float64Array([1, 1, 1, 1]), y: new Float64Array(4), s0: [0, 0], lambda: 0 };
      for (const algorithm of ['sequential', 'parallel'] as const) {
        expect(Array.from(kalmanFilter(model, { algorithm }).means), `${s.name} ${algorithm}`).toEqual([1, 1, 1e200, 1e200]);
      }
    }
  });

  it("the aliases 'dense' and 'diagonal' are dense(dim) and diagonal(dim)", () => {
    for (const [alias, s] of [['dense', dense(3)], ['diagonal', diagonal(3)]] as const) {
      const { A, b, y, s0 } = randomModel(s, 20, 3);
      const viaAlias = kalmanFilter({ structure: alias, dim: 3, A, b, y, s0, lambda: 0.4 });
      const viaRecord = kalmanFilter({ structure: s, A, b, y, s0, lambda: 0.4 });
      expect(Array.from(viaAlias.means)).toEqual(Array.from(viaRecord.means));
      expect(Array.from(viaAlias.covariances!)).toEqual(Array.from(viaRecord.covariances!));
    }
  });

  it('a custom structure filters through the capability it carries, and one without kalman is refused naming it', () => {
    const { A, b, y, s0 } = randomModel(blockDiagonal(4, 2), 25, 9);
    const custom = defineStructure({ ...pairsWithout(), kalman: blockDiagonalKalman(4, 2) });
    const want = kalmanFilter({ structure: blockDiagonal(4, 2), A, b, y, s0, lambda: 1 });
    expect(Array.from(kalmanFilter({ structure: custom, A, b, y, s0, lambda: 1 }).means)).toEqual(Array.from(want.means));
    const without = pairsWithout();
    expect(() => kalmanFilter({ structure: without, A, b, y, s0, lambda: 1 })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED', message: expect.stringMatching(/'pairs' has no Kalman capability \(structure\.kalman\).*dense\(D\), diagonal\(D\) and blockDiagonal\(D, B\)/) as string }) as Error,
    );
    const { parallel: _parallel, ...sequentialOnly } = blockDiagonalKalman(4, 2);
    const noElements = defineStructure({ ...pairsWithout(), kalman: sequentialOnly });
    expect(Array.from(kalmanFilter({ structure: noElements, A, b, y, s0, lambda: 1 }).means)).toEqual(Array.from(want.means));
    expect(() => kalmanFilter({ structure: noElements, A, b, y, s0, lambda: 1 }, { algorithm: 'parallel' })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED', message: expect.stringMatching(/no parallel Kalman elements \(structure\.kalman\.parallel\)/) as string }) as Error,
    );
  });

  it('kalmanFilter rejects bad models', () => {
    const ok = { structure: 'diagonal' as const, dim: 1, A: new Float64Array(2), b: new Float64Array(2), y: new Float64Array(2), s0: [0], lambda: 1 };
    expect(() => kalmanFilter({ ...ok, lambda: -1 })).toThrow(/lambda must be finite and ≥ 0/);
    expect(() => kalmanFilter({ ...ok, y: new Float64Array(3) })).toThrow(expect.objectContaining({ code: 'LENGTH_MISMATCH' }) as Error);
    expect(() => kalmanFilter({ ...ok, structure: 'block' as never })).toThrow(/'dense' or 'diagonal'/);
    expect(() => kalmanFilter({ ...ok, processVariance: 0 })).toThrow(/processVariance/);
    const { dim: _dim, ...noDim } = ok;
    expect(() => kalmanFilter(noDim)).toThrow(/dim must be a positive integer with the alias structure 'diagonal'/);
    expect(() => kalmanFilter({ ...ok, structure: diagonal(2) })).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH', message: expect.stringMatching(/dim is 1 but structure 'diagonal' has dim 2/) as string }) as Error);
    expect(() => kalmanFilter({ ...ok, structure: blockDiagonal(2, 2), dim: 2, A: new Float64Array(4), b: new Float64Array(4), y: new Float64Array(4), s0: [0, 0] })).toThrow(/A must hold T·4 = 8 numbers for block-diagonal transitions/);
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
