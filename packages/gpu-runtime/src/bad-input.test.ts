import { dense, diagonal, UnrollError } from '@unroll/scan';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineDynamics } from '@unroll/linearize';
import { createGpuRuntime, defineGpuDynamics, type GpuRuntime } from './index.js';

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});

const dyn = defineGpuDynamics({
  dim: 2,
  params: [0.5],
  wgsl: 'fn step(t: u32, s: State) -> State { return State(params[0] * s[0] + 1.0, params[0] * s[1]); } fn diagonal(t: u32, s: State) -> State { return State(params[0], params[0]); }',
});
/** The same map as a Dynamics that carries its WGSL (runs on both backends), and one that does not (CPU only). */
const both = defineDynamics({
  dim: 2,
  name: 'both',
  step: (_t, s, so, out, oo) => { out[oo] = 0.5 * s[so] + 1; out[oo + 1] = 0.5 * s[so + 1]; },
  wgsl: { source: dyn.wgsl, params: dyn.params },
});
const cpuOnly = defineDynamics({ dim: 1, name: 'cpu only', step: (_t, s, so, out, oo) => { out[oo] = 0.5 * s[so]; } });

type Case = readonly [name: string, call: () => unknown, code: string, message?: RegExp];

/**
 * Every public entry with null, undefined, wrongly typed, non-finite or oversized
 * arguments: each must throw (or reject with) a typed `UnrollError` whose message names
 * what was wrong — never a TypeError or RangeError from deep inside — and allocate nothing.
 */
