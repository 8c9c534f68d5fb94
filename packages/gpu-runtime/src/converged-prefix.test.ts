import { defineDynamics } from '@unroll/linearize';
import { solve as cpuSolve } from '@unroll/solvers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpuRuntime, defineGpuDynamics, type GpuRuntime } from './index.js';

/** s_t = 0.8 tanh(s_{t−1}) + sin(0.3 t), D = 2 (coordinates scaled differently), on both backends. */
const gpuDyn = defineGpuDynamics({
  dim: 2,
  params: [0.8, 0.5],
  wgsl: `
    fn step(t: u32, s: State) -> State { return State(params[0] * tanh(s[0]) + sin(0.3 * f32(t)), params[1] * tanh(s[1]) + 1.0); }
    fn diagonal(t: u32, s: State) -> State { let a = tanh(s[0]); let b = tanh(s[1]); return State(params[0] * (1.0 - a * a), params[1] * (1.0 - b * b)); }`,
});
const cpuDyn = defineDynamics({
  dim: 2,
  step(t, s, so, out, oo) {
    out[oo] = 0.8 * Math.tanh(s[so] ?? 0) + Math.sin(0.3 * t);
    out[oo + 1] = 0.5 * Math.tanh(s[so + 1] ?? 0) + 1;
  },
});

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});

describe('onIteration reports convergedPrefix on the GPU, as the CPU driver measures it', () => {
  it('Jacobi and Picard: the prefix of steps that moved less than tol follows the float32 CPU run', async () => {
    const T = 120;
    for (const method of ['jacobi', 'picard'] as const) {
      const gpu: number[] = [], cpu: number[] = [];
      const g = await rt.solve(gpuDyn, [0.1, -0.2], T, { method, tol: 1e-5, onIteration: (info) => void gpu.push(info.convergedPrefix) });
      const c = cpuSolve(cpuDyn, [0.1, -0.2], T, { method, tol: 1e-5, dtype: 'float32', onIteration: (info) => void cpu.push(info.convergedPrefix) });
      expect(g.converged && c.converged).toBe(true);
      expect(gpu).toHaveLength(g.iterations);
      // Jacobi fixes at least one more leading step per iteration (step t is exact after t sweeps): the
      // prefix grows by ≥ 1 each time until it covers T.
      if (method === 'jacobi') for (let i = 0; i < gpu.length; i++) expect(gpu[i]).toBeGreaterThanOrEqual(Math.min(T, i));
      expect(gpu.at(-1)).toBe(T);
      // f32 evaluation differs between the backends: the prefixes agree up to a few steps.
      const n = Math.min(gpu.length, cpu.length);
      for (let i = 0; i < n; i++) expect(Math.abs((gpu[i] ?? 0) - (cpu[i] ?? 0)), `${method} iteration ${i + 1}`).toBeLessThanOrEqual(3);
    }
  });

  it('a batch reports the prefix every sequence has reached (the minimum over sequences)', async () => {
    const T = 60;
    const one: number[] = [], both: number[] = [];
    await rt.solve(gpuDyn, [0.1, -0.2], T, { method: 'jacobi', onIteration: (info) => void one.push(info.convergedPrefix) });
    // The second sequence starts far away: its prefix lags, and the batch's is the smaller.
    await rt.solve(gpuDyn, [0.1, -0.2, 40, -40], T, { method: 'jacobi', onIteration: (info) => void both.push(info.convergedPrefix) });
    for (let i = 0; i < Math.min(one.length, both.length); i++) expect(both[i]).toBeLessThanOrEqual(one[i] ?? T);
  });

  it('NaN in a step counts as not converged there', async () => {
    const nanAt = defineGpuDynamics({ dim: 1, wgsl: 'fn step(t: u32, s: State) -> State { if (t == 7u) { return State(sqrt(-1.0 - s[0] * s[0])); } return State(0.5 * s[0]); } fn diagonal(t: u32, s: State) -> State { return State(0.5); }' });
    const seen: number[] = [];
    await rt.solve(nanAt, [1], 20, { method: 'jacobi', reset: false, maxIterations: 10, onIteration: (info) => void seen.push(info.convergedPrefix) });
    for (const p of seen.slice(1)) expect(p).toBeLessThanOrEqual(6);
  });
});
