import type { Dynamics } from '@unroll/linearize';
import { solve } from '@unroll/solvers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centralJacobian, relErr } from '../test/derivative-check.js';
import { blockDiagonal, dense, diagonal } from '@unroll/scan';
import { createRng, gaussianMixture, groupWord, gru, henonMap, langevin, linear, logisticMap, lorenz63, lorenz96, meanFieldRnn, rossler, twoWell } from './index.js';

const randomArray = (seed: number, n: number) => {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
};

/** Every system, with a sampler of typical states. */
const systems: { name: string; make: () => Dynamics; state: (rand: () => number, D: number) => number }[] = [
  { name: 'logistic', make: () => logisticMap({ r: 3.7 }), state: (r) => r() },
  { name: 'henon', make: () => henonMap(), state: (r) => 2 * r() - 1 },
  { name: 'mean-field', make: () => meanFieldRnn({ dim: 6, g: 1.5, seed: 3, inputs: [[0.1, 0, 0, 0, 0, 0.2]] }), state: (r) => 4 * r() - 2 },
  { name: 'lorenz63 rk4', make: () => lorenz63(), state: (r) => 20 * r() - 10 },
  { name: 'lorenz63 euler', make: () => lorenz63({ integrator: 'euler', dt: 0.005 }), state: (r) => 20 * r() - 10 },
  { name: 'rossler', make: () => rossler(), state: (r) => 10 * r() - 5 },
  { name: 'lorenz96', make: () => lorenz96({ dim: 7 }), state: (r) => 10 * r() - 5 },
  { name: 'langevin mixture', make: () => langevin({ potential: gaussianMixture({ means: [[-1, 0], [1, 1]], covariances: [[[1, 0.3], [0.3, 0.5]], [[0.4, 0], [0, 2]]] }), stepSize: 0.05, seed: 2 }), state: (r) => 4 * r() - 2 },
  { name: 'gru', make: () => gru({ dim: 5, inputDim: 2, seed: 8, inputs: Array.from({ length: 40 }, (_, t) => [Math.sin(t), Math.cos(t)]) }), state: (r) => 2 * r() - 1 },
  { name: 'group-word', make: () => groupWord({ n: 4, seed: 1, length: 50 }), state: (r) => 4 * r() },
  { name: 'linear dense, per-step A', make: () => linear({ structure: dense(3), A: randomArray(1, 40 * 9), b: randomArray(2, 3) }), state: (r) => r() },
  { name: 'linear block-diagonal', make: () => linear({ structure: blockDiagonal(4, 2), A: randomArray(3, 8), b: randomArray(4, 40 * 4) }), state: (r) => r() },
  { name: 'langevin two-well', make: () => langevin({ potential: twoWell(3), stepSize: 0.01, seed: 1 }), state: (r) => 3 * r() - 1.5 },
];

describe('systems: closed-form derivatives', () => {
  for (const { name, make, state } of systems) {
    it(`${name}: jacobian matches central differences of step (1e-6), diagonal and jvp agree with it`, () => {
      const dyn = make();
      const D = dyn.dim;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: 40 }), (seed, t) => {
          const rng = createRng(seed);
          const s = Float64Array.from({ length: D }, () => state(() => rng.uniform(), D));
          const J = new Float64Array(D * D);
          dyn.jacobian?.(t, s, 0, J, 0);
          expect(relErr(J, centralJacobian(dyn, t, s))).toBeLessThan(1e-6);
          const diag = new Float64Array(D);
          dyn.diagonal?.(t, s, 0, diag, 0);
          expect(relErr(diag, Array.from({ length: D }, (_, i) => J[i * D + i]))).toBeLessThan(1e-12);
          const v = Float64Array.from({ length: D }, () => rng.normal());
          const jv = new Float64Array(D);
          dyn.jvp?.(t, s, 0, v, 0, jv, 0);
          const want = Array.from({ length: D }, (_, i) => Array.from(v).reduce((acc, vj, j) => acc + J[i * D + j] * vj, 0));
          expect(relErr(jv, want)).toBeLessThan(1e-12);
        }),
        { numRuns: 30 },
      );
      // No derivative of a system is a finite difference.
      expect(dyn.derivatives).toEqual({ jvp: 'closed-form', jacobian: 'closed-form', diagonal: 'closed-form' });
    });
  }
});

