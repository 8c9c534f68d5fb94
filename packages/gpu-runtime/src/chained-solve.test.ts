// Whole solves of every method whose inner recurrence is diagonal or identity (quasi-DEER,
// clip-ELK, Picard, quasi-ELK's means) with the single-pass chained scan — the solve's
// update folded into it — against reduce-then-scan with its own update pass: the same
// iterations (±2 in float32) and the same states, and both against the float64 CPU
// rollout. Short chunks make many tiles, so the look-back (and, forced, the fallback)
// runs in every iteration; each iteration reruns one plan, so the tags of one run must
// never be taken for the next's.
import { clipElk, elk, quasiDeer, solve } from '@unroll/solvers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../test/max-abs-diff.js';
import { rationalNetwork } from '../test/rational-network.js';
import { createGpuRuntime, defineGpuDynamics, type GpuRuntime, type GpuSolveOptions } from './index.js';

let chained: GpuRuntime;
let fallback: GpuRuntime;
let twoPass: GpuRuntime;
beforeAll(async () => {
  chained = await createGpuRuntime({ chunk: 4, scan: 'chained' });
  fallback = await createGpuRuntime({ chunk: 4, scan: 'chained', lookBack: 'fallback' });
  twoPass = await createGpuRuntime({ chunk: 4, scan: 'reduce-then-scan' });
});
afterAll(() => {
  chained.destroy();
  fallback.destroy();
  twoPass.destroy();
});

const dyn = rationalNetwork(0.6, [0.9, -0.4, 0.3, 0.2, 0.5, 0.8, -0.6, 0.1, -0.3, 0.7, 0.6, -0.2, 0.2, -0.1, 0.4, 0.7]);
const s0 = [0.5, -0.2, 0.3, 0.1];
// D = 4: tiles of 16 threads × 4 steps = 64 steps, so T = 1500 is 24 tiles per sequence.
const T = 1500;
const batch = [0.5, -0.2, 0.3, 0.1, -0.4, 0.6, 0.0, 0.2, 0.9, -0.9, 0.1, -0.5];

const cases: [string, GpuSolveOptions, readonly number[]][] = [
  ['quasi-DEER', { method: quasiDeer() }, s0],
  ['clip-ELK', { method: clipElk({ lo: -0.5, hi: 0.5 }) }, s0],
  ['quasi-ELK λ = 1', { method: elk({ lambda: 1, base: 'diagonal' }) }, s0],
  ['quasi-DEER, a batch of 3', { method: quasiDeer() }, batch],
  ['quasi-DEER, readEvery 3', { method: quasiDeer(), readEvery: 3 }, s0],
  ['quasi-DEER, onIteration (convergedPrefix)', { method: quasiDeer(), onIteration: () => undefined }, s0],
  ['quasi-DEER, stop merit', { method: quasiDeer(), stop: 'merit', tol: 1e-9 }, s0],
  ['quasi-DEER, random init', { method: quasiDeer(), init: 'random', seed: 3 }, s0],
  ["quasi-DEER, change 'mean-square' (its own update pass)", { method: quasiDeer(), change: 'mean-square', tol: 1e-12 }, s0],
  ['quasi-DEER, window 200', { method: quasiDeer(), window: 200 }, s0],
];

