import type { DefinedDynamics } from '@unroll/linearize';
import { UnrollError } from '@unroll/scan';
import { gaussianMixture, gru, langevin, lorenz96, meanFieldRnn, twoWell, type GruWeights, type Potential } from '@unroll/systems';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpuRuntime, type GpuDynamics, type GpuRuntime } from './index.js';
import { twins } from './twins/index.js';

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});

// f32 twins against Float64 CPU systems. Each output is a short chain of f32 operations
// (≤ a few dozen roundings of 6e-8, plus the few-ulp built-in exp/tanh/log WGSL allows),
// so its error is ~1e-7–1e-6 of the magnitudes it is built from; 1e-5 of those magnitudes
// leaves a wide margin on any GPU while a wrong formula, index or input row shows up at
// O(1e-2) or more. The magnitude of a point's step is 1 + max|s| + max|f(s)| (every term of
// these maps is bounded by the state or the result), that of its Jacobian and diagonal
// 1 + max|J| (the entries are built from terms of that size).
const rtol = 1e-5;

const maxAbs = (a: ArrayLike<number>, o: number, n: number): number => {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[o + i] ?? NaN));
  return m;
};

/** Largest |gpu − cpu| / magnitude over the points; NaN anywhere makes it Infinity. */
async function worstErrors(cpu: DefinedDynamics, gpu: GpuDynamics, t: readonly number[], prev: Float32Array): Promise<{ step: number; diagonal: number; jacobian: number }> {
  const D = gpu.dim;
  const n = t.length;
  const ev = await rt.evaluate(gpu, { t, prev });
  expect(ev.step).toHaveLength(n * D);
  expect(ev.diagonal).toHaveLength(n * D);
  const jac = ev.jacobian;
  if (jac === undefined) throw new Error(`${gpu.name}: evaluate returned no Jacobian`);
  expect(jac).toHaveLength(n * D * D);
  const s = Float64Array.from(prev); // the exact f32 states the GPU saw
  const f = new Float64Array(D), d = new Float64Array(D), J = new Float64Array(D * D);
  const worst = { step: 0, diagonal: 0, jacobian: 0 };
  const err = (g: number | undefined, c: number | undefined, scale: number) => {
    const e = Math.abs((g ?? NaN) - (c ?? NaN)) / scale;
    return Number.isNaN(e) ? Infinity : e;
  };
  for (let k = 0; k < n; k++) {
    const tk = t[k] ?? 1;
    cpu.step(tk, s, k * D, f, 0);
    cpu.diagonal(tk, s, k * D, d, 0);
    cpu.jacobian(tk, s, k * D, J, 0);
    const stepScale = 1 + maxAbs(s, k * D, D) + maxAbs(f, 0, D);
    const jacScale = 1 + maxAbs(J, 0, D * D);
    for (let i = 0; i < D; i++) {
      worst.step = Math.max(worst.step, err(ev.step[k * D + i], f[i], stepScale));
      worst.diagonal = Math.max(worst.diagonal, err(ev.diagonal[k * D + i], d[i], jacScale));
    }
    for (let i = 0; i < D * D; i++) worst.jacobian = Math.max(worst.jacobian, err(jac[k * D * D + i], J[i], jacScale));
  }
  return worst;
}

interface Case {
  readonly name: string;
  readonly cpu: DefinedDynamics;
  readonly gpu: GpuDynamics;
  /** States are drawn uniformly in [−box, box]. */
  readonly box: number;
  /** Rows of inputs/noise (0 if none): t is drawn in 1 … rows + 3, and also anywhere up to 2³¹. */
  readonly rows: number;
}

/** The CPU system and its twin from the same params. */
function pair<P>(name: string, cpu: (p: P) => DefinedDynamics, twin: (p: P) => GpuDynamics, params: P, box: number, rows = 0): Case {
  return { name, cpu: cpu(params), gpu: twin(params), box, rows };
}

const sines = (T: number, width: number, phase = 0) => Array.from({ length: T }, (_, t) => Array.from({ length: width }, (_, i) => Math.sin(0.7 * t + 1.3 * i + phase)));

