import { defineDynamics, type Dynamics } from '@unroll/linearize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxAbsErr, rollout } from '../test/systems.js';
import { elk, solve } from './index.js';

/**
 * Gradient descent with an exponential moving average of the gradient — the state is the
 * weights θ (n = 2) followed by the optimizer's moment m, as `gradientDescent` lays out
 * Adam: m' = β m + (1 − β) g_t(θ), θ' = θ − η m', on a quadratic whose centre drifts
 * slowly (a training run's weights move little per step; its moments move more).
 */
const n = 2, D = 2 * n, beta = 0.9, eta = 0.05;
const momentum: Dynamics = defineDynamics({
  dim: D,
  step(t, s, so, out, oo) {
    const c = [Math.sin(0.01 * t), Math.cos(0.013 * t)];
    for (let i = 0; i < n; i++) {
      const g = 2 * ((s[so + i] ?? 0) - (c[i] ?? 0)) + 0.3 * Math.sin(0.7 * t + i);
      const m = beta * (s[so + n + i] ?? 0) + (1 - beta) * g;
      out[oo + n + i] = m;
      out[oo + i] = (s[so + i] ?? 0) - eta * m;
    }
  },
  // ∂θ'_i/∂θ_i = 1 − 2η(1 − β), ∂m'_i/∂m_i = β: constant on this quadratic.
  diagonal(_t, _s, _so, out, oo) {
    for (let i = 0; i < n; i++) {
      out[oo + i] = 1 - 2 * eta * (1 - beta);
      out[oo + n + i] = beta;
    }
  },
});

interface HandRun {
  readonly K: number;
  readonly states: Float64Array;
}

/**
 * PASO's Algorithm 1, written out step by step for Picard (Ã = I), independently of the
 * solver: rows t+1 … t+p from the exact row t by prefix sums of f at the previous iterate
 * (line 7, eq. 8); d_i = (1/n)‖Δθ‖² over the n leading entries (eq. 9); the stride
 * s = i + 1 for the first row i failing d_i < δ, else p (line 8) — or, for the solver's
 * default rule, s = max(1, i); rows entering the window start from its rightmost state
 * (line 9, §4.6); the window shrinks at the end (line 11).
 */
function pasoByHand(dyn: Dynamics, s0: readonly number[], T: number, p: number, delta: number, entries: number, stride: 'paso' | 'converged'): HandRun {
  const W = dyn.dim;
  const cur = new Float64Array((T + 1) * W);
  for (let r = 0; r <= Math.min(T, p); r++) cur.set(s0, r * W);
  let entered = Math.min(T, p);
  const next = new Float64Array((p + 1) * W), f = new Float64Array(W);
  let t = 0, K = 0;
  while (t < T) {
    const pw = Math.min(p, T - t);
    next.set(cur.subarray(t * W, (t + 1) * W), 0);
    for (let i = 0; i < pw; i++) {
      dyn.step(t + i + 1, cur, (t + i) * W, f, 0);
      for (let j = 0; j < W; j++) next[(i + 1) * W + j] = (next[i * W + j] ?? 0) + (f[j] ?? 0) - (cur[(t + i) * W + j] ?? 0);
    }
    let first = -1;
    for (let i = 0; i < pw; i++) {
      let d = 0;
      for (let j = 0; j < entries; j++) d += ((next[(i + 1) * W + j] ?? 0) - (cur[(t + i + 1) * W + j] ?? 0)) ** 2;
      if (first < 0 && !(d / entries < delta)) first = i;
    }
    cur.set(next.subarray(W, (pw + 1) * W), (t + 1) * W);
    const s = first < 0 ? pw : stride === 'paso' ? first + 1 : Math.max(1, first);
    K++;
    t += s;
    const until = Math.min(T, t + p);
    for (let r = entered + 1; r <= until; r++) cur.copyWithin(r * W, entered * W, (entered + 1) * W);
    entered = Math.max(entered, until);
  }
  return { K, states: cur.slice(W) };
}

const s0 = [0.8, -0.5, 0, 0];
const initOf = (T: number) => {
  const init = new Float64Array(T * D);
  for (let t = 0; t < T; t++) init.set(s0, t * D);
  return init;
};

