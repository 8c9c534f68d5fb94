import { elk, newton, quasiDeer } from '@unroll/solvers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairStrategy } from '../../linearize/test/pair-blocks.mjs';
import { RecordingDevice } from '../test/recording-device.mjs';
import { rationalNetwork } from '../test/rational-network.js';
import { createGpuRuntime, type GpuRuntime, type GpuSolveOptions } from './index.js';

const dyn = rationalNetwork(0.7, [0.9, -0.4, 0.3, 0.2, 0.5, 0.8, -0.6, 0.1, -0.3, 0.7, 0.6, -0.2, 0.2, -0.1, 0.4, 0.7]);
const s0 = [0.2, -0.1, 0.4, 0.3];

let rt: GpuRuntime;
beforeAll(async () => {
  // Bit-for-bit comparisons need a deterministic scan: the chained scan's look-back may
  // start a tile from its predecessors' aggregates or from their inclusive state, or
  // reduce them itself, whichever is published in time — the same states up to rounding,
  // not to the bit (chained-solve.test.ts runs readEvery on it with tolerances).
  rt = await createGpuRuntime({ scan: 'reduce-then-scan' });
});
afterAll(() => {
  rt.destroy();
});

describe('readEvery: k iterations per command buffer and read-back, the same solve', () => {
  const cases: [string, GpuSolveOptions][] = [
    ['quasi-DEER', { method: quasiDeer() }],
    ['DEER, stop merit', { method: 'deer', stop: 'merit', tol: 1e-10 }],
    ['Picard, maxIterations 5', { method: 'picard', maxIterations: 5 }],
    ['Jacobi with onIteration', { method: 'jacobi', onIteration: () => undefined }],
    ['quasi-ELK λ = 1', { method: elk({ lambda: 1, base: 'diagonal' }) }],
    ['ELK λ = 1', { method: elk({ lambda: 1 }) }],
    ['pair-blocks', { method: newton(pairStrategy) }],
    ['Picard, fallback at 3 iterations', { method: 'picard', maxIterations: 3, fallback: 'sequential' }],
  ];
  it.each(cases)('%s: readEvery 3 and 7 give the iterations, trace, prefixes and states of readEvery 1', async (_name, opts) => {
    const seen = (prefixes: number[]): GpuSolveOptions => (opts.onIteration === undefined ? opts : { ...opts, onIteration: (i) => void prefixes.push(i.convergedPrefix) });
    const p1: number[] = [];
    const one = await rt.solve(dyn, s0, 300, seen(p1));
    for (const k of [3, 7]) {
      const pk: number[] = [];
      const r = await rt.solve(dyn, s0, 300, { ...seen(pk), readEvery: k });
      expect(r.iterations, `readEvery ${k}`).toBe(one.iterations);
      expect(r.converged).toBe(one.converged);
      expect(r.fellBack).toBe(one.fellBack);
      expect(r.trace).toEqual(one.trace);
      expect(Array.from(r.states)).toEqual(Array.from(one.states));
      expect(pk).toEqual(p1);
    }
  });

  it('k iterations take one submission and one read-back (counted on a recording device)', async () => {
    const submitsWith = async (readEvery: number) => {
      const device = new RecordingDevice(1);
      const r = await createGpuRuntime({ device: device as unknown as GPUDevice });
      try {
        await r.solve(dyn, s0, 300, { method: 'jacobi', maxIterations: 12, readEvery });
      } finally {
        r.destroy();
      }
      return device.submits.filter((x) => x.dispatches > 0).length;
    };
    // Every record reads 1 (a change of 1): all 12 iterations run — 12 submissions one by
    // one, 3 with 4 per read-back — then one measure of the final iterate.
    expect(await submitsWith(1)).toBe(13);
    expect(await submitsWith(4)).toBe(4);
  });

  it('bad values are typed; a window takes readEvery 1 only', async () => {
    await expect(rt.solve(dyn, s0, 10, { readEvery: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/readEvery/) as unknown });
    await expect(rt.solve(dyn, s0, 10, { readEvery: 2.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(rt.solve(dyn, s0, 100, { readEvery: 4, window: 10 })).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/window/) as unknown });
  });
});