const seededGru = gru({ dim: 5, inputDim: 3, seed: 8 }).weights;
/** Three times PyTorch's initial scale: saturated gates, a harder test of σ, tanh and 1 − n². */
const strongWeights = Object.fromEntries(Object.entries(seededGru).map(([k, v]) => [k, Array.from(v, (x) => 3 * x)])) as Record<keyof GruWeights, number[]>;

const mixture = gaussianMixture({ means: [[-1, 0], [1, 1]], covariances: [[[1, 0.3], [0.3, 0.5]], [[0.4, 0], [0, 2]]] });
const mixture3 = gaussianMixture({
  means: [[0, 0, 0], [2, -1, 0.5], [-1.5, 1, 1]],
  covariances: [
    [[1, 0.2, 0], [0.2, 1, 0.1], [0, 0.1, 1]],
    [[0.5, 0, 0], [0, 0.8, 0.2], [0, 0.2, 0.6]],
    [[2, -0.3, 0], [-0.3, 1, 0], [0, 0, 0.7]],
  ],
  weights: [1, 2, 0.5],
});

const cases: Case[] = [
  pair('gru, seeded weights, no inputs', gru, twins.gru, { dim: 6, inputDim: 0, seed: 3 }, 3),
  pair('gru, seeded weights, 12 rows of inputs', gru, twins.gru, { dim: 5, inputDim: 3, seed: 8, inputs: sines(12, 3) }, 3, 12),
  pair('gru, explicit saturating weights, flat Float64Array inputs', gru, twins.gru, { dim: 5, inputDim: 3, weights: strongWeights, inputs: Float64Array.from(sines(9, 3, 0.4).flat()) }, 3, 9),
  pair('mean-field rnn, g = 1.5, 10 rows of inputs', meanFieldRnn, twins.meanFieldRnn, { dim: 8, g: 1.5, seed: 3, inputs: sines(10, 8) }, 4, 10),
  pair('mean-field rnn, g = 0.5, flat Float32Array inputs', meanFieldRnn, twins.meanFieldRnn, { dim: 6, g: 0.5, seed: 11, inputs: Float32Array.from(sines(5, 6, 1).flat()) }, 4, 5),
  pair('langevin, 2-D mixture, seeded noise', langevin, twins.langevin, { potential: mixture, stepSize: 0.05, seed: 2 }, 3),
  pair('langevin, 3-D mixture of 3, explicit noise', langevin, twins.langevin, { potential: mixture3, stepSize: 0.02, noise: sines(7, 3, 0.2) }, 3, 7),
  pair('langevin, two-well, seeded noise', langevin, twins.langevin, { potential: twoWell(4), stepSize: 0.01, seed: 1 }, 2),
  pair('langevin, two-well, explicit flat noise', langevin, twins.langevin, { potential: twoWell(3), stepSize: 0.05, noise: Float64Array.from(sines(6, 3).flat()) }, 2, 6),
  pair('lorenz96 euler, F = 8, D = 6', lorenz96, twins.lorenz96, { dim: 6, integrator: 'euler' }, 10),
  pair('lorenz96 rk4 (default), F = 8, D = 9', lorenz96, twins.lorenz96, { dim: 9 }, 10),
  pair('lorenz96 rk4, F = 8, D = 16 (no wrap-around in the tangent window)', lorenz96, twins.lorenz96, { dim: 16, forcing: 8 }, 10),
  pair('lorenz96 rk4, F = 0.5, dt = 0.05, D = 4 (smallest ring)', lorenz96, twins.lorenz96, { dim: 4, forcing: 0.5, dt: 0.05, integrator: 'rk4' }, 2),
  pair('lorenz96 euler, F = 0.5, D = 5', lorenz96, twins.lorenz96, { dim: 5, forcing: 0.5, integrator: 'euler' }, 2),
];

