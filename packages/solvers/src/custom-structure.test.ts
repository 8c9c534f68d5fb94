// A custom structure, end to end (the solvers README walks through this file): the
// pair-blocks structure and strategy of linearize's test/pair-blocks.mjs (the linearize
// README's worked example) — written as a user would, unknown
// to the library — solved by Newton, on worker threads, by ELK and through gradient, each
// against the dense reference.
import { defineDynamics, full, type Dynamics } from '@unroll/linearize';
import { checkStructureLaws, linearRecurrence } from '@unroll/scan';
import { describe, expect, it } from 'vitest';
import { pairBlocks, pairStrategy } from '../../linearize/test/pair-blocks.mjs';
import { maxAbsErr, rollout, uniform } from '../test/systems.js';
import { deer, elk, gradient, newton, solve } from './index.js';

/**
 * Independent damped pendula in symplectic Euler, (q₁, p₁, q₂, p₂, …):
 * p' = γp − h sin q + u_t, q' = δq + h p', γ = 0.9 (damped: predictable, so Newton converges
 * in a few iterations; δ < 1 damps the position too, which ELK's trust region needs to
 * converge well within T). Each pair's Jacobian [[δ − h² cos q, γh], [−h cos q, γ]] sits on
 * the diagonal, so the pair-blocks Ã_t is the exact Jacobian.
 */
function pendula(D: number, h: number, seed: number, decay = 1): Dynamics {
  const gamma = 0.9;
  const rand = uniform(seed);
  const u = Float64Array.from({ length: 31 * D }, () => 0.1 * rand());
  return defineDynamics({
    dim: D,
    step(t, s, so, out, oo) {
      for (let k = 0; k < D / 2; k++) {
        const p = gamma * s[so + 2 * k + 1] - h * Math.sin(s[so + 2 * k]) + u[(t % 31) * D + k];
        out[oo + 2 * k + 1] = p;
        out[oo + 2 * k] = decay * s[so + 2 * k] + h * p;
      }
    },
    jacobian(_t, s, so, out, oo) {
      out.fill(0, oo, oo + D * D);
      for (let k = 0; k < D / 2; k++) {
        const c = Math.cos(s[so + 2 * k]), r = 2 * k;
        out[oo + r * D + r] = decay - h * h * c;
        out[oo + r * D + r + 1] = gamma * h;
        out[oo + (r + 1) * D + r] = -h * c;
        out[oo + (r + 1) * D + r + 1] = gamma;
      }
    },
  });
}

const D = 4;
const s0 = [0.5, 0, -0.3, 0.2];

describe('a user-defined structure reaches every path', () => {
  it('pairBlocks obeys the structure laws for every capability it claims', () => {
    const report = checkStructureLaws(pairBlocks(D), { seed: 3 });
    expect(report.ok, JSON.stringify(report)).toBe(true);
  });

  it('newton(pairStrategy) is DEER at 2D numbers per step: same iterations, same states as the dense Jacobian', () => {
    const dyn = pendula(D, 0.1, 1);
    const T = 400;
    const blocks = solve(dyn, s0, T, { method: newton(pairStrategy) });
    const dense = solve(dyn, s0, T, { method: deer() });
    expect(blocks.converged).toBe(true);
    expect(blocks.iterations).toBe(dense.iterations);
    expect(maxAbsErr(blocks.states, dense.states)).toBeLessThan(1e-12);
    expect(maxAbsErr(blocks.states, rollout(dyn, s0, T))).toBeLessThan(1e-9);
  });

  it('linearRecurrence(pairBlocks, …, { threads: 2 }) runs on worker threads and equals the dense recurrence', () => {
    const T = 5000;
    const rand = uniform(9);
    const A = Float64Array.from({ length: T * 2 * D }, () => 0.9 * rand());
    const b = Float64Array.from({ length: T * D }, () => rand());
    const threaded = linearRecurrence(pairBlocks(D), A, b, s0, { threads: 2, parallelThreshold: 0 });
    // The dense reference: each packed pair block placed on the diagonal of a D×D matrix.
    const Adense = new Float64Array(T * D * D);
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < D / 2; k++) {
        const o = t * D * D, r = 2 * k, e = t * 2 * D + 4 * k;
        Adense[o + r * D + r] = A[e];
        Adense[o + r * D + r + 1] = A[e + 1];
        Adense[o + (r + 1) * D + r] = A[e + 2];
        Adense[o + (r + 1) * D + r + 1] = A[e + 3];
      }
    }
    let s = Float64Array.from(s0);
    let err = 0;
    for (let t = 0; t < T; t++) {
      const next = new Float64Array(D);
      for (let i = 0; i < D; i++) {
        let acc = b[t * D + i];
        for (let j = 0; j < D; j++) acc += Adense[t * D * D + i * D + j] * s[j];
        next[i] = acc;
      }
      s = next;
      for (let i = 0; i < D; i++) err = Math.max(err, Math.abs(threaded[t * D + i] - s[i]) / (1 + Math.abs(s[i])));
    }
    expect(err).toBeLessThan(1e-9);
  });

  it('solve(…, { method: newton(pairStrategy), threads: 2 }) gives the single-thread states', () => {
    const dyn = pendula(D, 0.1, 2);
    const T = 90_000; // T·(width + D) ≥ 2^20: large enough for the threaded path
    const one = solve(dyn, s0, T, { method: newton(pairStrategy) });
    const two = solve(dyn, s0, T, { method: newton(pairStrategy), threads: 2 });
    expect(two.converged).toBe(true);
    expect(two.iterations).toBe(one.iterations);
    expect(maxAbsErr(two.states, one.states)).toBeLessThan(1e-9);
  });

  it('ELK (λ = 1) on pair-blocks runs the block Kalman filter and equals ELK on the dense Jacobian', () => {
    const dyn = pendula(D, 0.1, 3, 0.5);
    const T = 300;
    // ELK's damped steps contract slowly, so the change tol is set below the error wanted.
    const blocks = solve(dyn, s0, T, { method: elk({ lambda: 1, base: pairStrategy }), tol: 1e-11 });
    const dense = solve(dyn, s0, T, { method: elk({ lambda: 1, base: full() }), tol: 1e-11 });
    expect(blocks.converged).toBe(true);
    expect(blocks.iterations).toBeLessThan(T);
    expect(blocks.iterations).toBe(dense.iterations);
    expect(maxAbsErr(blocks.states, dense.states)).toBeLessThan(1e-10);
    expect(maxAbsErr(blocks.states, rollout(dyn, s0, T))).toBeLessThan(1e-7);
  });

  it('gradient through pair-blocks stores T·2D numbers and equals the dense adjoint', () => {
    const dyn = pendula(D, 0.1, 4);
    const T = 200;
    const states = rollout(dyn, s0, T);
    const rand = uniform(5);
    const g = Float64Array.from({ length: T * D }, () => rand());
    const blocks = gradient(dyn, s0, states, g, { jacobian: pairStrategy });
    const dense = gradient(dyn, s0, states, g);
    expect(blocks.storage).toEqual({ structure: 'pair-blocks', numbers: T * 2 * D });
    expect(dense.storage.numbers).toBe(T * D * D);
    expect(maxAbsErr(blocks.adjoints, dense.adjoints)).toBeLessThan(1e-11);
    expect(maxAbsErr(blocks.initialState, dense.initialState)).toBeLessThan(1e-11);
  });
});