describe('solves with the chained scan match reduce-then-scan and the CPU rollout', () => {
  it.each(cases)('%s', async (_name, opts, start) => {
    const reference = await twoPass.solve(dyn, start, T, opts);
    const S = start.length / 4;
    const rollout = new Float64Array(S * T * 4);
    for (let q = 0; q < S; q++) rollout.set(solve(dyn, start.slice(4 * q, 4 * q + 4), T, { method: 'sequential', dtype: 'float64' }).states, q * T * 4);
    expect(reference.converged).toBe(true);
    for (const [name, rt] of [['bounded look-back', chained], ['forced fallback', fallback]] as const) {
      const r = await rt.solve(dyn, start, T, opts);
      expect(r.converged, name).toBe(true);
      expect(Math.abs(r.iterations - reference.iterations), `${name}: ${r.iterations} vs ${reference.iterations}`).toBeLessThanOrEqual(2);
      expect(maxAbsDiff(r.states, reference.states), name).toBeLessThan(1e-4);
      expect(maxAbsDiff(r.states, rollout), name).toBeLessThan(1e-4);
    }
  });

  it('Picard (identity elements), T = 300 (5 tiles) and a window of 100: the same iterations and states', async () => {
    // Picard needs up to T iterations to converge, so a shorter T.
    for (const opts of [{ method: 'picard' }, { method: 'picard', window: 100 }] as const) {
      const reference = await twoPass.solve(dyn, s0, 300, opts);
      const rollout = solve(dyn, s0, 300, { method: 'sequential', dtype: 'float64' }).states;
      expect(reference.converged).toBe(true);
      for (const rt of [chained, fallback]) {
        const r = await rt.solve(dyn, s0, 300, opts);
        expect(r.converged).toBe(true);
        expect(Math.abs(r.iterations - reference.iterations)).toBeLessThanOrEqual(2);
        expect(maxAbsDiff(r.states, reference.states)).toBeLessThan(1e-4);
        expect(maxAbsDiff(r.states, rollout)).toBeLessThan(1e-4);
      }
    }
  });

  it("onIteration's converged prefix, measured inside the chained scan, follows the CPU's and the separate pass's", async () => {
    const opts = (seen: number[]): GpuSolveOptions => ({ method: quasiDeer(), onIteration: (info) => void seen.push(info.convergedPrefix) });
    const cpu: number[] = [], folded: number[] = [], forced: number[] = [], separate: number[] = [];
    const c = solve(dyn, s0, T, { ...opts(cpu), dtype: 'float32' } as never);
    const a = await chained.solve(dyn, s0, T, opts(folded));
    await fallback.solve(dyn, s0, T, opts(forced));
    await twoPass.solve(dyn, s0, T, opts(separate));
    expect(c.converged && a.converged).toBe(true);
    for (const [name, seen] of [['folded', folded], ['forced fallback', forced], ['separate pass', separate]] as const) {
      expect(seen.at(-1), name).toBe(T);
      // f32 evaluation differs between the backends and the scans: a few steps apart at most.
      for (let i = 0; i < Math.min(seen.length, cpu.length); i++) expect(Math.abs((seen[i] ?? 0) - (cpu[i] ?? 0)), `${name}, iteration ${i + 1}`).toBeLessThanOrEqual(3);
    }
  });

  it('a NaN step: the fused update resets it to the guess and the solve reports what reduce-then-scan reports', async () => {
    // s_t = 0.5 s_{t−1} + 1, NaN at t = 700 (built from the bits of params[1], 0 at run
    // time, so no compiler folds it): the scan carries it from there on, the update resets
    // those entries, and the solve never converges.
    const poisoned = defineGpuDynamics({
      dim: 2,
      name: 'poisoned at t = 700',
      params: [0.5, 0],
      wgsl: `
fn nan_here() -> f32 { return bitcast<f32>(bitcast<u32>(params[1]) | 0x7fc00000u); }
fn step(t: u32, s: State) -> State {
  var o: State;
  for (var i = 0u; i < D; i++) { o[i] = params[0] * s[i] + 1.0; }
  if (t == 700u) { o[1] = o[1] + nan_here(); }
  return o;
}
fn diagonal(t: u32, s: State) -> State { return State(params[0], params[0]); }`,
    });
    for (const reset of [true, false]) {
      const opts: GpuSolveOptions = { method: quasiDeer(), maxIterations: 6, reset };
      const b = await twoPass.solve(poisoned, [0, 0], T, opts);
      expect(b.converged).toBe(false);
      for (const rt of [chained, fallback]) {
        const a = await rt.solve(poisoned, [0, 0], T, opts);
        expect(a.converged).toBe(false);
        expect(a.iterations).toBe(b.iterations);
        expect(a.trace.resets).toEqual(b.trace.resets);
        expect(a.trace.delta.map(Number.isNaN)).toEqual(b.trace.delta.map(Number.isNaN));
        expect(a.states.map((x) => (Number.isNaN(x) ? 1 : 0))).toEqual(b.states.map((x) => (Number.isNaN(x) ? 1 : 0)));
      }
      if (reset) expect(b.trace.resets.some((r) => r > 0)).toBe(true);
    }
  });
});