describe("PASO's stride (windowAdvance 'first-unconverged') and eq. 9 over the weights (changeEntries)", () => {
  it('solve with PASO\'s rules takes the iterations and reaches the states of a hand-written Algorithm 1', () => {
    const T = 600;
    for (const [p, delta] of [[7, 1e-6], [35, 1e-5], [50, 1e-8]] as const) {
      const hand = pasoByHand(momentum, s0, T, p, delta, n, 'paso');
      const r = solve(momentum, s0, T, { method: 'picard', init: initOf(T), window: p, tol: delta, change: 'mean-square', changeEntries: n, windowEntry: 'previous', windowAdvance: 'first-unconverged', residualTol: 1 });
      expect(r.iterations, `p ${p}`).toBe(hand.K);
      expect(maxAbsErr(r.states, hand.states), `p ${p}`).toBeLessThan(1e-12);
    }
  });

  it('the hand-written loop with the default stride is the solver without windowAdvance: the one rule is the only difference', () => {
    const T = 600, p = 7, delta = 1e-6;
    const hand = pasoByHand(momentum, s0, T, p, delta, n, 'converged');
    const r = solve(momentum, s0, T, { method: 'picard', init: initOf(T), window: p, tol: delta, change: 'mean-square', changeEntries: n, windowEntry: 'previous', residualTol: 1 });
    expect(r.iterations).toBe(hand.K);
    expect(maxAbsErr(r.states, hand.states)).toBeLessThan(1e-12);
    const paso = solve(momentum, s0, T, { method: 'picard', init: initOf(T), window: p, tol: delta, change: 'mean-square', changeEntries: n, windowEntry: 'previous', windowAdvance: 'first-unconverged', residualTol: 1 });
    expect(paso.iterations).toBeLessThan(r.iterations);
  });

  it('changeEntries measures the weights alone: the moments moving no longer hold the window back, and all D entries is the default', () => {
    const T = 400, p = 20, tol = 1e-6;
    const base = { method: 'picard', init: initOf(T), window: p, tol, change: 'mean-square', windowEntry: 'previous', residualTol: 1 } as const;
    const all = solve(momentum, s0, T, base);
    const allExplicit = solve(momentum, s0, T, { ...base, changeEntries: D });
    const weights = solve(momentum, s0, T, { ...base, changeEntries: n });
    expect(allExplicit.iterations).toBe(all.iterations);
    expect(maxAbsErr(allExplicit.states, all.states)).toBe(0);
    expect(weights.iterations).toBeLessThan(all.iterations);
    expect(weights.iterations).toBe(pasoByHand(momentum, s0, T, p, tol, n, 'converged').K);
    expect(all.iterations).toBe(pasoByHand(momentum, s0, T, p, tol, D, 'converged').K);
  });

  it("at a tight tolerance PASO's rules still reproduce the sequential rollout, converged by the residual check over every entry", () => {
    const T = 500;
    const ref = rollout(momentum, s0, T);
    // The moments are not measured: η = 0.05 hides their error 20× in θ's change, so the
    // residual bound (over θ and m) is set where that leaves them.
    const r = solve(momentum, s0, T, { method: 'picard', init: initOf(T), window: 25, tol: 1e-20, change: 'mean-square', changeEntries: n, windowEntry: 'previous', windowAdvance: 'first-unconverged', residualTol: 1e-8 });
    expect(r.converged).toBe(true);
    expect(maxAbsErr(r.states, ref)).toBeLessThan(1e-7);
  });

  it('property: for any window, tolerance and length, the solver and the hand-written Algorithm 1 agree on K and the states', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 5, max: 200 }), fc.integer({ min: -12, max: -3 }), fc.constantFrom(1, 2, 4), (p, T, e, entries) => {
        const delta = 10 ** e;
        const hand = pasoByHand(momentum, s0, T, p, delta, entries, 'paso');
        const r = solve(momentum, s0, T, { method: 'picard', init: initOf(T), window: p, tol: delta, change: 'mean-square', changeEntries: entries, windowEntry: 'previous', windowAdvance: 'first-unconverged', residualTol: 1 });
        expect(r.iterations).toBe(hand.K);
        expect(maxAbsErr(r.states, hand.states)).toBeLessThan(1e-12);
      }),
      { numRuns: 60, seed: 18 },
    );
  });

  it("ELK keeps the default advance — its first row is not exact — so windowAdvance changes nothing there", () => {
    const T = 100;
    const opts = { method: elk({ lambda: 1, base: 'diagonal' }), init: initOf(T), window: 10, tol: 1e-10 } as const;
    const plain = solve(momentum, s0, T, opts);
    const paso = solve(momentum, s0, T, { ...opts, windowAdvance: 'first-unconverged' });
    expect(paso.iterations).toBe(plain.iterations);
    expect(maxAbsErr(paso.states, plain.states)).toBe(0);
  });

  it('bad values are typed errors that say what to pass', () => {
    for (const bad of [0, -1, 1.5, '2', Number.NaN]) {
      expect(() => solve(momentum, s0, 10, { changeEntries: bad as never })).toThrow(/changeEntries must be a positive integer/);
    }
    expect(() => solve(momentum, s0, 10, { changeEntries: D + 1 })).toThrow(/changeEntries \(5\) must be at most the dimension D = 4/);
    expect(() => solve(momentum, s0, 10, { window: 3, windowAdvance: 'one-more' as never })).toThrow(/windowAdvance must be 'converged'.*'first-unconverged'/);
    expect(() => solve(momentum, s0, 10, { windowAdvance: 'first-unconverged' })).toThrow(/windowAdvance applies to sliding windows; give window/);
  });
});