describe('twins: step, diagonal and jacobian match the CPU systems', () => {
  const n = 24;
  for (const c of cases) {
    it(c.name, async () => {
      const D = c.gpu.dim;
      expect(D).toBe(c.cpu.dim);
      expect(c.gpu.hasJacobian).toBe(true);
      const box = Math.fround(c.box);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(fc.integer({ min: 1, max: c.rows + 3 }), fc.integer({ min: 1, max: 2 ** 31 })), { minLength: n, maxLength: n }),
          fc.float32Array({ min: -box, max: box, noNaN: true, minLength: n * D, maxLength: n * D }),
          async (t, prev) => {
            const worst = await worstErrors(c.cpu, c.gpu, t, prev);
            expect(worst.step, 'step').toBeLessThan(rtol);
            expect(worst.diagonal, 'diagonal').toBeLessThan(rtol);
            expect(worst.jacobian, 'jacobian').toBeLessThan(rtol);
          },
        ),
        { numRuns: 4 },
      );
    });
  }

  it('D = 40: step, diagonal and jacobian still match', async () => {
    for (const c of [
      pair('gru', gru, twins.gru, { dim: 40, inputDim: 2, seed: 5, inputs: sines(3, 2) }, 3, 3),
      pair('lorenz96', lorenz96, twins.lorenz96, { dim: 40 }, 10),
      pair('mean-field', meanFieldRnn, twins.meanFieldRnn, { dim: 40, g: 1.2, seed: 4 }, 4),
    ]) {
      const t = [1, 2, 3, 4, 1000];
      const prev = Float32Array.from({ length: t.length * 40 }, (_, i) => c.box * Math.sin(0.37 * i * i + 0.1));
      const worst = await worstErrors(c.cpu, c.gpu, t, prev);
      expect(Math.max(worst.step, worst.diagonal, worst.jacobian), c.name).toBeLessThan(rtol);
    }
  });
});

describe('twins: langevin noise', () => {
  it('seeded noise is counterNormal(seed, t, i) to f32 accuracy, for any seed and t up to 2³² − 1', async () => {
    // At s = 0 the two-well gradient vanishes and ε = 1/2 makes √(2ε) = 1: the step is ξ_t
    // itself. Its f32 error comes from rounding the two 32-bit uniforms to 24 bits (an
    // angle error ≲ 2e-7 times the radius ≤ 6.7) and from log/sqrt/cos (≲ 1e-6 relative):
    // 4e-6 (1 + |ξ|) bounds it on any GPU while a wrong hash or transform is off by O(1).
    const D = 16;
    const n = 256;
    for (const seed of [0, 1, -1, 0xdeadbeef, 2 ** 32 - 1]) {
      const params = { potential: twoWell(D), stepSize: 0.5, seed };
      const cpu = langevin(params);
      const t = Array.from({ length: n }, (_, k) => (k < 8 ? [1, 2, 3, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1, 65536][k] ?? 1 : 1 + ((k * 2654435761) % (2 ** 32 - 1))));
      const ev = await rt.evaluate(twins.langevin(params), { t, prev: new Float32Array(n * D) });
      const xi = new Float64Array(D);
      let worst = 0;
      for (let k = 0; k < n; k++) {
        cpu.step(t[k] ?? 1, new Float64Array(D), 0, xi, 0);
        for (let i = 0; i < D; i++) worst = Math.max(worst, Math.abs((ev.step[k * D + i] ?? NaN) - (xi[i] ?? NaN)) / (1 + Math.abs(xi[i] ?? 0)));
      }
      expect(worst, `seed ${seed}`).toBeLessThan(4e-6);
    }
    // A fractional seed: the twin does what the CPU system does (refuse it, or accept it).
    const fractional = { potential: twoWell(2), stepSize: 0.5, seed: 123.75 };
    let cpuError: unknown;
    try {
      langevin(fractional);
    } catch (e) {
      cpuError = e;
    }
    if (cpuError instanceof Error) expect(() => twins.langevin(fractional)).toThrow(cpuError.message);
    else expect(twins.langevin(fractional).dim).toBe(2);
  });

  it('explicit noise rows are read as row t − 1 and are zero past the last row', async () => {
    const noise = [[1, -2], [0.5, 3]];
    const params = { potential: twoWell(2), stepSize: 0.125, noise };
    const ev = await rt.evaluate(twins.langevin(params), { t: [1, 2, 3, 1000], prev: new Float32Array(8) });
    const scale = Math.sqrt(0.25);
    expect(Array.from(ev.step, (x) => x + 0)).toEqual(Array.from(Float32Array.from([1, -2, 0.5, 3, 0, 0, 0, 0], (x) => scale * x)));
  });
});