const cases: Case[] = [
  // createGpuRuntime
  ['createGpuRuntime(null)', () => createGpuRuntime(null as never), 'INVALID_ARGUMENT', /options must be an object/],
  ['createGpuRuntime(7)', () => createGpuRuntime(7 as never), 'INVALID_ARGUMENT', /options/],
  ['createGpuRuntime({ device: {} })', () => createGpuRuntime({ device: {} as never }), 'INVALID_ARGUMENT', /device must be a GPUDevice/],
  ['createGpuRuntime({ device: null })', () => createGpuRuntime({ device: null as never }), 'INVALID_ARGUMENT', /device must be a GPUDevice/],
  ["createGpuRuntime({ powerPreference: 'turbo' })", () => createGpuRuntime({ powerPreference: 'turbo' as never }), 'INVALID_ARGUMENT', /powerPreference must be 'low-power' or 'high-performance'/],
  ['createGpuRuntime({ chunk: NaN })', () => createGpuRuntime({ chunk: Number.NaN }), 'INVALID_ARGUMENT', /chunk.*positive integer/],
  ['createGpuRuntime({ chunk: 0 })', () => createGpuRuntime({ chunk: 0 }), 'INVALID_ARGUMENT', /chunk/],
  ['createGpuRuntime({ chunk: 1.5 })', () => createGpuRuntime({ chunk: 1.5 }), 'INVALID_ARGUMENT', /chunk/],
  ["createGpuRuntime({ chunk: '32' })", () => createGpuRuntime({ chunk: '32' as never }), 'INVALID_ARGUMENT', /chunk/],
  ['createGpuRuntime({ chunk: 2 ** 40 })', () => createGpuRuntime({ chunk: 2 ** 40 }), 'INVALID_ARGUMENT', /chunk.*at most/],
  ['createGpuRuntime({ maxBindingBytes: 10 })', () => createGpuRuntime({ maxBindingBytes: 10 }), 'INVALID_ARGUMENT', /maxBindingBytes/],
  ['createGpuRuntime({ chunks: 8 })', () => createGpuRuntime({ chunks: 8 } as never), 'INVALID_ARGUMENT', /unknown option 'chunks'.*chunk/],
  // rt.solve
  ['solve(null, …)', () => rt.solve(null as never, [0, 0], 10), 'INVALID_ARGUMENT', /GPU dynamics/],
  ['solve({ dim: 1 }, …)', () => rt.solve({ dim: 1 } as never, [0], 10), 'INVALID_ARGUMENT', /GPU dynamics/],
  ['solve(dyn, null, T)', () => rt.solve(dyn, null as never, 10), 'INVALID_ARGUMENT', /s0 must be an array/],
  ["solve(dyn, '00', T)", () => rt.solve(dyn, '00' as never, 10), 'INVALID_ARGUMENT', /s0/],
  ["solve(dyn, [0, 'a'], T)", () => rt.solve(dyn, [0, 'a'] as never, 10), 'INVALID_ARGUMENT', /s0\[1\]/],
  ['solve(dyn, [0], T): wrong length', () => rt.solve(dyn, [0], 10), 'DIMENSION_MISMATCH', /D = 2/],
  ['solve(dyn, [], T)', () => rt.solve(dyn, [], 10), 'DIMENSION_MISMATCH'],
  ['solve(dyn, [0, NaN], T)', () => rt.solve(dyn, [0, Number.NaN], 10), 'NON_FINITE', /s0\[1\]/],
  ['solve(dyn, [0, 1e39], T): beyond float32', () => rt.solve(dyn, [0, 1e39], 10), 'NON_FINITE', /s0\[1\].*beyond float32 range/],
  ['solve(dyn, [-1e39, 0], T): beyond float32', () => rt.solve(dyn, [-1e39, 0], 10), 'NON_FINITE', /float32/],
  ['solve(dyn, s0, NaN)', () => rt.solve(dyn, [0, 0], Number.NaN), 'INVALID_ARGUMENT', /T .*positive integer/],
  ['solve(dyn, s0, undefined)', () => rt.solve(dyn, [0, 0], undefined as never), 'INVALID_ARGUMENT', /T /],
  ["solve(dyn, s0, '10')", () => rt.solve(dyn, [0, 0], '10' as never), 'INVALID_ARGUMENT', /T /],
  ['solve(dyn, s0, 0)', () => rt.solve(dyn, [0, 0], 0), 'INVALID_ARGUMENT', /T /],
  ['solve(dyn, s0, 2 ** 40)', () => rt.solve(dyn, [0, 0], 2 ** 40), 'INVALID_ARGUMENT', /T .*at most/],
  ['solve(dyn, s0, 2 ** 31): beyond any buffer', () => rt.solve(dyn, [0, 0], 2 ** 31), 'MEMORY_BUDGET', /trajectory/],
  ['solve(dyn, s0, T, null)', () => rt.solve(dyn, [0, 0], 10, null as never), 'INVALID_ARGUMENT', /options must be an object/],
  ['solve(dyn, s0, T, { init: [[0]] })', () => rt.solve(dyn, [0, 0], 10, { init: [[0]] } as never), 'INVALID_ARGUMENT', /init/],
  ['solve(dyn, s0, T, { init: wrong length })', () => rt.solve(dyn, [0, 0], 10, { init: new Float32Array(5) }), 'LENGTH_MISMATCH', /init/],
  ['solve(dyn, s0, T, { init: NaN inside })', () => rt.solve(dyn, [0, 0], 2, { init: Float64Array.of(0, 0, Number.NaN, 0) }), 'NON_FINITE', /init\[2\]/],
  ['solve(dyn, s0, T, { init: beyond float32 })', () => rt.solve(dyn, [0, 0], 2, { init: Float64Array.of(0, 0, 1e39, 0) }), 'NON_FINITE', /init\[2\].*float32/],
  // rt.scan
  ['scan(null, …)', () => rt.scan(null as never, 'diagonal', 1), 'INVALID_ARGUMENT', /elements must be/],
  ["scan('ab', …)", () => rt.scan('ab' as never, 'diagonal', 1), 'INVALID_ARGUMENT', /elements/],
  ["scan(elements, 'blocky', 1)", () => rt.scan(new Float32Array(4), 'blocky' as never, 1), 'INVALID_ARGUMENT', /kind must be/],
  ['scan(elements, kind, NaN)', () => rt.scan(new Float32Array(4), 'diagonal', Number.NaN), 'INVALID_ARGUMENT', /D must be a positive integer/],
  ['scan(elements, kind, 2 ** 40)', () => rt.scan(new Float32Array(4), 'identity', 2 ** 40), 'INVALID_ARGUMENT', /D must be at most/],
  ['scan(elements, dense, 17)', () => rt.scan(new Float32Array(4), 'dense', 17), 'UNSUPPORTED', /D ≤ 16/],
  ['scan(wrong length)', () => rt.scan(new Float32Array(5), 'diagonal', 1), 'LENGTH_MISMATCH'],
  ['scan([])', () => rt.scan(new Float32Array(0), 'diagonal', 1), 'LENGTH_MISMATCH'],
  // rt.linearRecurrence
  ['linearRecurrence(null, …)', () => rt.linearRecurrence(null as never, new Float32Array(2), new Float32Array(2), [0]), 'INVALID_ARGUMENT', /structure must be a Structure/],
  ['linearRecurrence({}, …)', () => rt.linearRecurrence({} as never, new Float32Array(2), new Float32Array(2), [0]), 'INVALID_ARGUMENT', /structure/],
  ['linearRecurrence(diag, null, …)', () => rt.linearRecurrence(diagonal(1), null as never, new Float32Array(2), [0]), 'INVALID_ARGUMENT', /A must be/],
  ['linearRecurrence(diag, A, undefined, …)', () => rt.linearRecurrence(diagonal(1), new Float32Array(2), undefined as never, [0]), 'INVALID_ARGUMENT', /b must be/],
  ['linearRecurrence(diag, A, b, null)', () => rt.linearRecurrence(diagonal(1), new Float32Array(2), new Float32Array(2), null as never), 'INVALID_ARGUMENT', /s0 must be/],
  ['linearRecurrence(diag, A, b, [1e39])', () => rt.linearRecurrence(diagonal(1), new Float32Array(2), new Float32Array(2), [1e39]), 'NON_FINITE', /float32/],
  ['linearRecurrence(diag, short A, …)', () => rt.linearRecurrence(diagonal(1), new Float32Array(1), new Float32Array(2), [0]), 'LENGTH_MISMATCH', /A has 1/],
  ['linearRecurrence(dense(17), …)', () => rt.linearRecurrence(dense(17), new Float32Array(289), new Float32Array(17), new Float32Array(17)), 'UNSUPPORTED', /D ≤ 16/],
  // rt.compile, rt.evaluate
  ['compile(null)', () => rt.compile(null as never), 'INVALID_ARGUMENT', /GPU dynamics/],
  ['compile({ dim: 1e9, … })', () => rt.compile({ ...dyn, dim: 1e9 }), 'INVALID_ARGUMENT', /GPU dynamics/],
  ['evaluate(null, points)', () => rt.evaluate(null as never, { t: [1], prev: [0, 0] }), 'INVALID_ARGUMENT', /GPU dynamics/],
  ['evaluate(dyn, null)', () => rt.evaluate(dyn, null as never), 'INVALID_ARGUMENT', /points must be an object/],
  ['evaluate(dyn, undefined)', () => rt.evaluate(dyn, undefined as never), 'INVALID_ARGUMENT', /points/],
  ['evaluate(dyn, { t: null, … })', () => rt.evaluate(dyn, { t: null as never, prev: [0, 0] }), 'INVALID_ARGUMENT', /points\.t/],
  ['evaluate(dyn, { t: [0], … })', () => rt.evaluate(dyn, { t: [0], prev: [0, 0] }), 'INVALID_ARGUMENT', /1-based/],
  ["evaluate(dyn, { t: ['1'], … })", () => rt.evaluate(dyn, { t: ['1'] as never, prev: [0, 0] }), 'INVALID_ARGUMENT', /t\[0\]/],
  ['evaluate(dyn, { prev: wrong length })', () => rt.evaluate(dyn, { t: [1], prev: [0] }), 'DIMENSION_MISMATCH'],
  ['evaluate(dyn, { sequence: -1 })', () => rt.evaluate(dyn, { t: [1], prev: [0, 0], sequence: -1 }), 'INVALID_ARGUMENT', /sequence/],
  ['evaluate(dyn, { step: 1 })', () => rt.evaluate(dyn, { t: [1], prev: [0, 0], step: 1 } as never), 'INVALID_ARGUMENT', /unknown option 'step'/],
  // rt.measureScan
  ['measureScan(null)', () => rt.measureScan(null as never), 'INVALID_ARGUMENT', /options must be an object/],
  ['measureScan(undefined)', () => rt.measureScan(undefined as never), 'INVALID_ARGUMENT', /kind/],
  ['measureScan({ T: NaN })', () => rt.measureScan({ kind: 'diagonal', D: 1, T: Number.NaN }), 'INVALID_ARGUMENT', /T must be a positive integer/],
  ['measureScan({ T: 2 ** 40 })', () => rt.measureScan({ kind: 'diagonal', D: 1, T: 2 ** 40 }), 'INVALID_ARGUMENT', /T must be at most/],
  ['measureScan({ D: 2, T: 2 ** 31 }): beyond u32 indices', () => rt.measureScan({ kind: 'diagonal', D: 2, T: 2 ** 31 }), 'MEMORY_BUDGET'],
  ['measureScan({ repeats: 1e9 })', () => rt.measureScan({ kind: 'diagonal', D: 1, T: 8, repeats: 1e9 }), 'INVALID_ARGUMENT', /repeats must be at most/],
  ["measureScan({ kind: 'full' })", () => rt.measureScan({ kind: 'full' as never, D: 1, T: 8 }), 'INVALID_ARGUMENT', /kind/],
  // defineGpuDynamics
  ['defineGpuDynamics(null)', () => defineGpuDynamics(null as never), 'INVALID_ARGUMENT', /spec must be an object/],
  ['defineGpuDynamics(undefined)', () => defineGpuDynamics(undefined as never), 'INVALID_ARGUMENT', /spec/],
  ["defineGpuDynamics({ dim: '2' })", () => defineGpuDynamics({ dim: '2' as never, wgsl: dyn.wgsl }), 'INVALID_ARGUMENT', /dim must be a positive integer/],
  ['defineGpuDynamics({ dim: 1e6 })', () => defineGpuDynamics({ dim: 1e6, wgsl: dyn.wgsl }), 'INVALID_ARGUMENT', /dim must be at most 2048/],
  ['defineGpuDynamics({ wgsl: 3 })', () => defineGpuDynamics({ dim: 1, wgsl: 3 as never }), 'INVALID_ARGUMENT', /wgsl must define/],
  ['defineGpuDynamics({ params: null })', () => defineGpuDynamics({ dim: 1, wgsl: dyn.wgsl, params: null as never }), 'INVALID_ARGUMENT', /params must be an array/],
  ['defineGpuDynamics({ params: [1e39] })', () => defineGpuDynamics({ dim: 1, wgsl: dyn.wgsl, params: [1e39] }), 'NON_FINITE', /params\[0\].*float32/],
  ["defineGpuDynamics({ params: ['1'] })", () => defineGpuDynamics({ dim: 1, wgsl: dyn.wgsl, params: ['1'] as never }), 'INVALID_ARGUMENT', /params\[0\]/],
  ['defineGpuDynamics({ name: 3 })', () => defineGpuDynamics({ dim: 1, wgsl: dyn.wgsl, name: 3 as never }), 'INVALID_ARGUMENT', /name must be a string/],
  ['defineGpuDynamics({ step: … })', () => defineGpuDynamics({ dim: 1, wgsl: dyn.wgsl, step: 'x' } as never), 'INVALID_ARGUMENT', /unknown option 'step'/],
  // Dynamics (the CPU contract) without or with a malformed wgsl
  ['solve(a Dynamics without wgsl, …)', () => rt.solve(cpuOnly, [0], 10), 'UNSUPPORTED', /'cpu only' has no `wgsl` capability.*wgsl: \{ source, params \}/],
  ['evaluate(a Dynamics without wgsl, …)', () => rt.evaluate(cpuOnly, { t: [1], prev: [0] }), 'UNSUPPORTED', /evaluate: .*`wgsl`/],
  ['compile(a Dynamics without wgsl)', () => rt.compile(cpuOnly), 'UNSUPPORTED', /compile: .*`wgsl`/],
  ['solve({ step, wgsl: { source: 3 } }, …)', () => rt.solve({ ...cpuOnly, wgsl: { source: 3 } } as never, [0], 10), 'INVALID_ARGUMENT', /wgsl.source must be a string/],
  ['solve({ step, wgsl: without diagonal }, …)', () => rt.solve({ ...cpuOnly, wgsl: { source: 'fn step(t: u32, s: State) -> State { return s; }', params: new Float32Array(0) } }, [0], 10), 'INVALID_ARGUMENT', /does not define `diagonal`/],
  ['solve({ step, wgsl: params [NaN] }, …)', () => rt.solve({ ...cpuOnly, wgsl: { source: dyn.wgsl, params: Float32Array.of(Number.NaN) } }, [0, 0], 10), 'NON_FINITE', /wgsl.params\[0\]/],
  ['solve({ step, dim: 1e6, wgsl }, …)', () => rt.solve({ ...cpuOnly, dim: 1e6, wgsl: { source: dyn.wgsl, params: dyn.params } }, [0], 10), 'INVALID_ARGUMENT', /dim must be at most 2048/],
];

describe('bad input battery: every public entry refuses with a typed error before touching the device', () => {
  it.each(cases.map(([name, call, code, message]) => ({ name, call, code, message })))('$name → $code', async ({ call, code, message }) => {
    let error: unknown;
    try {
      await call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnrollError);
    expect(error).toMatchObject({ code });
    if (message !== undefined) expect((error as Error).message).toMatch(message);
    expect(rt.liveBuffers).toBe(0);
  });

  it('a good call still works after all of them', async () => {
    const r = await rt.solve(dyn, [0, 0], 50);
    expect(r.converged).toBe(true);
    expect((await rt.solve(both, [0, 0], 50)).states).toEqual(r.states);
    expect(rt.liveBuffers).toBe(0);
  });
});
