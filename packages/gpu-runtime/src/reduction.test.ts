// The reduction chain folds every producing workgroup's (sum, max) partial into one pair
// of the record, 4096 partials per workgroup of a level. Checked where it takes two
// levels (more than 4096 partials) against the closed form of one Jacobi iteration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpuRuntime, defineGpuDynamics, type GpuRuntime } from './index.js';

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});

describe('the reduction chain', () => {
  it('two levels (> 4096 partials): the merit sums and the change maxes every step', async () => {
    // f_t(s) = ½s + 1, plus 6 at one late step. From zeros, one Jacobi iteration has
    // residuals r_t = −f_t(0) = −1 (−7 at the spike; s_0 = 0), so the merit is
    // Σ ½r_t² / T = (½(T − 1) + 24.5) / T, and the new iterate is f_t(0): change 7.
    const T = 2 ** 18 + 5000;
    const spike = T - 1234;
    const dyn = defineGpuDynamics({
      dim: 1,
      params: [0.5],
      wgsl: `
fn step(t: u32, s: State) -> State { var o: State; o[0] = params[0] * s[0] + 1.0; if (t == ${spike}u) { o[0] += 6.0; } return o; }
fn diagonal(t: u32, s: State) -> State { return State(params[0]); }`,
    });
    const r = await rt.solve(dyn, [0], T, { method: 'jacobi', maxIterations: 1 });
    // Every workgroup of the linearization and the update holds 64 steps: > 4096 partials each.
    expect(Math.ceil(T / 64)).toBeGreaterThan(4096);
    expect(r.trace.merit[0]).toBeCloseTo((0.5 * (T - 1) + 24.5) / T, 6);
    expect(r.trace.delta[0]).toBe(7);
    expect(r.trace.resets[0]).toBe(0);
  });
});
