import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { relErr } from '../test/derivative-check.js';
import { createRng, leastSquares, logisticRegression, tinyMlp, type Loss } from './index.js';

function data(seed: number, N: number, P: number) {
  const rng = createRng(seed);
  const X = Array.from({ length: N }, () => Array.from({ length: P }, () => rng.normal()));
  const y = X.map((row) => Math.sin(row[0]) + 0.5 * (row[1] ?? 0) > 0 ? 1 : -1);
  return { X, y };
}

/** ∇ by central differences of `value` (an independent check of the closed form). */
function centralGradient(loss: Loss, theta: Float64Array, batch: number[]): Float64Array {
  const out = new Float64Array(loss.params);
  for (let p = 0; p < loss.params; p++) {
    const h = 1e-6 * Math.max(1, Math.abs(theta[p]));
    const tp = theta.slice(), tm = theta.slice();
    tp[p] += h;
    tm[p] -= h;
    out[p] = (loss.value(tp, batch) - loss.value(tm, batch)) / (2 * h);
  }
  return out;
}

/** ∇² by central differences of `gradient`. */
function centralHessian(loss: Loss, theta: Float64Array, batch: number[]): Float64Array {
  const P = loss.params;
  const out = new Float64Array(P * P), gp = new Float64Array(P), gm = new Float64Array(P);
  for (let q = 0; q < P; q++) {
    const h = 1e-6 * Math.max(1, Math.abs(theta[q]));
    const tp = theta.slice(), tm = theta.slice();
    tp[q] += h;
    tm[q] -= h;
    loss.gradient(tp, 0, batch, gp);
    loss.gradient(tm, 0, batch, gm);
    for (let p = 0; p < P; p++) out[p * P + q] = (gp[p] - gm[p]) / (2 * h);
  }
  return out;
}

describe('losses: closed-form gradient, Hessian and Hessian-vector product', () => {
  const { X, y } = data(4, 30, 3);
  const losses: Loss[] = [leastSquares(X, y.map((v, i) => v + X[i][2])), logisticRegression(X, y), tinyMlp(X, y.map((v) => 0.5 * v), { hidden: 3 }), tinyMlp(X.map((r) => [r[0]]), y, { hidden: 1 })];
  for (const loss of losses) {
    it(`${loss.name} (P = ${loss.params}): ∇ = FD of value, ∇² = FD of ∇ (1e-6), hessianDiagonal = diag ∇², hvp = ∇²·v, ∇² symmetric`, () => {
      const P = loss.params;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.uniqueArray(fc.integer({ min: 0, max: 29 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 3 }), (seed, batch, offset) => {
          const rng = createRng(seed);
          const theta = Float64Array.from({ length: P }, () => rng.normal());
          // Read θ at an offset inside a longer array, as solvers do.
          const padded = new Float64Array(P + offset);
          padded.set(theta, offset);
          const g = new Float64Array(P);
          loss.gradient(padded, offset, batch, g);
          expect(relErr(g, centralGradient(loss, theta, batch))).toBeLessThan(1e-6);
          const H = new Float64Array(P * P);
          loss.hessian(padded, offset, batch, H);
          expect(relErr(H, centralHessian(loss, theta, batch))).toBeLessThan(1e-6);
          const hd = new Float64Array(P);
          loss.hessianDiagonal(padded, offset, batch, hd);
          expect(relErr(hd, Array.from({ length: P }, (_, a) => H[a * P + a]))).toBeLessThan(1e-12);
          for (let a = 0; a < P; a++) for (let b = 0; b < a; b++) expect(H[a * P + b]).toBeCloseTo(H[b * P + a], 12);
          const v = Float64Array.from({ length: P + 2 }, () => rng.normal());
          const hv = new Float64Array(P);
          loss.hvp(padded, offset, batch, v, 2, hv);
          const dense = Array.from({ length: P }, (_, a) => Array.from({ length: P }, (_, b) => H[a * P + b] * v[2 + b]).reduce((s, x) => s + x, 0));
          expect(relErr(hv, dense)).toBeLessThan(1e-12);
        }),
        { numRuns: 25 },
      );
    });
  }

  it('tinyMlp: the parameter count, a seeded initialisation, and bad settings', () => {
    const loss = tinyMlp(X, y, { hidden: 5 });
    expect(loss.params).toBe(5 * 3 + 2 * 5 + 1);
    expect(loss.initialParams(7)).toEqual(tinyMlp(X, y, { hidden: 5 }).initialParams(7));
    expect(loss.initialParams(7)).not.toEqual(loss.initialParams(8));
    expect(() => tinyMlp(X, y, { hidden: 0 })).toThrow(/hidden must be a positive integer/);
    expect(() => tinyMlp(X, y.map(() => Number.NaN))).toThrow(/finite/);
  });
});
