// A user's own structure and strategy on the GPU, unchanged: the pair-blocks example of
// linearize's test/pair-blocks.mjs carries its algebra and its fill in WGSL beside its
// TypeScript, and the runtime splices them into its kernels.
import { defineDynamics, defineStrategy, hutchinson } from '@unroll/linearize';
import { blockDiagonal, defineStructure } from '@unroll/scan';
import { newton, quasiDeer, solve as cpuSolve } from '@unroll/solvers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../test/max-abs-diff.js';
import { pairBlocks, pairStrategy } from '../../linearize/test/pair-blocks.mjs';
import { createGpuRuntime, defineGpuDynamics, type GpuRuntime } from './index.js';

/**
 * D/2 damped nonlinear oscillators (q, p), each nudged by the next one's position:
 * q' = q + h p,  p' = 0.9 p − h g(q') + c q_next,  g(x) = x / (1 + x²). Rational
 * arithmetic only, so both backends evaluate it alike. The 2×2 blocks of its Jacobian
 * leave out the coupling c: Newton with them is a quasi-Newton method.
 */
const h = 0.3, c = 0.05;
function oscillators(D: number) {
  const gpu = defineGpuDynamics({
    dim: D,
    params: [h, c],
    wgsl: `
      fn g(x: f32) -> f32 { return x / (1.0 + x * x); }
      fn dg(x: f32) -> f32 { let d = 1.0 + x * x; return (1.0 - x * x) / (d * d); }
      fn step(t: u32, s: State) -> State {
        var out: State;
        for (var k = 0u; k < D / 2u; k++) {
          let qn = s[2u * k] + params[0] * s[2u * k + 1u];
          out[2u * k] = qn;
          out[2u * k + 1u] = 0.9 * s[2u * k + 1u] - params[0] * g(qn) + params[1] * s[(2u * k + 2u) % D];
        }
        return out;
      }
      fn diagonal(t: u32, s: State) -> State {
        let J = jacobian(t, s);
        var out: State;
        for (var i = 0u; i < D; i++) { out[i] = J[i * D + i]; }
        return out;
      }
      fn jacobian(t: u32, s: State) -> Jacobian {
        var J: Jacobian;
        for (var k = 0u; k < D / 2u; k++) {
          let r = 2u * k;
          let qn = s[r] + params[0] * s[r + 1u];
          let a = params[0] * dg(qn);
          J[r * D + r] = 1.0;
          J[r * D + r + 1u] = params[0];
          J[(r + 1u) * D + r] = -a;
          J[(r + 1u) * D + r + 1u] = 0.9 - a * params[0];
          J[(r + 1u) * D + (r + 2u) % D] += params[1];
        }
        return J;
      }`,
  });
  const g = (x: number) => x / (1 + x * x);
  const dg = (x: number) => (1 - x * x) / (1 + x * x) ** 2;
  const cpu = defineDynamics({
    dim: D,
    step(_t, s, so, out, oo) {
      for (let k = 0; k < D / 2; k++) {
        const qn = (s[so + 2 * k] ?? 0) + h * (s[so + 2 * k + 1] ?? 0);
        out[oo + 2 * k] = qn;
        out[oo + 2 * k + 1] = 0.9 * (s[so + 2 * k + 1] ?? 0) - h * g(qn) + c * (s[so + ((2 * k + 2) % D)] ?? 0);
      }
    },
    jacobian(_t, s, so, J, jo) {
      J.fill(0, jo, jo + D * D);
      for (let k = 0; k < D / 2; k++) {
        const r = 2 * k;
        const qn = (s[so + r] ?? 0) + h * (s[so + r + 1] ?? 0);
        const a = h * dg(qn);
        J[jo + r * D + r] = 1;
        J[jo + r * D + r + 1] = h;
        J[jo + (r + 1) * D + r] = -a;
        J[jo + (r + 1) * D + r + 1] = 0.9 - a * h;
        J[jo + (r + 1) * D + ((r + 2) % D)] = (J[jo + (r + 1) * D + ((r + 2) % D)] ?? 0) + c;
      }
    },
  });
  return { gpu, cpu };
}

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});


