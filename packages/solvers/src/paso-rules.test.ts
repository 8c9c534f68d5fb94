import { defineDynamics } from '@unroll/linearize';
import { describe, expect, it } from 'vitest';
import { maxAbsErr, rollout } from '../test/systems.js';
import { solve } from './index.js';

/**
 * Gradient descent on a drifting quadratic, s_t = s_{t−1} − η (s_{t−1} − c_t) with
 * c_t = (sin(0.002 t), cos(0.003 t), 1): a trajectory that moves slowly, like the weights
 * of a training run (PASO's setting).
 */
const D = 3, eta = 0.05;
const gd = defineDynamics({
  dim: D,
  step(t, s, so, out, oo) {
    const c = [Math.sin(0.002 * t), Math.cos(0.003 * t), 1];
    for (let i = 0; i < D; i++) out[oo + i] = (s[so + i] ?? 0) - eta * ((s[so + i] ?? 0) - (c[i] ?? 0));
  },
  diagonal(_t, _s, _so, out, oo) {
    for (let i = 0; i < D; i++) out[oo + i] = 1 - eta;
  },
});

describe("PASO's rules as options: windowEntry 'previous' (§4.6) and change 'mean-square' (eq. 9)", () => {
  it("windowEntry 'previous' starts new steps from the previous window's last state: the same answer, fewer iterations on a slow trajectory", () => {
    const T = 2000, s0 = [0.5, 0.5, 0.5];
    const ref = rollout(gd, s0, T);
    const guess = solve(gd, s0, T, { method: 'picard', window: 50 });
    const previous = solve(gd, s0, T, { method: 'picard', window: 50, windowEntry: 'previous' });
    expect(guess.converged && previous.converged).toBe(true);
    expect(maxAbsErr(previous.states, ref)).toBeLessThan(1e-6);
    expect(previous.iterations).toBeLessThan(guess.iterations);
  });

  it("change 'mean-square' compares (1/D)‖Δ‖² with tol: looser than max |Δ| at tol², and still converged only through the residual check", () => {
    const T = 1000, s0 = [0.5, 0.5, 0.5];
    const strict = solve(gd, s0, T, { method: 'picard', window: 50, tol: 1e-4 });
    const paso = solve(gd, s0, T, { method: 'picard', window: 50, tol: 1e-8, change: 'mean-square' });
    expect(paso.iterations).toBeLessThanOrEqual(strict.iterations);
    // The verdict is the residual check, whatever the change measure says.
    const loose = solve(gd, s0, T, { method: 'picard', window: 50, tol: 1e-2, change: 'mean-square', residualTol: 1e-12 });
    expect(loose.converged).toBe(false);
  });

  it('bad values are typed errors that say what to pass', () => {
    expect(() => solve(gd, [0, 0, 0], 10, { change: 'rms' as never })).toThrow(/change must be 'max-abs'.*'mean-square'/);
    expect(() => solve(gd, [0, 0, 0], 10, { windowEntry: 'last' as never })).toThrow(/windowEntry must be 'guess' or 'previous'/);
    expect(() => solve(gd, [0, 0, 0], 10, { windowEntry: 'previous' })).toThrow(/windowEntry applies to sliding windows; give window/);
  });
});
