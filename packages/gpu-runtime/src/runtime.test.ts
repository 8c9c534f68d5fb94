import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defineDynamics } from '@unroll/linearize';
import { sequentialRollout, solve as cpuSolve } from '@unroll/solvers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitsOf } from './acquire-device.js';
import { GpuContext } from './gpu-context.js';
import { createGpuRuntime, defineGpuDynamics, type GpuRuntime } from './index.js';
import { usage } from './usage.js';

/**
 * s_t = a ⊙ s_{t−1} + c (per coordinate): linear, so DEER is exact after one iterate. One
 * Dynamics for both backends: its TypeScript uses the float32-rounded a and c its WGSL reads.
 */
const affine = (a: readonly number[], c: number) =>
  defineDynamics({
    dim: a.length,
    name: 'affine',
    step(_t, s, so, out, oo) {
      a.forEach((ai, i) => (out[oo + i] = Math.fround(ai) * (s[so + i] ?? 0) + Math.fround(c)));
    },
    wgsl: {
      params: [...a, c],
      source: `
fn step(t: u32, s: State) -> State { var o: State; for (var i = 0u; i < D; i++) { o[i] = params[i] * s[i] + params[D]; } return o; }
fn diagonal(t: u32, s: State) -> State { var o: State; for (var i = 0u; i < D; i++) { o[i] = params[i]; } return o; }
fn jacobian(t: u32, s: State) -> Jacobian { var J: Jacobian; for (var i = 0u; i < D; i++) { J[i * D + i] = params[i]; } return J; }`,
    },
  });

/** The CPU reference: the same object (it runs on both backends). */
const cpuAffine = affine;

/**
 * One Dawn instance for the tests that make their own devices, kept for the whole file:
 * Dawn's Node binding aborts the process if an instance is collected while its devices live.
 */
let dawn: GPU | undefined;
async function newDevice(): Promise<GPUDevice> {
  if (dawn === undefined) dawn = ((await import('webgpu')) as { create: (flags: string[]) => GPU }).create([]);
  const adapter = await dawn.requestAdapter();
  if (adapter === null) throw new Error('no adapter');
  return adapter.requestDevice();
}

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});

describe('lifecycle', () => {
  it('creating, solving and destroying runtimes in a loop leaks nothing', async () => {
    for (let k = 0; k < 6; k++) {
      const r = await createGpuRuntime();
      const out = await r.solve(affine([0.5, -0.3], 1), [0, 0], 200, { method: k % 2 === 0 ? 'deer' : 'picard' });
      expect(out.converged).toBe(true);
      await r.linearRecurrence((await import('@unroll/scan')).diagonal(1), new Float32Array(50).fill(0.5), new Float32Array(50).fill(1), [0]);
      expect(r.liveBuffers).toBe(0);
      r.destroy();
      r.destroy(); // idempotent
      await expect(r.solve(affine([0.5], 1), [0], 10)).rejects.toMatchObject({ code: 'DEVICE_LOST' });
    }
  });

  it('a lost device rejects the pending solve with DEVICE_LOST', async () => {
    const device = await newDevice();
    const r = await createGpuRuntime({ device });
    const pending = r.solve(affine([0.999], 0.001), [0], 2000, {
      method: 'picard',
      tol: 1e-12,
      onIteration: ({ iteration }) => {
        if (iteration === 3) device.destroy();
      },
    });
    await expect(pending).rejects.toMatchObject({ code: 'DEVICE_LOST' });
    await expect(r.scan(new Float32Array(4), 'diagonal', 2)).rejects.toMatchObject({ code: 'DEVICE_LOST' });
    r.destroy();
  });

  it('a buffer the device refuses is reported, not silently used', async () => {
    const device = await newDevice();
    const ctx = new GpuContext(device, limitsOf(device, {}), true, 'test');
    try {
      ctx.buffer(64, usage.storage, 'fine');
      await expect(ctx.allocated('check')).resolves.toBeUndefined();
      // MAP_READ may only pair with COPY_DST: the device refuses this one.
      ctx.buffer(64, usage.mapRead | usage.storage, 'refused');
      await expect(ctx.allocated('check')).rejects.toMatchObject({ code: 'MEMORY_BUDGET', message: expect.stringMatching(/refused \(0\.0 MiB\)/) as unknown });
      await expect(ctx.allocated('check')).resolves.toBeUndefined();
    } finally {
      ctx.destroy();
    }
  });

  it('node exits by itself after a solve and destroy()', () => {
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      import { createGpuRuntime, defineGpuDynamics } from ${JSON.stringify(dist)};
      const rt = await createGpuRuntime();
      const dyn = defineGpuDynamics({ dim: 1, params: [0.5], wgsl: 'fn step(t: u32, s: State) -> State { return State(params[0] * s[0] + 1.0); } fn diagonal(t: u32, s: State) -> State { return State(params[0]); }' });
      const r = await rt.solve(dyn, [0], 100);
      rt.destroy();
      console.log(r.converged, r.states[99].toFixed(4));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('true 2.0000');
  });
});

