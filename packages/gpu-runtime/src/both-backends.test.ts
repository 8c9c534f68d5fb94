// One user-written system — TypeScript and WGSL in one object — and the pair-blocks
// custom structure, through DEER, quasi-DEER, ELK and quasi-ELK (λ = 1) and a sliding window, on both
// backends: `solve` on the CPU (float32) and `solveAsync(…, { backend: rt })` on the GPU,
// the same call with one option. Same iterations (±2 in float32), same states (float32
// tolerance); what the GPU does not run yet is refused with the reason (README: parity).
import { defineStrategy } from '@unroll/linearize';
import { defineStructure } from '@unroll/scan';
import { deer, elk, newton, quasiDeer, solve, solveAsync, type SolveOptions } from '@unroll/solvers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../test/max-abs-diff.js';
import { rationalNetwork } from '../test/rational-network.js';
import { pairStrategy } from '../../linearize/test/pair-blocks.mjs';
import { createGpuRuntime, type GpuRuntime } from './index.js';

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});


// g = 0.6 contracts: every method converges in tens of iterations, where float32 rounding
// cannot move the count by much.
const dyn = rationalNetwork(0.6, [0.9, -0.4, 0.3, 0.2, 0.5, 0.8, -0.6, 0.1, -0.3, 0.7, 0.6, -0.2, 0.2, -0.1, 0.4, 0.7]);
const s0 = [0.5, -0.2, 0.3, 0.1];
const T = 400;

const cases: [string, SolveOptions][] = [
  ['DEER', { method: deer() }],
  ['quasi-DEER', { method: quasiDeer() }],
  ['ELK λ = 1', { method: elk({ lambda: 1 }) }],
  ['quasi-ELK λ = 1', { method: elk({ lambda: 1, base: 'diagonal' }) }],
  ['DEER, window 32', { method: deer(), window: 32 }],
  ['quasi-DEER, window 32', { method: quasiDeer(), window: 32 }],
  ['pair-blocks', { method: newton(pairStrategy) }],
  ['pair-blocks, window 32', { method: newton(pairStrategy), window: 32 }],
  ['pair-blocks ELK λ = 1 (its 2×2 block filter)', { method: elk({ lambda: 1, base: pairStrategy }) }],
  ['pair-blocks ELK λ = 1, window 32', { method: elk({ lambda: 1, base: pairStrategy }), window: 32 }],
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

  it('ELK over a custom structure whose filter is not block-diagonal: the CPU runs it, the GPU says why it does not', async () => {
    // The pair-blocks structure with its own (opaque) filter: same maths, no `blocks` to read.
    const { blocks: _opaque, ...filter } = pairStrategy.structure(4).kalman ?? { covarianceWidth: 0, filter: () => undefined };
    const opaque = defineStrategy({ ...pairStrategy, name: 'opaque-pairs', structure: (D) => defineStructure({ ...pairStrategy.structure(D), name: 'opaque', kalman: filter }) });
    const method = elk({ lambda: 1, base: opaque });
    expect(solve(dyn, s0, T, { method, dtype: 'float32' }).converged).toBe(true);
    await expect(solveAsync(dyn, s0, T, { method, backend: rt })).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/not block-diagonal/) as unknown });
  });

  it('solve (synchronous) refuses a backend and says to use solveAsync', () => {
    expect(() => solve(dyn, s0, T, { backend: rt })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED', message: expect.stringMatching(/solveAsync/) as unknown }) as Error);
  });
});
