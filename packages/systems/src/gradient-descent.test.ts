import type { Dynamics } from '@unroll/linearize';
import { solve } from '@unroll/solvers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centralJacobian, relErr } from '../test/derivative-check.js';
import { createRng, gradientDescent, leastSquares, logisticRegression, tinyMlp } from './index.js';

function data(seed: number, N: number, P: number, labels: boolean) {
  const rng = createRng(seed);
  const X = Array.from({ length: N }, () => Array.from({ length: P }, () => rng.normal()));
  const w = Array.from({ length: P }, () => rng.normal());
  const y = X.map((row) => {
    const s = row.reduce((acc, v, j) => acc + v * w[j], 0) + 0.3 * rng.normal();
    return labels ? (s > 0 ? 1 : -1) : s;
  });
  return { X, y };
}

const batches = Array.from({ length: 10 }, (_, k) => Array.from({ length: 8 }, (_, i) => (k * 8 + i) % 40));

describe('gradientDescent', () => {
  const { X, y } = data(1, 40, 3, true);
  const { X: Xr, y: yr } = data(2, 40, 3, false);
  const cases = [
    ['sgd', logisticRegression(X, y)],
    ['momentum', logisticRegression(X, y)],
    ['adam', logisticRegression(X, y)],
    ['adam', leastSquares(Xr, yr)],
    ['sgd', leastSquares(Xr, yr)],
    ['sgd', tinyMlp(Xr, yr, { hidden: 2 })],
    ['momentum', tinyMlp(Xr, yr, { hidden: 2 })],
    ['adam', tinyMlp(Xr, yr, { hidden: 2 })],
  ] as const;

  for (const [optimizer, loss] of cases) {
    it(`${optimizer} on ${loss.name}: the closed-form Jacobian of the update matches central differences; jvp (through the loss's hvp) = J·v`, () => {
      const dyn = gradientDescent({ loss, learningRate: 0.05, batches, optimizer });
      const P = loss.params;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: 30 }), (seed, t) => {
          const rng = createRng(seed);
          // θ and m anywhere; Adam's v must be positive (a running mean of squares).
          const D = dyn.dim;
          const s = Float64Array.from({ length: D }, (_, i) => (i >= 2 * P ? 0.01 + rng.uniform() : rng.normal()));
          const J = new Float64Array(D ** 2);
          dyn.jacobian(t, s, 0, J, 0);
          expect(relErr(J, centralJacobian(dyn, t, s))).toBeLessThan(1e-6);
          const v = Float64Array.from({ length: D }, () => rng.normal());
          const jv = new Float64Array(D);
          dyn.jvp(t, s, 0, v, 0, jv, 0);
          const dense = Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => J[i * D + j] * v[j]).reduce((a, b) => a + b, 0));
          expect(relErr(jv, dense)).toBeLessThan(1e-12);
          const diag = new Float64Array(D);
          dyn.diagonal(t, s, 0, diag, 0);
          expect(relErr(diag, Array.from({ length: D }, (_, i) => J[i * D + i]))).toBeLessThan(1e-12);
        }),
        { numRuns: 20 },
      );
    });
  }

  /** A plain optimizer loop, written the way a user would. */
  function handLoop(optimizer: 'sgd' | 'momentum' | 'adam', T: number, lr: number, grad: (theta: number[], t: number) => number[]): number[][] {
    let theta = [0, 0, 0], m = [0, 0, 0], v = [0, 0, 0];
    const out: number[][] = [];
    for (let t = 1; t <= T; t++) {
      const g = grad(theta, t);
      if (optimizer === 'sgd') theta = theta.map((th, i) => th - lr * g[i]);
      else if (optimizer === 'momentum') {
        m = m.map((mi, i) => 0.9 * mi + g[i]);
        theta = theta.map((th, i) => th - lr * m[i]);
      } else {
        m = m.map((mi, i) => 0.9 * mi + 0.1 * g[i]);
        v = v.map((vi, i) => 0.999 * vi + 0.001 * g[i] * g[i]);
        theta = theta.map((th, i) => th - (lr * m[i] / (1 - 0.9 ** t)) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8));
      }
      out.push([...theta, ...(optimizer === 'sgd' ? [] : m), ...(optimizer === 'adam' ? v : [])]);
    }
    return out;
  }

  /** Each method's parallel solve reproduces the sequential run; returns its iteration counts. */
  function reproduce(dyn: Dynamics, s0: ArrayLike<number>, seq: ArrayLike<number>, methods: readonly ('picard' | 'quasi-deer' | 'deer')[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const method of methods) {
      const r = solve(dyn, s0, seq.length / dyn.dim, { method, tol: 1e-10 });
      expect(r.converged).toBe(true);
      expect(relErr(r.states, seq)).toBeLessThan(1e-7);
      counts[method] = r.iterations;
    }
    return counts;
  }

  it('a sequential rollout equals a hand-written optimizer loop; a parallel solve reproduces it', () => {
    const loss = logisticRegression(X, y);
    const grad = (theta: number[], t: number) => {
      const g = new Float64Array(3);
      loss.gradient(theta, 0, batches[(t - 1) % batches.length], g);
      return Array.from(g);
    };
    const T = 1000;
    const counts: Record<string, Record<string, number>> = {};
    for (const optimizer of ['sgd', 'momentum', 'adam'] as const) {
      const dyn: Dynamics = gradientDescent({ loss, learningRate: 0.1, batches, optimizer });
      const s0 = new Array<number>(dyn.dim).fill(0);
      const seq = solve(dyn, s0, T, { method: 'sequential' }).states;
      const hand = handLoop(optimizer, T, 0.1, grad).flat();
      expect(relErr(seq, hand)).toBeLessThan(1e-12);
      counts[optimizer] = reproduce(dyn, s0, seq, ['picard', 'quasi-deer', 'deer']);
    }
    // Recorded in the package README (T = 1000, batch 8 of 40 rows, learning rate 0.1).
    expect(counts).toMatchInlineSnapshot(`
      {
        "adam": {
          "deer": 179,
          "picard": 313,
          "quasi-deer": 238,
        },
        "momentum": {
          "deer": 9,
          "picard": 281,
          "quasi-deer": 187,
        },
        "sgd": {
          "deer": 7,
          "picard": 52,
          "quasi-deer": 22,
        },
      }
    `);
  });

  it('a tiny MLP trained by SGD and Adam: the parallel solve reproduces the run (Picard vs quasi-DEER iterations recorded)', () => {
    const loss = tinyMlp(Xr, yr.map((v) => Math.tanh(v)), { hidden: 4 });
    const T = 1000;
    const counts: Record<string, Record<string, number>> = {};
    for (const optimizer of ['sgd', 'adam'] as const) {
      const dyn = gradientDescent({ loss, learningRate: optimizer === 'sgd' ? 0.1 : 0.01, batches, optimizer });
      const s0 = new Float64Array(dyn.dim);
      s0.set(loss.initialParams(3));
      const seq = solve(dyn, s0, T, { method: 'sequential' }).states;
      // Training works: the full-data loss falls.
      const all = Array.from({ length: 40 }, (_, i) => i);
      const last = seq.slice((T - 1) * dyn.dim, (T - 1) * dyn.dim + loss.params);
      expect(loss.value(last, all)).toBeLessThan(0.5 * loss.value(s0.slice(0, loss.params), all));
      counts[optimizer] = reproduce(dyn, s0, seq, ['picard', 'quasi-deer']);
    }
    // Recorded in the package README.
    expect(counts).toMatchInlineSnapshot(`
      {
        "adam": {
          "picard": 382,
          "quasi-deer": 295,
        },
        "sgd": {
          "picard": 353,
          "quasi-deer": 290,
        },
      }
    `);
  });

  it('gradientDescent rejects bad settings', () => {
    const loss = leastSquares(Xr, yr);
    expect(() => gradientDescent({ loss, learningRate: 0 })).toThrow(/learningRate/);
    expect(() => gradientDescent({ loss, learningRate: 0.1, batches: [[99]] })).toThrow(/row indices/);
    expect(() => logisticRegression([[1]], [0])).toThrow(/−1 or \+1/);
    expect(() => leastSquares([[1, 2], [1]], [1, 2])).toThrow(/N rows of P > 0 features/);
  });
});