describe('lifecycle under repetition', () => {
  it('ten create/solve/destroy cycles in a fresh process: no buffers left, and node exits by itself', () => {
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      import { createGpuRuntime, defineGpuDynamics } from ${JSON.stringify(dist)};
      const dyn = defineGpuDynamics({ dim: 1, params: [0.5], wgsl: 'fn step(t: u32, s: State) -> State { return State(params[0] * s[0] + 1.0); } fn diagonal(t: u32, s: State) -> State { return State(params[0]); }' });
      const live = [];
      let converged = 0;
      for (let k = 0; k < 10; k++) {
        const rt = await createGpuRuntime();
        const r = await rt.solve(dyn, [0], 64, { method: k % 2 === 0 ? 'quasi-deer' : 'picard', maxIterations: k % 3 === 0 ? 2 : 64, fallback: 'sequential' });
        await rt.solve(dyn, [0], 8, { tol: -1 }).catch(() => undefined); // a refused call too
        converged += Number(r.converged);
        live.push(rt.liveBuffers);
        rt.destroy();
        live.push(rt.liveBuffers);
      }
      console.log(converged, live.every((n) => n === 0));`;
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 90_000 });
    expect(child.error).toBeUndefined();
    expect(child.stderr.replace(/^Warning: .*Vulkan.*\n(\s+at .*\n)?/gm, '')).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('10 true');
    expect(Date.now() - started).toBeLessThan(90_000);
  });

  it('runtimes created concurrently share one Dawn instance (garbage collection in between cannot pull it away)', () => {
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      import { createGpuRuntime, defineGpuDynamics } from ${JSON.stringify(dist)};
      const dyn = defineGpuDynamics({ dim: 1, params: [0.5], wgsl: 'fn step(t: u32, s: State) -> State { return State(params[0] * s[0] + 1.0); } fn diagonal(t: u32, s: State) -> State { return State(params[0]); }' });
      const settle = async () => { for (let k = 0; k < 4; k++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 25)); } };
      const rts = await Promise.all([createGpuRuntime(), createGpuRuntime(), createGpuRuntime()]);
      await settle();
      const out = [];
      for (const rt of rts) out.push((await rt.solve(dyn, [0], 100)).converged);
      await settle();
      for (const rt of rts) { out.push((await rt.solve(dyn, [0], 100, { method: 'picard' })).converged); rt.destroy(); }
      console.log(out.join(' '));`;
    const child = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr.replace(/^Warning: .*Vulkan.*\n(\s+at .*\n)?/gm, '')).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('true true true true true true');
  });

  it('runtimes made and destroyed on one given device leave it usable, with nothing pending', async () => {
    const device = await newDevice();
    try {
      for (let k = 0; k < 10; k++) {
        const r = await createGpuRuntime({ device });
        expect((await r.solve(affine([0.5], 1), [0], 50)).converged).toBe(true);
        expect(r.liveBuffers).toBe(0);
        r.destroy();
        await expect(r.solve(affine([0.5], 1), [0], 10)).rejects.toMatchObject({ code: 'DEVICE_LOST', message: expect.stringMatching(/destroyed/) as unknown });
      }
      const last = await createGpuRuntime({ device });
      expect((await last.solve(affine([0.5], 1), [0], 50)).states[49]).toBeCloseTo(2, 5);
      last.destroy();
    } finally {
      device.destroy();
    }
  });

  it('waiting calls are tracked one by one and released (no reaction piles up on the device-lost promise)', async () => {
    const device = await newDevice();
    const ctx = new GpuContext(device, limitsOf(device, {}), false, 'test');
    try {
      for (let k = 0; k < 200; k++) await ctx.guard(Promise.resolve(k), 'test');
      await expect(ctx.guard(Promise.reject(new Error('boom')), 'test')).rejects.toThrow('boom');
      expect(ctx.pendingGuards).toBe(0);
      // Destroying the runtime rejects what is still waiting, even on a device it does not own.
      const never = ctx.guard(new Promise<never>(() => undefined), 'waiting');
      expect(ctx.pendingGuards).toBe(1);
      ctx.destroy();
      await expect(never).rejects.toMatchObject({ code: 'DEVICE_LOST' });
      expect(ctx.pendingGuards).toBe(0);
      await expect(ctx.guard(Promise.resolve(1), 'after')).rejects.toMatchObject({ code: 'DEVICE_LOST' });
    } finally {
      device.destroy();
    }
  });
});

