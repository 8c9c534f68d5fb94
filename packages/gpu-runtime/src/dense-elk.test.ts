import { elk, solve as cpuSolve } from '@unroll/solvers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../test/max-abs-diff.js';
import { network, rationalNetwork } from '../test/rational-network.js';
import { createGpuRuntime, type GpuRuntime } from './index.js';

let rt: GpuRuntime;
let small: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
  small = await createGpuRuntime({ maxBindingBytes: 4096, maxWorkgroupsPerDimension: 2, chunk: 4 });
});
afterAll(() => {
  rt.destroy();
  small.destroy();
});

describe('ELK with the full Jacobian on the GPU: the parallel Kalman filter (Särkkä–García-Fernández elements) in WGSL', () => {
  it("each iterate is the CPU filter's (float32): after 1, 2 and 4 iterations, λ ∈ {0.1, 1, 10}", async () => {
    for (const [gain, tolerance] of [[0.7, 2e-5], [1.6, 2e-4]] as const) {
      const { gpu, cpu } = network(gain);
      const T = 200, s0 = [0.2, -0.1, 0.4];
      for (const lambda of [0.1, 1, 10]) {
        for (const maxIterations of [1, 2, 4]) {
          const method = elk({ lambda });
          const g = await rt.solve(gpu, s0, T, { method, maxIterations, reset: false });
          const c = cpuSolve(cpu, s0, T, { method, maxIterations, reset: false, dtype: 'float32' });
          const size = Math.max(1, maxAbsDiff(c.states, new Float32Array(c.states.length)));
          expect(maxAbsDiff(g.states, c.states) / size, `g=${gain}, λ=${lambda}, ${maxIterations} iterations`).toBeLessThan(tolerance);
          expect(g.method).toBe('elk');
        }
      }
    }
  });

  it('converges with the CPU iteration count (±2), over several scan levels, batches and windowed bindings', async () => {
    const { gpu, cpu } = network(0.7);
    const T = 1500, s0 = [0.3, -0.2, 0.1, 0.5, 0.4, -0.3];
    const g = await rt.solve(gpu, s0, T, { method: elk({ lambda: 1 }) });
    expect(g.converged).toBe(true);
    const rollout = await rt.solve(gpu, s0, T, { method: 'sequential' });
    expect(maxAbsDiff(g.states, rollout.states)).toBeLessThan(5e-5);
    const c = cpuSolve(cpu, s0.slice(0, 3), T, { method: elk({ lambda: 1 }), dtype: 'float32' });
    expect(Math.abs(g.iterations - c.iterations)).toBeLessThanOrEqual(2);
    const h = await small.solve(gpu, s0.slice(0, 3), 100, { method: elk({ lambda: 1 }), maxIterations: 3, reset: false });
    const k = await rt.solve(gpu, s0.slice(0, 3), 100, { method: elk({ lambda: 1 }), maxIterations: 3, reset: false });
    expect(maxAbsDiff(h.states, k.states)).toBeLessThan(1e-5);
  });

  it('λ = 0 is DEER, and D beyond the Kalman limit is refused with the reason', async () => {
    const { gpu } = network(0.7);
    const a = await rt.solve(gpu, [0.1, 0.2, 0.3], 300, { method: elk({ lambda: 0 }) });
    const b = await rt.solve(gpu, [0.1, 0.2, 0.3], 300, { method: 'deer' });
    expect(a.iterations).toBe(b.iterations);
    expect(maxAbsDiff(a.states, b.states)).toBeLessThan(1e-5);
    const wide = rationalNetwork(0.5, Array.from({ length: 81 }, (_, k) => 0.1 * Math.sin(k)));
    await expect(rt.solve(wide, new Array<number>(9).fill(0), 10, { method: elk({ lambda: 1 }) })).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/D ≤ 8/) as unknown });
  });
});
