import { defineDynamics, hutchinson } from '@unroll/linearize';
import { clipElk, defaultMethod, elk, newton, quasiDeer, resolveRunControls, solve as cpuSolve, solveOptionKeys } from '@unroll/solvers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuOnlyOptions, gpuSolveOptionKeys } from './gpu-solve.js';
import { createGpuRuntime, defineGpuDynamics, type GpuRuntime } from './index.js';

/** s_t = 0.5 s_{t−1} + 1: one Dynamics with its WGSL, the same object on the GPU and on the CPU. */
const gpuDyn = defineDynamics({
  dim: 1,
  step(_t, s, so, out, oo) {
    out[oo] = 0.5 * (s[so] ?? 0) + 1;
  },
  wgsl: {
    params: [0.5],
    source: 'fn step(t: u32, s: State) -> State { return State(params[0] * s[0] + 1.0); } fn diagonal(t: u32, s: State) -> State { return State(params[0]); }',
  },
});
const cpuDyn = gpuDyn;

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});

/** The error a call throws or rejects with. */
async function errorOf(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('the options shared with the CPU are validated once, by resolveRunControls', () => {
  const T = 10;
  const bad: Record<string, unknown>[] = [
    { tol: -1 },
    { tol: Number.NaN },
    { tol: '1e-5' },
    { residualTol: 0 },
    { maxIterations: 0 },
    { maxIterations: 2.5 },
    { maxIterations: '3' },
    { stop: 'never' },
    { reset: 'yes' },
    { resetThreshold: -1 },
    { resetThreshold: Infinity },
    { fallback: 'cpu' },
    { init: 'ones' },
    { seed: 1.5 },
    { memoryBudget: -1 },
    { memoryBudget: '1 GiB' },
    { onIteration: 3 },
    { signal: {} },
  ];

  it.each(bad.map((o) => [JSON.stringify(o), o] as const))('%s: the same error as the CPU controls', async (_name, opts) => {
    const expected = await errorOf(() => resolveRunControls('solve', opts, T, 'float32'));
    expect(expected).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const got = await errorOf(() => rt.solve(gpuDyn, [0], T, opts));
    expect(got).toMatchObject({ name: 'UnrollError', code: (expected as { code: string }).code, message: (expected as Error).message });
  });

  it('the CPU solver refuses them with the same code', async () => {
    for (const opts of bad) {
      const cpu = await errorOf(() => cpuSolve(cpuDyn, [0], T, { method: 'quasi-deer', ...opts }));
      const gpu = await errorOf(() => rt.solve(gpuDyn, [0], T, { method: 'quasi-deer', ...opts } as never));
      expect(gpu, JSON.stringify(opts)).toMatchObject({ code: (cpu as { code: string }).code });
    }
  });

  it('valid values mean what they mean on the CPU: maxIterations is capped at T, tol defaults to 1e-5', async () => {
    const r = await rt.solve(gpuDyn, [0], 5, { method: 'jacobi', maxIterations: 1000 });
    expect(r.iterations).toBeLessThanOrEqual(5);
    // 0.5^k shrinks the change below 1e-5 after ~17 Jacobi sweeps on a long horizon.
    const long = await rt.solve(gpuDyn, [0], 200, { method: 'jacobi' });
    expect(long.converged).toBe(true);
    expect(long.trace.delta.at(-1)).toBeLessThan(1e-5);
    expect(long.trace.delta.at(-2)).toBeGreaterThanOrEqual(1e-5);
  });

  it("windowAdvance 'first-unconverged' (PASO's stride) slides the window as on the CPU", async () => {
    for (const windowAdvance of ['converged', 'first-unconverged'] as const) {
      const opts = { method: quasiDeer(), window: 7, windowAdvance, tol: 1e-5 } as const;
      const [gpu, cpu] = [await rt.solve(gpuDyn, [0], 60, opts), cpuSolve(cpuDyn, [0], 60, opts)];
      expect(gpu.converged && cpu.converged).toBe(true);
      expect(Math.abs(gpu.iterations - cpu.iterations), windowAdvance).toBeLessThanOrEqual(1);
    }
  });

  it('quasi-ELK with λ > 0 is not exact after T, so maxIterations past T is honoured, as on the CPU', async () => {
    const opts = { method: elk({ lambda: 1, base: 'diagonal' }), maxIterations: 200, tol: 1e-5 };
    const [gpu, cpu] = [await rt.solve(gpuDyn, [0], 5, opts), cpuSolve(cpuDyn, [0], 5, opts)];
    expect(cpu.iterations).toBeGreaterThan(5);
    expect(cpu.converged).toBe(true);
    expect(gpu.converged).toBe(true);
    expect(Math.abs(gpu.iterations - cpu.iterations)).toBeLessThanOrEqual(3);
    expect((await rt.solve(gpuDyn, [0], 5, { method: elk({ lambda: 1, base: 'diagonal' }) })).iterations).toBe(5);
  });
});

describe('what only the CPU serves is refused, not ignored', () => {
  it.each([
    ['dtype float64', { dtype: 'float64' }, /float32 only.*CPU solvers/],
    ['ELK over a custom base', { method: elk({ lambda: 1, base: newton(hutchinson({ probes: 2 })).strategy }) }, /custom strategy.*vjp.*CPU solvers/],
    ['a custom strategy', { method: newton(hutchinson({ probes: 2 })) }, /custom strategy.*CPU solvers/],
    ['changeEntries', { method: quasiDeer(), changeEntries: 1 }, /changeEntries.*all D entries.*CPU solvers/],
    ["quasiDeer({ diagonal: hutchinson(…) })", { method: quasiDeer({ diagonal: hutchinson({ probes: 2 }) }) }, /custom strategy.*CPU solvers/],
  ])('%s → UNSUPPORTED, naming the CPU solvers', async (_name, opts, message) => {
    await expect(rt.solve(gpuDyn, [0], 10, opts as never)).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(message) as unknown });
  });

  it("dtype 'float32' is accepted; other dtypes and unknown methods are INVALID_ARGUMENT", async () => {
    expect((await rt.solve(gpuDyn, [0], 10, { dtype: 'float32' })).converged).toBe(true);
    await expect(rt.solve(gpuDyn, [0], 10, { dtype: 'int8' } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/dtype/) as unknown });
    await expect(rt.solve(gpuDyn, [0], 10, { method: 'newton' } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/unknown method 'newton'.*quasi-deer/) as unknown });
  });

  it('unknown keys are refused with the list of known ones; null options are typed errors', async () => {
    const err = await errorOf(() => rt.solve(gpuDyn, [0], 10, { tolerance: 1e-6 } as never));
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/unknown option 'tolerance'/) as unknown });
    for (const key of gpuSolveOptionKeys) expect((err as Error).message).toContain(key);
    await expect(rt.solve(gpuDyn, [0], 10, null as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/options must be an object/) as unknown });
    await expect(rt.solve(gpuDyn, [0], 10, 'deer' as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await rt.solve(gpuDyn, [0], 10, undefined)).converged).toBe(true);
  });

  it('every CPU option key is either served on the GPU or refused there with a reason', () => {
    for (const key of solveOptionKeys) expect(gpuSolveOptionKeys.includes(key) || key in cpuOnlyOptions, key).toBe(true);
    for (const key of Object.keys(cpuOnlyOptions)) expect(gpuSolveOptionKeys).not.toContain(key);
  });

  it("a method's parameters belong to its value: k, clip and lambda as solve options say which value to pass, as on the CPU", async () => {
    for (const [key, value] of [['k', 'scaleElk'], ['clip', 'clipElk'], ['lambda', 'elk']] as const) {
      await expect(rt.solve(gpuDyn, [0], 10, { [key]: 0.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(value) as unknown });
    }
    await expect(rt.solve(gpuDyn, [0], 10, { method: 'scale-elk' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('scaleElk({ k })') as unknown });
  });

  it('clipElk({ lo, hi }) clamps the diagonal on the device: a clip at [0.5, 0.5] is Picard-like damping, still converging', async () => {
    const clippedRun = await rt.solve(gpuDyn, [0], 50, { method: clipElk({ lo: 0.5, hi: 0.5 }) });
    const cpu = cpuSolve(cpuDyn, [0], 50, { method: clipElk({ lo: 0.5, hi: 0.5 }), dtype: 'float32', tol: 1e-5 });
    expect(clippedRun.converged).toBe(true);
    expect(Math.abs(clippedRun.iterations - cpu.iterations)).toBeLessThanOrEqual(2);
  });

  it('the default method is the CPU\'s rule: DEER with a WGSL jacobian and D ≤ 16, quasi-DEER otherwise', async () => {
    expect((await rt.solve(gpuDyn, [0], 10)).method).toBe(defaultMethod(1, false).name);
    const jac = defineGpuDynamics({ dim: 1, wgsl: 'fn step(t: u32, s: State) -> State { return State(0.5 * s[0]); } fn diagonal(t: u32, s: State) -> State { return State(0.5); } fn jacobian(t: u32, s: State) -> Jacobian { return Jacobian(0.5); }' });
    expect((await rt.solve(jac, [1], 10)).method).toBe('deer');
  });
});