describe('WGSL checking', () => {
  it('compile errors name the line of the user WGSL', async () => {
    const bad = defineGpuDynamics({
      dim: 2,
      name: 'typo',
      wgsl: `fn step(t: u32, s: State) -> State {
  var o: State;
  o[0] = s[0] + vec2f(1.0, 2.0);
  return o;
}
fn diagonal(t: u32, s: State) -> State { return s; }`,
    });
    const err: unknown = await rt.compile(bad).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SHADER_COMPILE' });
    expect((err as Error).message).toMatch(/typo WGSL line 3:/);
    await expect(rt.solve(bad, [0, 0], 10)).rejects.toMatchObject({ code: 'SHADER_COMPILE' });
    expect(() => defineGpuDynamics({ dim: 1, wgsl: 'fn step(t: u32, s: State) -> State { return s; }' })).toThrow(/diagonal/);
    expect(() => defineGpuDynamics({ dim: 0, wgsl: '' })).toThrow(/dim/);
    expect(() => defineGpuDynamics({ dim: 1, wgsl: 'fn step() {} fn diagonal() {} fn unroll_x() {}' })).toThrow(/reserved/);
    expect(() => defineGpuDynamics({ dim: 1, params: [1e39], wgsl: 'fn step() {} fn diagonal() {}' })).toThrow(/float32/);
  });
});