describe('systems: behaviour', () => {
  it('logisticMap and henonMap rollouts match a straightforward loop bit for bit', () => {
    const T = 1000;
    const logistic = solve(logisticMap({ r: 4 }), [0.2], T, { method: 'sequential' }).states;
    let x = 0.2;
    for (let t = 0; t < T; t++) {
      x = 4 * x * (1 - x);
      expect(logistic[t]).toBe(x);
    }
    const henon = solve(henonMap({ a: 1.4, b: 0.3 }), [0, 0], T, { method: 'sequential' }).states;
    let [hx, hy] = [0, 0];
    for (let t = 0; t < T; t++) {
      [hx, hy] = [1 - 1.4 * hx * hx + hy, 0.3 * hx];
      expect(henon[2 * t]).toBe(hx);
      expect(henon[2 * t + 1]).toBe(hy);
    }
  });

  it('linear: a rollout equals the hand loop; DEER with its exact strategy is done after one iterate', () => {
    const T = 200, D = 3;
    const A = randomArray(5, T * D).map((v) => 0.5 * v), b = randomArray(6, T * D);
    const dyn = linear({ structure: diagonal(D), A, b });
    const seq = solve(dyn, [1, 2, 3], T, { method: 'sequential' }).states;
    const s = [1, 2, 3];
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < D; i++) {
        s[i] = A[t * D + i] * s[i] + b[t * D + i];
        expect(seq[t * D + i]).toBe(s[i]);
      }
    }
    for (const method of [dyn.strategy, 'deer'] as const) {
      const r = solve(dyn, [1, 2, 3], T, { method, stop: 'merit', tol: 1e-20 });
      expect(r.iterations).toBe(1);
      expect(relErr(r.states, seq)).toBeLessThan(1e-12);
    }
    expect(() => linear({ structure: dense(2), A: [1, 2, 3] })).toThrow(/whole number of dense matrices/);
    expect(() => linear({ structure: dense(2), A: [1, 0, 0, 1], b: [1, 2, 3] })).toThrow(/one or T vectors/);
    expect(() => solve(linear({ structure: diagonal(1), A: [0.5, 0.5] }), [1], 3)).toThrow(/A holds 2 steps/);
  });

  it('the same params give the same system (seeded weights and noise), a different seed another', () => {
    const a = meanFieldRnn({ dim: 5, g: 2, seed: 11 });
    const b = meanFieldRnn({ ...a.params });
    expect(Array.from(b.weights)).toEqual(Array.from(a.weights));
    expect(Array.from(meanFieldRnn({ dim: 5, g: 2, seed: 12 }).weights)).not.toEqual(Array.from(a.weights));
    // Zero diagonal, variance g²/D.
    for (let i = 0; i < 5; i++) expect(a.weights[i * 5 + i]).toBe(0);
    const big = meanFieldRnn({ dim: 200, g: 2, seed: 1 }).weights;
    const variance = big.reduce((acc, w) => acc + w * w, 0) / (200 * 199);
    expect(variance).toBeGreaterThan(0.9 * (4 / 200));
    expect(variance).toBeLessThan(1.1 * (4 / 200));
    const l1 = langevin({ potential: twoWell(2), stepSize: 0.1, seed: 5 });
    const run = (d: Dynamics) => solve(d, [0.5, -0.5], 50, { method: 'sequential' }).states;
    expect(Array.from(run(langevin({ ...l1.params })))).toEqual(Array.from(run(l1)));
  });

  it('Langevin noise depends only on (seed, t): a parallel solve reproduces the sampler exactly', () => {
    const dyn = langevin({ potential: gaussianMixture({ means: [[0, 0]], covariances: [[[1, 0.5], [0.5, 2]]] }), stepSize: 0.1, seed: 9 });
    const seq = solve(dyn, [3, -3], 400, { method: 'sequential' }).states;
    const par = solve(dyn, [3, -3], 400, { method: 'deer' });
    expect(par.converged).toBe(true);
    expect(relErr(par.states, seq)).toBeLessThan(1e-9);
  });

  it('the mean-field RNN gets slower to parallelize as g grows (DEER iterations)', () => {
    // Its Jacobian has a zero diagonal, so quasi-DEER is Jacobi here: DEER shows the trend.
    const iterations = [0.3, 1, 3].map((g) => solve(meanFieldRnn({ dim: 16, g, seed: 4 }), new Array<number>(16).fill(0.5), 300, { method: 'deer' }).iterations);
    expect(iterations[0]).toBeLessThanOrEqual(iterations[1]);
    expect(iterations[1]).toBeLessThan(iterations[2]);
  });

  it('gru steps like a plain textbook GRU written from its weights', () => {
    const D = 4, I = 3;
    const inputs = [[0.5, -1, 2], [0.1, 0.2, 0.3]];
    const cell = gru({ dim: D, inputDim: I, seed: 21, inputs });
    const w = cell.weights;
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const mv = (M: Float64Array, cols: number, v: number[], i: number) => v.reduce((acc, vj, j) => acc + M[i * cols + j] * vj, 0);
    const h = [0.3, -0.2, 0.9, 0];
    const out = new Float64Array(D);
    for (const t of [1, 2, 3]) {
      const xt = t <= inputs.length ? inputs[t - 1] : [0, 0, 0];
      cell.step(t, Float64Array.from(h), 0, out, 0);
      for (let i = 0; i < D; i++) {
        const r = sig(mv(w.Wir, I, xt, i) + w.bir[i] + mv(w.Whr, D, h, i) + w.bhr[i]);
        const z = sig(mv(w.Wiz, I, xt, i) + w.biz[i] + mv(w.Whz, D, h, i) + w.bhz[i]);
        const n = Math.tanh(mv(w.Win, I, xt, i) + w.bin[i] + r * (mv(w.Whn, D, h, i) + w.bhn[i]));
        expect(out[i]).toBeCloseTo((1 - z) * n + z * h[i], 14);
      }
    }
    // Explicit weights reproduce the seeded cell.
    const again = gru({ dim: D, inputDim: I, weights: cell.weights, inputs });
    const o2 = new Float64Array(D);
    again.step(1, Float64Array.from(h), 0, o2, 0);
    cell.step(1, Float64Array.from(h), 0, out, 0);
    expect(Array.from(o2)).toEqual(Array.from(out));
    expect(() => gru({ dim: 2, inputDim: 1 })).toThrow(/weights or a seed/);
  });

  it('systems reject bad parameters with typed errors', () => {
    expect(() => meanFieldRnn({ dim: 0, g: 1, seed: 1 })).toThrow(/dim must be a positive integer/);
    expect(() => lorenz96({ dim: 3 })).toThrow(/≥ 4/);
    expect(() => lorenz63({ dt: 0 })).toThrow(/dt must be finite and > 0/);
    expect(() => langevin({ potential: twoWell(), stepSize: -1 })).toThrow(/stepSize/);
    expect(() => gaussianMixture({ means: [[0, 0]], covariances: [[[1, 2], [2, 1]]] })).toThrow(/positive definite/);
    expect(() => meanFieldRnn({ dim: 2, g: 1, seed: 1, inputs: [[1, 2, 3]] })).toThrow(/inputs\[0\] has 3 entries/);
  });
});
