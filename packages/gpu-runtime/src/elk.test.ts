import { defineStrategy, diagonal, hutchinson } from '@unroll/linearize';
import { elk, quasiDeer, sequentialRollout, solve as cpuSolve } from '@unroll/solvers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../test/max-abs-diff.js';
import { network } from '../test/rational-network.js';
import { createGpuRuntime, type GpuRuntime } from './index.js';

let rt: GpuRuntime;
let small: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
  // Tiny bindings and grids: every ELK binding is windowed and grids go 2-D.
  small = await createGpuRuntime({ maxBindingBytes: 4096, maxWorkgroupsPerDimension: 2, chunk: 8 });
});
afterAll(() => {
  rt.destroy();
  small.destroy();
});


describe('quasi-ELK on the GPU: the Kalman filter in parallel over time', () => {
  it("each iterate is the CPU filter's (float32): after 1, 2 and 4 iterations, λ ∈ {0.1, 1, 10}", async () => {
    // g = 0.7 contracts: the backends agree to a few f32 ulps. g = 1.6 is unstable: its
    // unconverged iterates grow, and the recurrence amplifies each side's rounding (sums
    // in different orders) — most at small λ, the least damped.
    for (const [gain, tolerance] of [[0.7, 1e-5], [1.6, 1e-4]] as const) {
      const { gpu, cpu } = network(gain);
      const T = 300;
      const s0 = [0.2, -0.1, 0.4];
      for (const lambda of [0.1, 1, 10]) {
        for (const maxIterations of [1, 2, 4]) {
          const method = elk({ lambda, base: 'diagonal' });
          const g = await rt.solve(gpu, s0, T, { method, maxIterations, reset: false });
          const c = cpuSolve(cpu, s0, T, { method, maxIterations, reset: false, dtype: 'float32' });
          const size = Math.max(1, maxAbsDiff(c.states, new Float32Array(c.states.length)));
          expect(maxAbsDiff(g.states, c.states) / size, `g=${gain}, λ=${lambda}, ${maxIterations} iterations`).toBeLessThan(tolerance);
          expect(g.method).toBe('quasi-elk');
        }
      }
    }
  });

  it('converges to the rollout with the CPU\'s iteration count (±2), on long sequences (several scan levels) and batches', async () => {
    const { gpu, cpu } = network(0.7);
    for (const [T, S] of [[2000, 1], [500, 3]] as const) {
      const s0 = Array.from({ length: 3 * S }, (_, k) => 0.3 * Math.sin(k + 1));
      const g = await rt.solve(gpu, s0, T, { method: elk({ lambda: 1, base: 'diagonal' }) });
      expect(g.converged).toBe(true);
      for (let q = 0; q < S; q++) {
        const ref = sequentialRollout(cpu, Float64Array.from(s0.slice(3 * q, 3 * q + 3)), T, new Float64Array(T * 3));
        expect(maxAbsDiff(g.states.subarray(q * T * 3, (q + 1) * T * 3), ref)).toBeLessThan(5e-5);
      }
      const c = cpuSolve(cpu, s0.slice(0, 3), T, { method: elk({ lambda: 1, base: 'diagonal' }), dtype: 'float32' });
      if (S === 1) expect(Math.abs(g.iterations - c.iterations)).toBeLessThanOrEqual(2);
    }
  });

  it('λ = 0 is quasi-DEER: the same iterations and iterates', async () => {
    const { gpu } = network(0.7);
    const T = 400, s0 = [0.1, 0.2, 0.3];
    const a = await rt.solve(gpu, s0, T, { method: elk({ lambda: 0, base: 'diagonal' }) });
    const b = await rt.solve(gpu, s0, T, { method: quasiDeer() });
    expect(a.iterations).toBe(b.iterations);
    expect(maxAbsDiff(a.states, b.states)).toBeLessThan(1e-6);
  });

  it('windowed bindings and 2-D grids change nothing', async () => {
    const { gpu } = network(1.6);
    const T = 150, s0 = [0.2, -0.1, 0.4, 0.1, 0.1, 0.1];
    const opts = { method: elk({ lambda: 1, base: 'diagonal' }), maxIterations: 3, reset: false };
    const a = await rt.solve(gpu, s0, T, opts);
    const b = await small.solve(gpu, s0, T, opts);
    expect(maxAbsDiff(a.states, b.states)).toBeLessThan(1e-5);
  });

  it("a custom base runs when its fill has WGSL (Hutchinson's does), and is refused, naming what is missing, when not", async () => {
    const { gpu } = network(0.7);
    const r = await rt.solve(gpu, [0.1, 0.2, 0.3], 200, { method: elk({ lambda: 1, base: hutchinson({ probes: 8 }) }) });
    expect(r.converged).toBe(true);
    const plain = defineStrategy({ name: 'plain-diagonal', structure: (D) => diagonal().structure(D), prepare: (dyn) => diagonal().prepare(dyn) });
    await expect(rt.solve(gpu, [0, 0, 0], 10, { method: elk({ lambda: 1, base: plain }) })).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/custom strategy.*strategy_fill/) as unknown });
  });
});