describe('custom structures on the GPU, through their WGSL', () => {
  it('pair-blocks: every iterate is the CPU run of the same strategy (float32), and the solve converges with its iteration count', async () => {
    for (const [D, T, S] of [[4, 300, 1], [6, 1000, 2]] as const) {
      const { gpu, cpu } = oscillators(D);
      const s0 = Array.from({ length: D * S }, (_, k) => 0.5 * Math.cos(k + 1));
      for (const maxIterations of [1, 3]) {
        const g = await rt.solve(gpu, s0, T, { method: newton(pairStrategy), maxIterations, reset: false });
        const cpuRun = cpuSolve(cpu, s0.slice(0, D), T, { method: newton(pairStrategy), maxIterations, reset: false, dtype: 'float32' });
        expect(maxAbsDiff(g.states.subarray(0, T * D), cpuRun.states), `D=${D}, ${maxIterations} iterations`).toBeLessThan(1e-4);
      }
      const g = await rt.solve(gpu, s0, T, { method: newton(pairStrategy) });
      const cpuRun = cpuSolve(cpu, s0.slice(0, D), T, { method: newton(pairStrategy), dtype: 'float32' });
      expect(g.converged).toBe(true);
      expect(g.method).toBe('pair-blocks');
      expect(Math.abs(g.iterations - cpuRun.iterations)).toBeLessThanOrEqual(2);
      const rollout = await rt.solve(gpu, s0, T, { method: 'sequential' });
      expect(maxAbsDiff(g.states, rollout.states)).toBeLessThan(1e-4);
    }
  });

  it("the built-in blockDiagonal's WGSL serves a strategy written against it", async () => {
    const { gpu, cpu } = oscillators(4);
    const blocks = defineStrategy({ ...pairStrategy, name: 'blocks', structure: (D) => blockDiagonal(D, 2) });
    const T = 200, s0 = [0.3, -0.2, 0.1, 0.4];
    const g = await rt.solve(gpu, s0, T, { method: newton(blocks), maxIterations: 2, reset: false });
    const c2 = cpuSolve(cpu, s0, T, { method: newton(blocks), maxIterations: 2, reset: false, dtype: 'float32' });
    expect(maxAbsDiff(g.states, c2.states)).toBeLessThan(1e-4);
  });

  it('what a custom strategy lacks on the GPU is refused, naming the missing capability', async () => {
    const { gpu } = oscillators(4);
    const withoutWgsl = (D: number) => {
      const { wgsl: _dropped, ...rest } = pairBlocks(D);
      return defineStructure({ ...rest, name: 'plain-pairs' });
    };
    const fill = pairStrategy.wgsl;
    if (fill === undefined) throw new Error('the pair-blocks example carries its WGSL');
    const noWgslStructure = defineStrategy({ name: 'plain', structure: withoutWgsl, prepare: (dyn) => pairStrategy.prepare(dyn), wgsl: fill });
    await expect(rt.solve(gpu, [0, 0, 0, 0], 10, { method: newton(noWgslStructure) })).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/structure 'plain-pairs' needs a wgsl capability/) as unknown });
    const noFill = defineStrategy({ name: 'no-fill', structure: pairBlocks, prepare: (dyn) => pairStrategy.prepare(dyn) });
    await expect(rt.solve(gpu, [0, 0, 0, 0], 10, { method: newton(noFill) })).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/strategy_fill/) as unknown });
    await expect(rt.solve(gpu, [0, 0, 0, 0], 10, { method: quasiDeer({ diagonal: hutchinson({ probes: 2 }) }) })).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/Hutchinson/) as unknown });
    const noJacobian = defineGpuDynamics({ dim: 4, wgsl: 'fn step(t: u32, s: State) -> State { return s; } fn diagonal(t: u32, s: State) -> State { return s; }' });
    await expect(rt.solve(noJacobian, [0, 0, 0, 0], 10, { method: newton(pairStrategy) })).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/jacobian/) as unknown });
  });
});
