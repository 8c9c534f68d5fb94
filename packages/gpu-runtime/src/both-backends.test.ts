// One user-written system — TypeScript and WGSL in one object — and the pair-blocks
// custom structure, through DEER, quasi-DEER, ELK (λ = 1) and a sliding window, on both
// backends: `solve` on the CPU (float32) and `solveAsync(…, { backend: rt })` on the GPU,
// the same call with one option. Same iterations (±2 in float32), same states (float32
// tolerance); what the GPU does not run yet is refused with the reason (README: parity).
import { defineDynamics } from '@unroll/linearize';
import { deer, elk, newton, quasiDeer, solve, solveAsync, type SolveOptions } from '@unroll/solvers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairStrategy } from '../../linearize/test/pair-blocks.mjs';
import { createGpuRuntime, type GpuRuntime } from './index.js';

/**
 * A small recurrent network, s_t = g·W φ(s_{t−1}) + u_t with φ(x) = x / (1 + |x|) and a
 * sawtooth input u_{t,i} = ((7t + 3i) mod 11)/11 − ½, written once — TypeScript with its
 * Jacobian, and WGSL from the same weights — in one `defineDynamics`. Rational arithmetic
 * only, so both backends evaluate it to rounding. g = 0.6 contracts: every method here
 * converges in tens of iterations, where float32 rounding cannot move the count by much.
 */
const W = [0.9, -0.4, 0.3, 0.2, 0.5, 0.8, -0.6, 0.1, -0.3, 0.7, 0.6, -0.2, 0.2, -0.1, 0.4, 0.7];
function network(g: number) {
  const D = 4;
  const phi = (x: number) => x / (1 + Math.abs(x));
  return defineDynamics({
    dim: D,
    name: 'rational-rnn',
    step(t, s, so, out, oo) {
      for (let i = 0; i < D; i++) {
        let acc = 0;
        for (let j = 0; j < D; j++) acc += (W[i * D + j] ?? 0) * phi(s[so + j] ?? 0);
        out[oo + i] = g * acc + (((7 * t + 3 * i) % 11) / 11 - 0.5);
      }
    },
    jacobian(_t, s, so, J, jo) {
      for (let i = 0; i < D; i++) {
        for (let j = 0; j < D; j++) {
          const c = 1 + Math.abs(s[so + j] ?? 0);
          J[jo + i * D + j] = (g * (W[i * D + j] ?? 0)) / (c * c);
        }
      }
    },
    wgsl: {
      params: [g, ...W],
      source: `
        fn phi(x: f32) -> f32 { return x / (1.0 + abs(x)); }
        fn step(t: u32, s: State) -> State {
          var out: State;
          for (var i = 0u; i < D; i++) {
            var acc = 0.0;
            for (var j = 0u; j < D; j++) { acc += params[1u + i * D + j] * phi(s[j]); }
            out[i] = params[0] * acc + (f32((7u * t + 3u * i) % 11u) / 11.0 - 0.5);
          }
          return out;
        }
        fn jacobian(t: u32, s: State) -> Jacobian {
          var J: Jacobian;
          for (var i = 0u; i < D; i++) {
            for (var j = 0u; j < D; j++) { let c = 1.0 + abs(s[j]); J[i * D + j] = params[0] * params[1u + i * D + j] / (c * c); }
          }
          return J;
        }
        fn diagonal(t: u32, s: State) -> State {
          var out: State;
          for (var i = 0u; i < D; i++) { let c = 1.0 + abs(s[i]); out[i] = params[0] * params[1u + i * D + i] / (c * c); }
          return out;
        }`,
    },
  });
}

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return Number.isNaN(w) ? Infinity : w;
}

const dyn = network(0.6);
const s0 = [0.5, -0.2, 0.3, 0.1];
const T = 400;

const cases: [string, SolveOptions][] = [
  ['DEER', { method: deer() }],
  ['quasi-DEER', { method: quasiDeer() }],
  ['quasi-ELK λ = 1', { method: elk({ lambda: 1, base: 'diagonal' }) }],
  ['DEER, window 32', { method: deer(), window: 32 }],
  ['quasi-DEER, window 32', { method: quasiDeer(), window: 32 }],
  ['pair-blocks', { method: newton(pairStrategy) }],
  ['pair-blocks, window 32', { method: newton(pairStrategy), window: 32 }],
];

describe('one system, both backends, one option apart', () => {
  it.each(cases)('%s: the same iterations (±2) and states on the CPU and through { backend: rt }', async (_name, opts) => {
    const cpu = solve(dyn, s0, T, { ...opts, dtype: 'float32' });
    const gpu = await solveAsync(dyn, s0, T, { ...opts, backend: rt });
    expect(cpu.converged && gpu.converged).toBe(true);
    expect(gpu.method).toBe(cpu.method);
    expect(Math.abs(gpu.iterations - cpu.iterations), `gpu ${gpu.iterations}, cpu ${cpu.iterations}`).toBeLessThanOrEqual(2);
    expect(maxAbsDiff(gpu.states, cpu.states)).toBeLessThan(1e-4);
  });

  it('ELK with the full Jacobian or the pair-blocks filter: the CPU runs it, the GPU says why it does not yet', async () => {
    for (const method of [elk({ lambda: 1 }), elk({ lambda: 1, base: pairStrategy })]) {
      expect(solve(dyn, s0, T, { method, dtype: 'float32' }).converged).toBe(true);
      await expect(solveAsync(dyn, s0, T, { method, backend: rt })).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/no WGSL form yet/) as unknown });
    }
  });

  it('solve (synchronous) refuses a backend and says to use solveAsync', () => {
    expect(() => solve(dyn, s0, T, { backend: rt })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED', message: expect.stringMatching(/solveAsync/) as unknown }) as Error);
  });
});