describe('solve options', () => {
  const dyn = affine([0.6, 0.2, -0.4], 0.5);

  it('rejects bad input with typed errors', async () => {
    const bigD = affine(Array.from({ length: 17 }, () => 0.1), 0);
    const noJacobian = defineGpuDynamics({ dim: 1, wgsl: 'fn step(t: u32, s: State) -> State { return s; } fn diagonal(t: u32, s: State) -> State { return State(1.0); }' });
    const cases: [Promise<unknown>, string][] = [
      [rt.solve(dyn, [0, 0, 0], 10, { method: 'elk' as never }), 'INVALID_ARGUMENT'],
      [rt.solve(dyn, [0, 0, 0], 10, { method: 'scale-elk' }), 'INVALID_ARGUMENT'],
      [rt.solve(dyn, [0, 0, 0], 10, { method: 'quasi-deer', k: 0.5 } as never), 'INVALID_ARGUMENT'],
      [rt.solve(dyn, [0, 0, 0], 10, { method: 'clip-elk', clip: { lo: 1, hi: -1 } } as never), 'INVALID_ARGUMENT'],
      [rt.solve(bigD, new Array<number>(17).fill(0), 10, { method: 'deer' }), 'UNSUPPORTED'],
      [rt.solve(noJacobian, [0], 10, { method: 'deer' }), 'UNSUPPORTED'],
      [rt.solve(dyn, [0, NaN, 0], 10), 'NON_FINITE'],
      [rt.solve(dyn, [0, 0], 10), 'DIMENSION_MISMATCH'],
      [rt.solve(dyn, [0, 0, 0], 0), 'INVALID_ARGUMENT'],
      [rt.solve(dyn, [0, 0, 0], 10, { tol: -1 }), 'INVALID_ARGUMENT'],
      [rt.solve(dyn, [0, 0, 0], 10, { init: new Float32Array(5) }), 'LENGTH_MISMATCH'],
      [rt.solve({ dim: 1 } as never, [0], 10), 'INVALID_ARGUMENT'],
    ];
    for (const [p, code] of cases) await expect(p).rejects.toMatchObject({ code });
    expect(rt.liveBuffers).toBe(0);
  });

  it("DEER takes 2 iterations on linear dynamics ('delta' stop) and 1 with stop 'merit'", async () => {
    expect((await rt.solve(dyn, [1, 2, 3], 500, { method: 'deer' })).iterations).toBe(2);
    expect((await rt.solve(dyn, [1, 2, 3], 500, { method: 'quasi-deer' })).iterations).toBe(2);
    const merit = await rt.solve(dyn, [1, 2, 3], 500, { method: 'deer', stop: 'merit', tol: 1e-8 });
    expect(merit.iterations).toBe(1);
    expect(merit.converged).toBe(true);
  });

  it('every init gives the same fixed point; a warm start at the answer stops at once', async () => {
    const T = 200;
    const ref = sequentialRollout(cpuAffine([0.6, 0.2, -0.4], 0.5), Float64Array.of(1, 2, 3), T, new Float64Array(T * 3));
    for (const init of ['zeros', 'random', 'jacobi'] as const) {
      const r = await rt.solve(dyn, [1, 2, 3], T, { method: 'picard', init, seed: 3 });
      expect(r.converged).toBe(true);
      for (let i = 0; i < ref.length; i++) expect(Math.abs((r.states[i] ?? NaN) - (ref[i] ?? NaN))).toBeLessThan(1e-5);
    }
    const warm = await rt.solve(dyn, [1, 2, 3], T, { method: 'jacobi', init: Float32Array.from(ref) });
    expect(warm.iterations).toBe(1);
  });

  it('diverging iterates are reset, reported, and end unconverged — or fall back to the rollout', async () => {
    const T = 60;
    const growing = affine([1.6], 1); // 1.6^60 ≈ 2e12: beyond the reset threshold
    const r = await rt.solve(growing, [1], T, { method: 'picard', maxIterations: 15 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(15);
    expect(r.trace.resets.some((n) => n > 0)).toBe(true);
    const fb = await rt.solve(growing, [1], T, { method: 'picard', maxIterations: 15, fallback: 'sequential' });
    expect(fb.fellBack).toBe(true);
    expect(fb.converged).toBe(true);
    const ref = sequentialRollout(cpuAffine([1.6], 1), Float64Array.of(1), T, new Float64Array(T));
    for (let i = 0; i < T; i++) expect(Math.abs((fb.states[i] ?? NaN) / (ref[i] ?? NaN) - 1)).toBeLessThan(1e-5);
    const off = await rt.solve(growing, [1], T, { method: 'picard', maxIterations: 5, reset: false });
    expect(off.trace.resets.every((n) => n === 0)).toBe(true);
  });

  it('onIteration can stop the solve; an AbortSignal aborts it', async () => {
    const seen: number[] = [];
    const r = await rt.solve(dyn, [1, 2, 3], 300, { method: 'jacobi', onIteration: ({ iteration }) => (seen.push(iteration), iteration < 4) });
    expect(r.iterations).toBe(4);
    expect(seen).toEqual([1, 2, 3, 4]);
    const ac = new AbortController();
    await expect(rt.solve(dyn, [1, 2, 3], 300, { method: 'jacobi', signal: ac.signal, onIteration: ({ iteration }) => {
            if (iteration === 2) ac.abort();
          },
        })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(rt.liveBuffers).toBe(0);
  });

  it('matches the CPU merit trace of the same method', async () => {
    const T = 120;
    const g = await rt.solve(dyn, [1, 2, 3], T, { method: 'jacobi' });
    const c = cpuSolve(cpuAffine([0.6, 0.2, -0.4], 0.5), [1, 2, 3], T, { method: 'jacobi', dtype: 'float32', tol: 1e-5 });
    expect(g.trace.merit.length).toBeGreaterThan(3);
    for (let i = 0; i < 3; i++) expect(g.trace.merit[i]).toBeCloseTo(c.trace.merit[i] ?? NaN, 4);
  });
});

describe('windowed bindings in the solve', () => {
  it('a 4 KiB binding cap and 2-wide grids change nothing but the dispatch count', async () => {
    const small = await createGpuRuntime({ maxBindingBytes: 4096, maxWorkgroupsPerDimension: 2, chunk: 8 });
    try {
      const T = 300;
      const dyn = affine([0.7, -0.5, 0.3, 0.9], 0.25);
      const ref = sequentialRollout(cpuAffine([0.7, -0.5, 0.3, 0.9], 0.25), Float64Array.of(1, -1, 0.5, 2), T, new Float64Array(T * 4));
      for (const method of ['deer', 'quasi-deer', 'jacobi'] as const) {
        const r = await small.solve(dyn, [1, -1, 0.5, 2], T, { method, tol: 1e-6 });
        expect(r.converged, method).toBe(true);
        for (let i = 0; i < ref.length; i++) expect(Math.abs((r.states[i] ?? NaN) - (ref[i] ?? NaN)), `${method} entry ${i}`).toBeLessThan(1e-5);
      }
      expect(small.liveBuffers).toBe(0);
    } finally {
      small.destroy();
    }
  });
});
