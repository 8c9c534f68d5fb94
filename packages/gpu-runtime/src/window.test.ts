import { elk, solve as cpuSolve } from '@unroll/solvers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../test/max-abs-diff.js';
import { network } from '../test/rational-network.js';
import { createGpuRuntime, type GpuRuntime } from './index.js';

let rt: GpuRuntime;
let small: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
  small = await createGpuRuntime({ maxWorkgroupsPerDimension: 2, chunk: 4 });
});
afterAll(() => {
  rt.destroy();
  small.destroy();
});


describe('sliding windows on the GPU: the CPU driver\'s window, on device buffers', () => {
  it('every method matches the CPU windowed solve (float32): iterations ±2, the same states; T = 300, windows 7 and 64', async () => {
    const { gpu, cpu } = network(0.7);
    const T = 300, s0 = [0.2, -0.1, 0.4];
    for (const window of [7, 64]) {
      for (const method of ['quasi-deer', 'deer', 'picard', 'jacobi'] as const) {
        const seenGpu: number[] = [];
        const g = await rt.solve(gpu, s0, T, { method, window, onIteration: (i) => void seenGpu.push(i.convergedPrefix) });
        const c = cpuSolve(cpu, s0, T, { method, window, dtype: 'float32' });
        expect(g.converged, `${method} window ${window}`).toBe(true);
        expect(Math.abs(g.iterations - c.iterations), `${method} window ${window}: gpu ${g.iterations} cpu ${c.iterations}`).toBeLessThanOrEqual(2);
        expect(maxAbsDiff(g.states, c.states), `${method} window ${window}`).toBeLessThan(2e-5);
        // The window moves forward: the prefix never goes back.
        for (let i = 1; i < seenGpu.length; i++) expect(seenGpu[i]).toBeGreaterThanOrEqual(seenGpu[i - 1] ?? 0);
      }
    }
  });

  it('windows hold w rows of (Ã_t, b_t): the memory budget counts S·w, not S·T', async () => {
    const { gpu } = network(0.7);
    const T = 1000, s0 = [0.1, 0.1, 0.1];
    // Diagonal Ã_t: 3 floats per step. All T steps take 12 000 bytes; a window of 50, 600.
    await expect(rt.solve(gpu, s0, T, { method: 'quasi-deer', memoryBudget: 5000 })).rejects.toMatchObject({ code: 'MEMORY_BUDGET' });
    const r = await rt.solve(gpu, s0, T, { method: 'quasi-deer', window: 50, memoryBudget: 5000 });
    expect(r.converged).toBe(true);
  });

  it('batches, merit stops, 2-D grids and short chunks change nothing', async () => {
    const { gpu, cpu } = network(0.7);
    const T = 200, s0 = [0.2, -0.1, 0.4, -0.3, 0.5, 0.1];
    const g = await rt.solve(gpu, s0, T, { method: 'quasi-deer', window: 16 });
    const h = await small.solve(gpu, s0, T, { method: 'quasi-deer', window: 16 });
    expect(maxAbsDiff(g.states, h.states)).toBeLessThan(1e-6);
    for (let q = 0; q < 2; q++) {
      const c = cpuSolve(cpu, s0.slice(3 * q, 3 * q + 3), T, { method: 'quasi-deer', window: 16, dtype: 'float32' });
      expect(maxAbsDiff(g.states.subarray(q * T * 3, (q + 1) * T * 3), c.states)).toBeLessThan(2e-5);
    }
    const merit = await rt.solve(gpu, s0.slice(0, 3), T, { method: 'deer', window: 16, stop: 'merit' });
    const cMerit = cpuSolve(cpu, s0.slice(0, 3), T, { method: 'deer', window: 16, stop: 'merit', dtype: 'float32' });
    expect(merit.converged).toBe(true);
    expect(Math.abs(merit.iterations - cMerit.iterations)).toBeLessThanOrEqual(2);
  });

  it('an unstable network with resets: the window still ends at the rollout, or unconverged — never a wrong "converged"', async () => {
    const { gpu } = network(1.6);
    const T = 200, s0 = [0.2, -0.1, 0.4];
    const rollout = await rt.solve(gpu, s0, T, { method: 'sequential' });
    const r = await rt.solve(gpu, s0, T, { method: 'quasi-deer', window: 20, maxIterations: T });
    if (r.converged) expect(maxAbsDiff(r.states, rollout.states)).toBeLessThan(1e-3);
  });

  it('ELK and quasi-ELK under a window match the CPU windowed filter: iterations ±2, the same states', async () => {
    const { gpu, cpu } = network(0.7);
    const T = 300, s0 = [0.2, -0.1, 0.4];
    for (const method of [elk({ lambda: 1, base: 'diagonal' }), elk({ lambda: 1 }), elk({ lambda: 0.3 })]) {
      for (const window of [16, 64]) {
        const g = await rt.solve(gpu, s0, T, { method, window });
        const c = cpuSolve(cpu, s0, T, { method, window, dtype: 'float32' });
        // A small window slides slowly under ELK's trust region: both may run out of iterations — alike.
        expect(g.converged, `${method.name} window ${window}`).toBe(c.converged);
        expect(Math.abs(g.iterations - c.iterations), `${method.name} window ${window}: gpu ${g.iterations} cpu ${c.iterations}`).toBeLessThanOrEqual(2);
        expect(maxAbsDiff(g.states, c.states), `${method.name} window ${window}`).toBeLessThan(1e-4);
      }
    }
  });

  it('a window ≥ T is the whole trajectory; a bad window is INVALID_ARGUMENT', async () => {
    const { gpu } = network(0.7);
    const a = await rt.solve(gpu, [0, 0, 0], 100, { method: 'quasi-deer', window: 100 });
    const b = await rt.solve(gpu, [0, 0, 0], 100, { method: 'quasi-deer' });
    expect(a.iterations).toBe(b.iterations);
    await expect(rt.solve(gpu, [0, 0, 0], 100, { window: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/window/) as unknown });
  });
});
