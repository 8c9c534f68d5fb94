import { scaleElk } from '@unroll/solvers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpuRuntime, defineGpuDynamics, type GpuMethod, type GpuRuntime, type GpuSolveResult } from './index.js';

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});

/**
 * s_t = 0.5 s_{t−1} + 1, except that step `bad` adds `poison` (WGSL). NaN is built from
 * the bits of params[1] (0 at run time), so no compiler can fold it away and every device
 * produces a true NaN.
 */
const poisoned = (bad: number, poison: string) =>
  defineGpuDynamics({
    dim: 2,
    name: `poisoned at t = ${bad}`,
    params: [0.5, 0],
    wgsl: `
fn nan_here() -> f32 { return bitcast<f32>(bitcast<u32>(params[1]) | 0x7fc00000u); }
fn step(t: u32, s: State) -> State {
  var o: State;
  for (var i = 0u; i < D; i++) { o[i] = params[0] * s[i] + 1.0; }
  if (t == ${bad}u) { o[1] = o[1] + ${poison}; }
  return o;
}
fn diagonal(t: u32, s: State) -> State { return State(params[0], params[0]); }
fn jacobian(t: u32, s: State) -> Jacobian { return Jacobian(params[0], 0.0, 0.0, params[0]); }`,
  });

const nanAt5 = poisoned(5, 'nan_here()');
const methods: GpuMethod[] = ['deer', 'quasi-deer', 'picard', 'jacobi', 'clip-elk', 'scale-elk', 'sequential'];
const opts = (method: GpuMethod) => ({ method: method === 'scale-elk' ? scaleElk({ k: 0.2 }) : method });

const allFinite = (a: Float32Array) => a.every((x) => Number.isFinite(x));

/** What every result must satisfy: converged implies a finite trajectory. */
function honest(r: GpuSolveResult): void {
  if (r.converged) expect(allFinite(r.states)).toBe(true);
}

describe('a NaN in the dynamics is never masked', () => {
  it('f_5 = NaN: no method, stop or reset setting reports converged', async () => {
    for (const method of methods) {
      for (const stop of ['delta', 'merit'] as const) {
        for (const reset of [true, false]) {
          const r = await rt.solve(nanAt5, [0, 0], 20, { ...opts(method), stop, reset });
          expect(r.converged, `${method} ${stop} reset=${reset}`).toBe(false);
          expect(r.fellBack).toBe(false);
        }
      }
    }
    expect(rt.liveBuffers).toBe(0);
  });

  it('the merit of an iterate whose residual holds a NaN reads back NaN (not a finite or infinite stand-in)', async () => {
    for (const method of ['quasi-deer', 'picard', 'jacobi'] as const) {
      const r = await rt.solve(nanAt5, [0, 0], 20, { method, maxIterations: 3 });
      expect(r.trace.merit.length).toBeGreaterThan(0);
      for (const m of r.trace.merit) expect(m, method).toBeNaN();
    }
  });

  it('without resets, the max change over an iterate holding a NaN is NaN', async () => {
    const r = await rt.solve(nanAt5, [0, 0], 20, { method: 'picard', reset: false, maxIterations: 4 });
    expect(r.trace.delta.some((d) => Number.isNaN(d))).toBe(true);
    expect(r.converged).toBe(false);
  });

  it('an overflow (not a NaN) reads back as Infinity', async () => {
    const overflowAt5 = poisoned(5, 'exp(f32(t) * 30.0)'); // e^150: beyond f32
    const r = await rt.solve(overflowAt5, [0, 0], 20, { method: 'picard', maxIterations: 3 });
    expect(r.trace.merit[0]).toBe(Infinity);
    expect(r.converged).toBe(false);
  });

  it("fallback: 'sequential' returns the rollout as it is — converged only if it is finite", async () => {
    const r = await rt.solve(nanAt5, [0, 0], 20, { method: 'quasi-deer', fallback: 'sequential' });
    expect(r.fellBack).toBe(true);
    expect(r.converged).toBe(false);
    expect(r.states[2 * 4 + 1]).toBeNaN(); // s_5[1]
    expect(r.states[2 * 3]).toBeCloseTo(1.875, 6); // s_4[0]: the rollout up to the NaN is intact
    // A finite rollout is still a converged fallback.
    const finite = poisoned(5, '0.0');
    const ok = await rt.solve(finite, [0, 0], 20, { method: 'jacobi', maxIterations: 2, fallback: 'sequential' });
    expect(ok.fellBack).toBe(true);
    expect(ok.converged).toBe(true);
  });

  it("method 'sequential' reports an overflowing rollout unconverged", async () => {
    const growing = defineGpuDynamics({ dim: 1, params: [1.6], wgsl: 'fn step(t: u32, s: State) -> State { return State(params[0] * s[0] + 1.0); } fn diagonal(t: u32, s: State) -> State { return State(params[0]); }' });
    const r = await rt.solve(growing, [1], 250, { method: 'sequential' }); // 1.6^250 ≈ 1e51: inf in f32
    expect(r.states.at(-1)).toBe(Infinity);
    expect(r.converged).toBe(false);
    const short = await rt.solve(growing, [1], 50, { method: 'sequential' });
    expect(short.converged).toBe(true);
  });

  it("sqrt of a negative number at t = 5 (whatever this device returns for it): converged agrees with finiteness", async () => {
    const sqrtAt5 = poisoned(5, 'sqrt(f32(t) - 6.0)');
    const at5 = await rt.evaluate(sqrtAt5, { t: [5], prev: [0, 0] });
    for (const method of methods) {
      const r = await rt.solve(sqrtAt5, [0, 0], 20, opts(method));
      honest(r);
      if (!Number.isFinite(at5.step[1])) expect(r.converged, method).toBe(false);
    }
  });

  it('converged always implies finite states (random poison positions, methods and fallbacks)', async () => {
    for (let k = 0; k < 12; k++) {
      const bad = 1 + ((k * 7) % 30);
      const method = methods[k % methods.length] ?? 'quasi-deer';
      const r = await rt.solve(poisoned(bad, k % 3 === 0 ? '0.0' : 'nan_here()'), [0.5, -0.5], 30, { ...opts(method), fallback: k % 2 === 0 ? 'sequential' : 'none' });
      honest(r);
      expect(r.converged, `${method} poison at ${bad}`).toBe(k % 3 === 0);
    }
  });
});
