import { gradient, solve } from '@unroll/solvers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../test/max-abs-diff.js';
import { network, rationalNetwork } from '../test/rational-network.js';
import { createGpuRuntime, defineGpuDynamics, type GpuRuntime } from './index.js';

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});

describe('rt.gradient: the backward pass as a reverse-time scan on the GPU', () => {
  it('equals the CPU gradient (float64) on the same trajectory: adjoints and dL/ds_0, T up to 2000, batches', async () => {
    const { cpu } = network(0.7);
    for (const [T, S] of [[1, 1], [50, 1], [2000, 1], [300, 2]] as const) {
      const s0 = Array.from({ length: 3 * S }, (_, k) => 0.4 * Math.sin(k + 1));
      const states = new Float64Array(S * T * 3);
      const dLds = Float64Array.from({ length: S * T * 3 }, (_, k) => Math.cos(0.37 * k));
      for (let q = 0; q < S; q++) states.set(solve(cpu, s0.slice(3 * q, 3 * q + 3), T, { method: 'sequential' }).states, q * T * 3);
      const g = await rt.gradient(cpu, s0, states, dLds);
      for (let q = 0; q < S; q++) {
        const ref = gradient(cpu, s0.slice(3 * q, 3 * q + 3), states.subarray(q * T * 3, (q + 1) * T * 3), dLds.subarray(q * T * 3, (q + 1) * T * 3));
        const scale = Math.max(1, maxAbsDiff(ref.adjoints, new Float64Array(ref.adjoints.length)));
        expect(maxAbsDiff(g.adjoints.subarray(q * T * 3, (q + 1) * T * 3), ref.adjoints) / scale, `T=${T} S=${S} q=${q}`).toBeLessThan(1e-5);
        expect(maxAbsDiff(g.initialState.subarray(3 * q, 3 * q + 3), ref.initialState) / scale).toBeLessThan(1e-5);
      }
    }
  });

  it('a D = 16 network (the dense limit) too', async () => {
    const W = Array.from({ length: 256 }, (_, k) => 0.25 * Math.sin(1.3 * k + 0.2));
    const dyn = rationalNetwork(0.8, W);
    const T = 400, s0 = Array.from({ length: 16 }, (_, i) => 0.1 * i - 0.5);
    const states = solve(dyn, s0, T, { method: 'sequential' }).states;
    const dLds = Float64Array.from({ length: T * 16 }, (_, k) => ((k * 7) % 13) / 13 - 0.5);
    const g = await rt.gradient(dyn, s0, states, dLds);
    const ref = gradient(dyn, s0, states, dLds);
    const scale = Math.max(1, maxAbsDiff(ref.adjoints, new Float64Array(ref.adjoints.length)));
    expect(maxAbsDiff(g.adjoints, ref.adjoints) / scale).toBeLessThan(1e-5);
  });

  it('refuses what it cannot do, naming why', async () => {
    const noJacobian = defineGpuDynamics({ dim: 1, wgsl: 'fn step(t: u32, s: State) -> State { return s; } fn diagonal(t: u32, s: State) -> State { return State(1.0); }' });
    await expect(rt.gradient(noJacobian, [0], [1, 2], [1, 1])).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/jacobian/) as unknown });
    const { cpu } = network(0.7);
    await expect(rt.gradient(cpu, [0, 0, 0], new Float32Array(9), new Float32Array(6))).rejects.toMatchObject({ code: 'LENGTH_MISMATCH', message: expect.stringMatching(/dLds/) as unknown });
    await expect(rt.gradient(cpu, [0, 0], new Float32Array(9), new Float32Array(9))).rejects.toMatchObject({ code: 'DIMENSION_MISMATCH' });
    await expect(rt.gradient(cpu, [0, 0, 0], [NaN, 0, 0], [0, 0, 0])).rejects.toMatchObject({ code: 'NON_FINITE' });
  });
});