describe('memoryBudget bounds the Ã_t on the device, as on the CPU', () => {
  it('refuses before allocating, suggesting a lighter method; passes when it fits', async () => {
    const D = 4, T = 1000;
    const dyn = defineGpuDynamics({
      dim: D,
      wgsl: `fn step(t: u32, s: State) -> State { var o: State; for (var i = 0u; i < D; i++) { o[i] = 0.5 * s[i] + 1.0; } return o; }
fn diagonal(t: u32, s: State) -> State { var o: State; for (var i = 0u; i < D; i++) { o[i] = 0.5; } return o; }
fn jacobian(t: u32, s: State) -> Jacobian { var J: Jacobian; for (var i = 0u; i < D; i++) { J[i * D + i] = 0.5; } return J; }`,
    });
    const s0 = new Float32Array(D);
    // quasi-DEER: T·D·4 = 16000 bytes; DEER: T·D²·4 = 64000 bytes.
    await expect(rt.solve(dyn, s0, T, { method: 'quasi-deer', memoryBudget: 15_999 })).rejects.toMatchObject({ code: 'MEMORY_BUDGET', message: expect.stringMatching(/memoryBudget.*'picard' or 'jacobi'/) as unknown });
    expect((await rt.solve(dyn, s0, T, { method: 'quasi-deer', memoryBudget: 16_000 })).converged).toBe(true);
    await expect(rt.solve(dyn, s0, T, { method: 'deer', memoryBudget: 20_000 })).rejects.toMatchObject({ code: 'MEMORY_BUDGET', message: expect.stringMatching(/'quasi-deer'/) as unknown });
    expect((await rt.solve(dyn, s0, T, { method: 'jacobi', memoryBudget: 1 })).converged).toBe(true); // Jacobi stores no Ã_t
    expect((await rt.solve(dyn, s0, T, { method: 'sequential', memoryBudget: 1 })).converged).toBe(true); // nor does the rollout
    expect(rt.liveBuffers).toBe(0);
  });
});
