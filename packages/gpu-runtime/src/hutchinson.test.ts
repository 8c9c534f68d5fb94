import { hutchinson } from '@unroll/linearize';
import { quasiDeer } from '@unroll/solvers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../test/max-abs-diff.js';
import { network } from '../test/rational-network.js';
import { createGpuRuntime, defineGpuDynamics, type GpuRuntime } from './index.js';

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});

describe("quasi-DEER with Hutchinson's diagonal on the GPU (the strategy's own WGSL, through the dynamics' vjp)", () => {
  it('converges to the rollout, for any seed and probe count', async () => {
    const { gpu } = network(0.7);
    const T = 300, s0 = [0.2, -0.1, 0.4];
    const rollout = await rt.solve(gpu, s0, T, { method: 'sequential' });
    for (const [probes, seed] of [[1, 0], [4, 7], [16, -3]] as const) {
      const r = await rt.solve(gpu, s0, T, { method: quasiDeer({ diagonal: hutchinson({ probes, seed }) }) });
      expect(r.converged, `probes ${probes}, seed ${seed}`).toBe(true);
      expect(r.method).toBe('quasi-deer(hutchinson)');
      expect(maxAbsDiff(r.states, rollout.states)).toBeLessThan(2e-5);
    }
  });

  it('is unbiased: with many probes the first iterate approaches exact quasi-DEER, and more probes come closer', async () => {
    const { gpu } = network(0.7);
    const T = 100, s0 = [0.2, -0.1, 0.4];
    const exact = await rt.solve(gpu, s0, T, { method: quasiDeer(), maxIterations: 1, reset: false });
    const gap = async (probes: number) => {
      const r = await rt.solve(gpu, s0, T, { method: quasiDeer({ diagonal: hutchinson({ probes, seed: 11 }) }), maxIterations: 1, reset: false });
      return maxAbsDiff(r.states, exact.states);
    };
    const few = await gap(4), many = await gap(1024);
    expect(many).toBeLessThan(0.05);
    expect(many).toBeLessThan(few);
  });

  it("a dynamics without a WGSL vjp is refused, naming it", async () => {
    const noVjp = defineGpuDynamics({ dim: 1, wgsl: 'fn step(t: u32, s: State) -> State { return State(0.5 * s[0]); } fn diagonal(t: u32, s: State) -> State { return State(0.5); }' });
    await expect(rt.solve(noVjp, [1], 10, { method: quasiDeer({ diagonal: hutchinson() }) })).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/vjp/) as unknown });
  });
});