describe('twins: params and errors', () => {
  it('take the CPU systems’ names and pack the numbers the WGSL reads', () => {
    const p = { dim: 4, inputDim: 2, seed: 1, inputs: sines(3, 2) };
    const dyn = twins.gru(p);
    expect(dyn.name).toBe(gru(p).name);
    expect(dyn.params).toHaveLength(3 * 4 * 2 + 3 * 16 + 6 * 4 + 3 * 2);
    expect(dyn.params[0]).toBe(Math.fround(gru(p).weights.Wir[0]));
    expect(twins.meanFieldRnn({ dim: 3, g: 1, seed: 2 }).params).toEqual(Float32Array.from(meanFieldRnn({ dim: 3, g: 1, seed: 2 }).weights));
    expect(Array.from(twins.lorenz96({ dim: 5 }).params)).toEqual(Array.from(Float32Array.from([8, 0.01, 0.005, 0.01 / 6])));
    expect(twins.langevin({ potential: twoWell(2), stepSize: 0.5 }).params).toEqual(Float32Array.from([0.5, 1]));
    for (const dyn of [twins.gru(p), twins.meanFieldRnn({ dim: 3, g: 1, seed: 2 }), twins.langevin({ potential: mixture, stepSize: 0.1 }), twins.lorenz96({ dim: 4 })]) {
      expect(dyn.hasJacobian).toBe(true);
      expect(dyn.wgsl).not.toMatch(/\bunroll_/);
    }
  });

  it('an unsupported potential is UNSUPPORTED, naming the supported ones', () => {
    const quadratic: Potential = {
      dim: 2,
      name: 'quadratic',
      params: { kind: 'quadratic' },
      value: (x, o) => 0.5 * ((x[o] ?? 0) ** 2 + (x[o + 1] ?? 0) ** 2),
      gradient(x, o, out, oo) {
        out[oo] = x[o] ?? 0;
        out[oo + 1] = x[o + 1] ?? 0;
      },
      hessian(_x, _o, out, oo) {
        out.set([1, 0, 0, 1], oo);
      },
    };
    const attempt = () => twins.langevin({ potential: quadratic, stepSize: 0.1 });
    expect(attempt).toThrow(UnrollError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }) as Error);
    expect(attempt).toThrow(/two-well.*gaussian-mixture/);
    const malformed: Potential = { ...quadratic, params: { kind: 'gaussian-mixture', means: 'none' } };
    expect(() => twins.langevin({ potential: malformed, stepSize: 0.1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
  });

  it('bad dimensions and parameters are refused as by the CPU systems', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof UnrollError ? e.code : 'not an UnrollError';
      }
      return undefined;
    };
    expect(code(() => twins.lorenz96({ dim: 3 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => twins.lorenz96({ dim: 8, dt: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => twins.gru({ dim: 0, inputDim: 1, seed: 1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => twins.gru({ dim: 2.5, inputDim: 1, seed: 1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => twins.gru({ dim: 3, inputDim: 2, seed: 1, inputs: [[1, 2, 3]] }))).toBe('DIMENSION_MISMATCH');
    expect(code(() => twins.meanFieldRnn({ dim: -1, g: 1, seed: 1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => twins.meanFieldRnn({ dim: 4, g: 1, seed: 1, inputs: new Float64Array(6) }))).toBe('LENGTH_MISMATCH');
    expect(code(() => twins.langevin({ potential: twoWell(2), stepSize: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => twins.langevin({ potential: twoWell(2), stepSize: 0.1, noise: [[1, 2, 3]] }))).toBe('DIMENSION_MISMATCH');
  });
});
