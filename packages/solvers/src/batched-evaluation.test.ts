// Batched evaluation in the CPU solver: a dynamics with a `block` is evaluated a block of
// rows at a time, f once per step per iteration (the final residual included), and the
// solve is bit-identical to the same dynamics evaluated one step at a time.
import type { Dynamics, DynamicsBlock } from '@unroll/linearize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tanhRnn } from '../test/systems.js';
import { elk, scaleElk, solve, type Method, type SolveMethod } from './index.js';

/**
 * The same dynamics with a block that loops over its rows (an independent path to the
 * same numbers), counting per-step calls and block rows separately.
 */
function counted(dyn: Dynamics): { dyn: Dynamics; calls: { perStep: number; blockRows: number } } {
  const D = dyn.dim;
  const calls = { perStep: 0, blockRows: 0 };
  const diagonal = dyn.diagonal?.bind(dyn), jacobian = dyn.jacobian?.bind(dyn);
  if (diagonal === undefined || jacobian === undefined) throw new Error('test dynamics needs closed-form derivatives');
  const block: DynamicsBlock = {
    step(t0, n, prev, po, out, oo) {
      calls.blockRows += n;
      for (let k = 0; k < n; k++) dyn.step(t0 + k, prev, po + k * D, out, oo + k * D);
    },
    stepDiagonal(t0, n, prev, po, out, oo, diag, dOff) {
      calls.blockRows += n;
      for (let k = 0; k < n; k++) {
        dyn.step(t0 + k, prev, po + k * D, out, oo + k * D);
        diagonal(t0 + k, prev, po + k * D, diag, dOff + k * D);
      }
    },
    stepJacobian(t0, n, prev, po, out, oo, jac, jo) {
      calls.blockRows += n;
      for (let k = 0; k < n; k++) {
        dyn.step(t0 + k, prev, po + k * D, out, oo + k * D);
        jacobian(t0 + k, prev, po + k * D, jac, jo + k * D * D);
      }
    },
  };
  return {
    calls,
    dyn: {
      ...dyn,
      step(t, prev, po, out, oo) {
        calls.perStep++;
        dyn.step(t, prev, po, out, oo);
      },
      block,
    },
  };
}

const methods: [string, Method | SolveMethod][] = [
  ['deer', 'deer'],
  ['quasi-deer', 'quasi-deer'],
  ['jacobi', 'jacobi'],
  ['picard', 'picard'],
  ['clip-elk', 'clip-elk'],
  ['scale-elk', scaleElk({ k: 0.4 })],
  ['elk', elk({ lambda: 1 })],
  ['quasi-elk', elk({ lambda: 0.5, base: 'diagonal' })],
];

describe('batched evaluation in the CPU solver', () => {
  it.each(methods)('%s: the same iterations, trace and states as one step at a time, windows included (fast-check)', (_name, method) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.constantFrom(undefined, 1, 7, 64),
        fc.constantFrom('guess' as const, 'previous' as const),
        fc.double({ min: 0.3, max: 1.6, noNaN: true }),
        (D, T, seed, window, windowEntry, gain) => {
          const plain = tanhRnn(D, seed, gain);
          const { dyn } = counted(plain);
          const s0 = Array.from({ length: D }, (_, i) => 0.5 - 0.2 * i);
          const opts = { method, maxIterations: 60, ...(window === undefined ? {} : { window, windowEntry }) };
          const a = solve(dyn, s0, T, opts);
          const b = solve(plain, s0, T, opts);
          expect(a.iterations).toBe(b.iterations);
          expect(a.converged).toBe(b.converged);
          expect(a.states).toEqual(b.states);
          expect(a.trace).toEqual(b.trace);
        },
      ),
      { numRuns: 25 },
    );
  });

  it.each(methods.filter(([name]) => name !== 'picard'))('%s: f once per step per iteration, the final residual included, and never one step at a time', (_name, method) => {
    const T = 500;
    const { dyn, calls } = counted(tanhRnn(4, 3, 0.7));
    const run = solve(dyn, new Float64Array(4).fill(0.1), T, { method });
    expect(run.converged).toBe(true);
    expect(calls.perStep).toBe(0);
    expect(calls.blockRows).toBe(T * (run.iterations + 1));
  });

  it('a window evaluates only its rows: f once per row per iteration of each window', () => {
    const T = 240, w = 60;
    const { dyn, calls } = counted(tanhRnn(3, 5, 0.6));
    const run = solve(dyn, new Float64Array(3).fill(0.1), T, { method: 'quasi-deer', window: w });
    expect(run.converged).toBe(true);
    expect(calls.perStep).toBe(0);
    // Each iteration linearizes the window's rows (≤ w), then one residual sweep of T rows.
    expect(calls.blockRows).toBeLessThanOrEqual(w * run.iterations + T);
    expect(calls.blockRows).toBeGreaterThanOrEqual(T + T);
  });

  it('a non-finite state in a block is reset like one step at a time', () => {
    const plain = tanhRnn(2, 9, 3);
    const { dyn } = counted(plain);
    const s0 = [40, -40];
    const opts = { method: 'quasi-deer' as const, maxIterations: 30, resetThreshold: 1e3 };
    const a = solve(dyn, s0, 200, opts), b = solve(plain, s0, 200, opts);
    expect(a.states).toEqual(b.states);
    expect(a.trace.resets).toEqual(b.trace.resets);
    expect(a.trace.resets.some((r) => r > 0)).toBe(true);
  });
});
