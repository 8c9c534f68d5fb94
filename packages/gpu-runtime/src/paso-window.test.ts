import { defineDynamics } from '@unroll/linearize';
import { solve as cpuSolve } from '@unroll/solvers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../test/max-abs-diff.js';
import { createGpuRuntime, type GpuRuntime } from './index.js';

/** Gradient descent towards a slowly drifting target c_t = 0.0005·t·(1, 2, 3): a trajectory that moves slowly, as PASO's weights do. */
const eta = 0.05;
const gd = defineDynamics({
  dim: 3,
  name: 'drifting-gd',
  step(t, s, so, out, oo) {
    for (let i = 0; i < 3; i++) out[oo + i] = (s[so + i] ?? 0) - eta * ((s[so + i] ?? 0) - 0.0005 * t * (i + 1));
  },
  diagonal(_t, _s, _so, out, oo) {
    for (let i = 0; i < 3; i++) out[oo + i] = 1 - eta;
  },
  wgsl: {
    params: [eta],
    source: `
      fn step(t: u32, s: State) -> State {
        var out: State;
        for (var i = 0u; i < D; i++) { out[i] = s[i] - params[0] * (s[i] - 0.0005 * f32(t) * f32(i + 1u)); }
        return out;
      }
      fn diagonal(t: u32, s: State) -> State { return State(1.0 - params[0], 1.0 - params[0], 1.0 - params[0]); }`,
  },
});

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});

describe("PASO's window entry on the GPU (windowEntry: 'previous', §4.6)", () => {
  it("matches the CPU's: the same iterations (±2) and states, fewer iterations than entering at the guess", async () => {
    const T = 1500, s0 = [0.5, 0.5, 0.5];
    for (const window of [20, 50]) {
      const g = await rt.solve(gd, s0, T, { method: 'picard', window, windowEntry: 'previous' });
      const c = cpuSolve(gd, s0, T, { method: 'picard', window, windowEntry: 'previous', dtype: 'float32' });
      const atGuess = await rt.solve(gd, s0, T, { method: 'picard', window });
      expect(g.converged && c.converged).toBe(true);
      expect(Math.abs(g.iterations - c.iterations), `window ${window}: gpu ${g.iterations} cpu ${c.iterations}`).toBeLessThanOrEqual(2);
      expect(maxAbsDiff(g.states, c.states)).toBeLessThan(1e-4);
      expect(g.iterations).toBeLessThan(atGuess.iterations);
    }
  });

  it("change: 'mean-square' (PASO eq. 9) matches the CPU's, windowed or not, and the callback's prefix uses it too", async () => {
    const T = 800, s0 = [0.5, 0.5, 0.5];
    for (const window of [undefined, 40]) {
      const prefixes: number[] = [];
      // Jacobi (Ã = 0) contracts by 1 − η per iteration: no overflow, no resets — a path both backends walk alike.
      const opts = { method: 'jacobi' as const, change: 'mean-square' as const, tol: 1e-9, residualTol: 1e-3, ...(window === undefined ? {} : { window }) };
      const g = await rt.solve(gd, s0, T, { ...opts, onIteration: (info) => void prefixes.push(info.convergedPrefix) });
      const c = cpuSolve(gd, s0, T, { ...opts, dtype: 'float32' });
      expect(g.converged && c.converged, `window ${String(window)}`).toBe(true);
      expect(Math.abs(g.iterations - c.iterations), `window ${String(window)}: gpu ${g.iterations} cpu ${c.iterations}`).toBeLessThanOrEqual(2);
      expect(maxAbsDiff(g.states, c.states)).toBeLessThan(1e-4);
      for (let i = 1; i < prefixes.length; i++) expect(prefixes[i]).toBeGreaterThanOrEqual(prefixes[i - 1] ?? 0);
      // The mean-square delta is the square's scale: at the end it is below tol.
      expect(g.trace.delta.at(-1)).toBeLessThan(1e-9);
    }
  });
});
