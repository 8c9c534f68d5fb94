import { defineDynamics, wgslDeclares, type DefinedDynamics } from '@unroll/linearize';
import { UnrollError } from '@unroll/scan';
import { gaussianMixture, gru, henonMap, langevin, logisticMap, lorenz63, lorenz96, meanFieldRnn, rossler, twoWell, type GruWeights, type Potential } from '@unroll/systems';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpuDynamicsOf } from './gpu-dynamics.js';
import { createGpuRuntime, type GpuRuntime } from './index.js';

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});

// Each system's WGSL (f32, on the device) against its own TypeScript (float64), through the
// one object both backends take. Each output is a short chain of f32 operations (≤ a few
// dozen roundings of 6e-8, plus the few-ulp built-in exp/tanh/log WGSL allows), so its
// error is ~1e-7–1e-6 of the magnitudes it is built from; 1e-5 of those magnitudes leaves a
// wide margin on any GPU while a wrong formula, index or input row shows up at O(1e-2) or
// more. The magnitude of a point's step is 1 + max|s| + max|f(s)| (every term of these maps
// is bounded by the state or the result), that of its Jacobian and diagonal 1 + max|J|.
const rtol = 1e-5;

const maxAbs = (a: ArrayLike<number>, o: number, n: number): number => {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[o + i] ?? NaN));
  return m;
};

/**
 * Largest |gpu − cpu| / magnitude over the points; NaN anywhere makes it Infinity. Where the
 * WGSL defines `vjp`, it is evaluated at vectors v_k and held to v_kᵀ J of the TypeScript
 * Jacobian (magnitude 1 + max|J|·max|v|); `vjp` is 0 where it is not defined.
 */
async function worstErrors(dyn: DefinedDynamics, t: readonly number[], prev: Float32Array): Promise<{ step: number; diagonal: number; jacobian: number; vjp: number }> {
  const D = dyn.dim;
  const n = t.length;
  const withVjp = wgslDeclares(dyn.wgsl?.source ?? '', 'vjp');
  const v = Float32Array.from({ length: n * D }, (_, i) => Math.sin(2.3 * i + (prev[i] ?? 0)));
  const ev = await rt.evaluate(dyn, withVjp ? { t, prev, v } : { t, prev });
  expect(ev.step).toHaveLength(n * D);
  expect(ev.diagonal).toHaveLength(n * D);
  const jac = ev.jacobian;
  if (jac === undefined) throw new Error(`${dyn.name ?? ''}: evaluate returned no Jacobian`);
  expect(jac).toHaveLength(n * D * D);
  const s = Float64Array.from(prev); // the exact f32 states the GPU saw
  const f = new Float64Array(D), d = new Float64Array(D), J = new Float64Array(D * D);
  const worst = { step: 0, diagonal: 0, jacobian: 0, vjp: 0 };
  const vjp = ev.vjp;
  if (withVjp !== (vjp !== undefined)) throw new Error(`${dyn.name ?? ''}: vjp ${withVjp ? 'missing from' : 'unexpected in'} the evaluation`);
  const err = (g: number | undefined, c: number | undefined, scale: number) => {
    const e = Math.abs((g ?? NaN) - (c ?? NaN)) / scale;
    return Number.isNaN(e) ? Infinity : e;
  };
  for (let k = 0; k < n; k++) {
    const tk = t[k] ?? 1;
    dyn.step(tk, s, k * D, f, 0);
    dyn.diagonal(tk, s, k * D, d, 0);
    dyn.jacobian(tk, s, k * D, J, 0);
    const stepScale = 1 + maxAbs(s, k * D, D) + maxAbs(f, 0, D);
    const jacScale = 1 + maxAbs(J, 0, D * D);
    for (let i = 0; i < D; i++) {
      worst.step = Math.max(worst.step, err(ev.step[k * D + i], f[i], stepScale));
      worst.diagonal = Math.max(worst.diagonal, err(ev.diagonal[k * D + i], d[i], jacScale));
    }
    for (let i = 0; i < D * D; i++) worst.jacobian = Math.max(worst.jacobian, err(jac[k * D * D + i], J[i], jacScale));
    if (vjp !== undefined) {
      const vjpScale = 1 + maxAbs(J, 0, D * D) * maxAbs(v, k * D, D);
      for (let j = 0; j < D; j++) {
        let want = 0;
        for (let i = 0; i < D; i++) want += (v[k * D + i] ?? NaN) * (J[i * D + j] ?? NaN);
        worst.vjp = Math.max(worst.vjp, err(vjp[k * D + j], want, vjpScale));
      }
    }
  }
  return worst;
}

interface Case {
  readonly name: string;
  readonly dyn: DefinedDynamics;
  /** States are drawn uniformly in [−box, box]. */
  readonly box: number;
  /** Rows of inputs/noise (0 if none): t is drawn in 1 … rows + 3, and also anywhere up to 2³¹. */
  readonly rows: number;
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

/** The WGSL of {@link logCosh}: params `[c, a_1 … a_D]`. */
const logCoshWgsl = (a: readonly number[], c: number) => ({
  params: Float32Array.from([c, ...a]),
  source: `
fn potential_gradient(x: State) -> State {
  var g: State;
  for (var i = 0u; i < D; i++) { g[i] = params[1u + i] * (tanh(x[i]) + params[0] * x[i]); }
  return g;
}
fn potential_hessian_diagonal(x: State) -> State {
  var h: State;
  for (var i = 0u; i < D; i++) { let c = tanh(x[i]); h[i] = params[1u + i] * (1.0 - c * c + params[0]); }
  return h;
}`,
});

/**
 * A potential of a user's own, with its WGSL: φ(x) = Σ_i a_i (log cosh x_i + ½ c x_i²), so
 * ∇φ = a ⊙ (tanh x + c x), ∇²φ = diag(a ⊙ (1 − tanh² x + c)). No potential_hessian: the
 * langevin system then has no jacobian in WGSL, and its diagonal is checked alone.
 */
const logCosh = (a: readonly number[], c: number, withWgsl = true): Potential => ({
  dim: a.length,
  name: 'log-cosh',
  params: { kind: 'log-cosh', a, c },
  value: (x, o) => a.reduce((v, ai, i) => v + ai * (Math.log(Math.cosh(x[o + i])) + 0.5 * c * x[o + i] ** 2), 0),
  gradient(x, o, out, oo) {
    for (let i = 0; i < a.length; i++) out[oo + i] = (a[i] ?? 0) * (Math.tanh(x[o + i]) + c * x[o + i]);
  },
  hessian(x, o, out, oo) {
    out.fill(0, oo, oo + a.length * a.length);
    for (let i = 0; i < a.length; i++) out[oo + i * a.length + i] = (a[i] ?? 0) * (1 - Math.tanh(x[o + i]) ** 2 + c);
  },
  ...(withWgsl ? { wgsl: logCoshWgsl(a, c) } : {}),
});


const cases: Case[] = [
  { name: 'gru, seeded weights, no inputs', dyn: gru({ dim: 6, inputDim: 0, seed: 3 }), box: 3, rows: 0 },
  { name: 'gru, seeded weights, 12 rows of inputs', dyn: gru({ dim: 5, inputDim: 3, seed: 8, inputs: sines(12, 3) }), box: 3, rows: 12 },
  { name: 'gru, explicit saturating weights, flat Float64Array inputs', dyn: gru({ dim: 5, inputDim: 3, weights: strongWeights, inputs: Float64Array.from(sines(9, 3, 0.4).flat()) }), box: 3, rows: 9 },
  { name: 'mean-field rnn, g = 1.5, 10 rows of inputs', dyn: meanFieldRnn({ dim: 8, g: 1.5, seed: 3, inputs: sines(10, 8) }), box: 4, rows: 10 },
  { name: 'mean-field rnn, g = 0.5, flat Float32Array inputs', dyn: meanFieldRnn({ dim: 6, g: 0.5, seed: 11, inputs: Float32Array.from(sines(5, 6, 1).flat()) }), box: 4, rows: 5 },
  { name: 'langevin, 2-D mixture, seeded noise', dyn: langevin({ potential: mixture, stepSize: 0.05, seed: 2 }), box: 3, rows: 0 },
  { name: 'langevin, 3-D mixture of 3, explicit noise', dyn: langevin({ potential: mixture3, stepSize: 0.02, noise: sines(7, 3, 0.2) }), box: 3, rows: 7 },
  { name: 'langevin, two-well, seeded noise', dyn: langevin({ potential: twoWell(4), stepSize: 0.01, seed: 1 }), box: 2, rows: 0 },
  { name: 'langevin, two-well, explicit flat noise', dyn: langevin({ potential: twoWell(3), stepSize: 0.05, noise: Float64Array.from(sines(6, 3).flat()) }), box: 2, rows: 6 },
  { name: 'lorenz96 euler, F = 8, D = 6', dyn: lorenz96({ dim: 6, integrator: 'euler' }), box: 10, rows: 0 },
  { name: 'lorenz96 rk4 (default), F = 8, D = 9', dyn: lorenz96({ dim: 9 }), box: 10, rows: 0 },
  { name: 'lorenz96 rk4, F = 8, D = 16 (no wrap-around in the tangent window)', dyn: lorenz96({ dim: 16, forcing: 8 }), box: 10, rows: 0 },
  { name: 'lorenz96 rk4, F = 0.5, dt = 0.05, D = 4 (smallest ring)', dyn: lorenz96({ dim: 4, forcing: 0.5, dt: 0.05, integrator: 'rk4' }), box: 2, rows: 0 },
  { name: 'lorenz96 euler, F = 0.5, D = 5', dyn: lorenz96({ dim: 5, forcing: 0.5, integrator: 'euler' }), box: 2, rows: 0 },
  { name: 'lorenz63 rk4 (default)', dyn: lorenz63(), box: 20, rows: 0 },
  { name: 'lorenz63 euler, dt = 0.005, ρ = 15', dyn: lorenz63({ integrator: 'euler', dt: 0.005, rho: 15 }), box: 20, rows: 0 },
  { name: 'rossler rk4 (default)', dyn: rossler(), box: 8, rows: 0 },
  { name: 'rossler euler, dt = 0.02', dyn: rossler({ integrator: 'euler', dt: 0.02 }), box: 8, rows: 0 },
  { name: 'logistic map, r = 3.7', dyn: logisticMap({ r: 3.7 }), box: 1, rows: 0 },
  { name: 'hénon map (1.4, 0.3)', dyn: henonMap(), box: 1.5, rows: 0 },
];

describe("systems' WGSL matches their TypeScript point by point (step, diagonal, jacobian, and vjp where defined)", () => {
  const n = 24;
  for (const c of cases) {
    it(c.name, async () => {
      const D = c.dyn.dim;
      expect(gpuDynamicsOf('test', c.dyn).hasJacobian).toBe(true);
      const box = Math.fround(c.box);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(fc.integer({ min: 1, max: c.rows + 3 }), fc.integer({ min: 1, max: 2 ** 31 })), { minLength: n, maxLength: n }),
          fc.float32Array({ min: -box, max: box, noNaN: true, minLength: n * D, maxLength: n * D }),
          async (t, prev) => {
            const worst = await worstErrors(c.dyn, t, prev);
            expect(worst.step, 'step').toBeLessThan(rtol);
            expect(worst.diagonal, 'diagonal').toBeLessThan(rtol);
            expect(worst.jacobian, 'jacobian').toBeLessThan(rtol);
            expect(worst.vjp, 'vjp').toBeLessThan(rtol);
          },
        ),
        { numRuns: 4 },
      );
    });
  }

  it('D = 40: step, diagonal and jacobian still match', async () => {
    for (const c of [
      { name: 'gru', dyn: gru({ dim: 40, inputDim: 2, seed: 5, inputs: sines(3, 2) }), box: 3 },
      { name: 'lorenz96', dyn: lorenz96({ dim: 40 }), box: 10 },
      { name: 'mean-field', dyn: meanFieldRnn({ dim: 40, g: 1.2, seed: 4 }), box: 4 },
    ]) {
      const t = [1, 2, 3, 4, 1000];
      const prev = Float32Array.from({ length: t.length * 40 }, (_, i) => c.box * Math.sin(0.37 * i * i + 0.1));
      const worst = await worstErrors(c.dyn, t, prev);
      expect(Math.max(worst.step, worst.diagonal, worst.jacobian, worst.vjp), c.name).toBeLessThan(rtol);
    }
  });

  it("langevin over a user's own potential with WGSL (no potential_hessian): step and diagonal match, no jacobian", async () => {
    const a = [0.5, 2, 1.25];
    const dyn = langevin({ potential: logCosh(a, 0.3), stepSize: 0.05, seed: 9 });
    expect(gpuDynamicsOf('test', dyn).hasJacobian).toBe(false);
    const n = 32, D = a.length;
    const t = Array.from({ length: n }, (_, k) => 1 + k * 977);
    const prev = Float32Array.from({ length: n * D }, (_, i) => 3 * Math.sin(1.7 * i + 0.2));
    const ev = await rt.evaluate(dyn, { t, prev });
    expect(ev.jacobian).toBeUndefined();
    const s = Float64Array.from(prev), f = new Float64Array(D), d = new Float64Array(D);
    let worst = 0;
    for (let k = 0; k < n; k++) {
      dyn.step(t[k] ?? 1, s, k * D, f, 0);
      dyn.diagonal(t[k] ?? 1, s, k * D, d, 0);
      const scale = 1 + maxAbs(s, k * D, D) + maxAbs(f, 0, D);
      for (let i = 0; i < D; i++) {
        worst = Math.max(worst, Math.abs((ev.step[k * D + i] ?? NaN) - (f[i] ?? NaN)) / scale);
        worst = Math.max(worst, Math.abs((ev.diagonal[k * D + i] ?? NaN) - (d[i] ?? NaN)) / (1 + Math.abs(d[i] ?? 0)));
      }
    }
    expect(worst).toBeLessThan(rtol);
  });
});

describe('langevin noise in WGSL', () => {
  it('seeded noise is counterNormal(seed, t, i) to f32 accuracy, for any seed and t up to 2³² − 1', async () => {
    // At s = 0 the two-well gradient vanishes and ε = 1/2 makes √(2ε) = 1: the step is ξ_t
    // itself. Its f32 error comes from rounding the two 32-bit uniforms to 24 bits (an
    // angle error ≲ 2e-7 times the radius ≤ 6.7) and from log/sqrt/cos (≲ 1e-6 relative):
    // 4e-6 (1 + |ξ|) bounds it on any GPU while a wrong hash or transform is off by O(1).
    const D = 16;
    const n = 256;
    for (const seed of [0, 1, -1, 0xdeadbeef, 2 ** 32 - 1]) {
      const dyn = langevin({ potential: twoWell(D), stepSize: 0.5, seed });
      const t = Array.from({ length: n }, (_, k) => (k < 8 ? [1, 2, 3, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1, 65536][k] ?? 1 : 1 + ((k * 2654435761) % (2 ** 32 - 1))));
      const ev = await rt.evaluate(dyn, { t, prev: new Float32Array(n * D) });
      const xi = new Float64Array(D);
      let worst = 0;
      for (let k = 0; k < n; k++) {
        dyn.step(t[k] ?? 1, new Float64Array(D), 0, xi, 0);
        for (let i = 0; i < D; i++) worst = Math.max(worst, Math.abs((ev.step[k * D + i] ?? NaN) - (xi[i] ?? NaN)) / (1 + Math.abs(xi[i] ?? 0)));
      }
      expect(worst, `seed ${seed}`).toBeLessThan(4e-6);
    }
  });

  it('explicit noise rows are read as row t − 1 and are zero past the last row', async () => {
    const noise = [[1, -2], [0.5, 3]];
    const ev = await rt.evaluate(langevin({ potential: twoWell(2), stepSize: 0.125, noise }), { t: [1, 2, 3, 1000], prev: new Float32Array(8) });
    const scale = Math.sqrt(0.25);
    expect(Array.from(ev.step, (x) => x + 0)).toEqual(Array.from(Float32Array.from([1, -2, 0.5, 3, 0, 0, 0, 0], (x) => scale * x)));
  });
});

describe('gpuDynamicsOf: one door for Dynamics that carry WGSL and for defineGpuDynamics objects', () => {
  it("takes a system's name, dim, WGSL source and float32 params as they are", () => {
    const cpu = gru({ dim: 4, inputDim: 2, seed: 1, inputs: sines(3, 2) });
    const g = gpuDynamicsOf('solve', cpu);
    expect(g.name).toBe(cpu.name);
    expect(g.dim).toBe(4);
    expect(g.wgsl).toBe(cpu.wgsl?.source);
    expect(Array.from(g.params)).toEqual(Array.from(cpu.wgsl?.params ?? []));
    expect(g.params).toHaveLength(3 * 4 * 2 + 3 * 16 + 6 * 4 + 3 * 2);
    expect(g.params[0]).toBe(Math.fround(cpu.weights.Wir[0]));
    expect(Object.isFrozen(g)).toBe(true);
    // GPU dynamics from defineGpuDynamics pass through unchanged.
    expect(gpuDynamicsOf('solve', g)).toBe(g);
  });

  it('refuses a Dynamics without wgsl as UNSUPPORTED, naming the capability and how to add it', () => {
    const noWgsl = langevin({ potential: logCosh([1], 0, false), stepSize: 0.1 });
    const attempt = () => gpuDynamicsOf('solve', noWgsl);
    expect(attempt).toThrow(UnrollError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }) as Error);
    expect(attempt).toThrow(/solve: 'langevin\(log-cosh, ε=0.1\)' has no `wgsl` capability.*wgsl: \{ source, params \}.*fn step\(t: u32, s: State\) -> State.*fn diagonal.*its potential does/);
    expect(() => gpuDynamicsOf('evaluate', { dim: 1, step: () => undefined })).toThrow(/evaluate: the dynamics has no `wgsl` capability/);
  });

  it('checks a wgsl attached by hand as defineDynamics does, and D against the GPU limit', () => {
    const step = () => undefined;
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return e instanceof UnrollError ? `${e.code}: ${e.message}` : 'not an UnrollError';
      }
      return 'no error';
    };
    expect(code(() => gpuDynamicsOf('solve', { dim: 1, step, wgsl: { source: 'fn step(t: u32, s: State) -> State { return s; }' } }))).toMatch(/^INVALID_ARGUMENT: solve\(dynamics\): wgsl.source does not define `diagonal`/);
    expect(code(() => gpuDynamicsOf('solve', { dim: 1, name: 'mine', step, wgsl: { source: 'fn step() {} fn diagonal() {} fn unroll_f() {}' } }))).toMatch(/^INVALID_ARGUMENT: solve\(mine\): .*'unroll_f'/);
    expect(code(() => gpuDynamicsOf('solve', { dim: 1, step, wgsl: { source: 'fn step() {} fn diagonal() {}', params: [1e39] } }))).toMatch(/^NON_FINITE: .*wgsl.params\[0\]/);
    expect(code(() => gpuDynamicsOf('solve', { dim: 4096, step, wgsl: { source: 'fn step() {} fn diagonal() {}' } }))).toMatch(/^INVALID_ARGUMENT: solve: dynamics.dim must be at most 2048/);
    expect(code(() => gpuDynamicsOf('solve', 'gru'))).toMatch(/^INVALID_ARGUMENT: solve: dynamics must be a Dynamics that carries wgsl/);
  });
});

describe("rt.evaluate of a dynamics' vjp", () => {
  // s_t = W tanh(s_{t−1}) with J_ij = W_ij (1 − tanh² s_j), so (vᵀJ)_j = (Σ_i v_i W_ij)(1 − tanh² s_j).
  const D = 3;
  const W = [0.5, -0.3, 0.8, 0.1, 0.9, -0.6, -0.2, 0.4, 0.7];
  const Wf = Float32Array.from(W);
  const source = (vjp: string) => `
fn step(t: u32, s: State) -> State {
  var x = s;
  var out: State;
  for (var i = 0u; i < D; i++) { var acc = 0.0; for (var j = 0u; j < D; j++) { acc += params[i * D + j] * tanh(x[j]); } out[i] = acc; }
  return out;
}
fn diagonal(t: u32, s: State) -> State {
  var x = s;
  var out: State;
  for (var i = 0u; i < D; i++) { let c = tanh(x[i]); out[i] = params[i * D + i] * (1.0 - c * c); }
  return out;
}
${vjp}`;
  const vjp = `
fn vjp(t: u32, s: State, v: State) -> State {
  var x = s;
  var w = v;
  var out: State;
  for (var j = 0u; j < D; j++) {
    var acc = 0.0;
    for (var i = 0u; i < D; i++) { acc += w[i] * params[i * D + j]; }
    let c = tanh(x[j]);
    out[j] = acc * (1.0 - c * c);
  }
  return out;
}`;
  const make = (wgslSource: string) =>
    defineDynamics({
      dim: D,
      name: 'tanh net',
      step(_t, s, so, out, oo) {
        for (let i = 0; i < D; i++) {
          let acc = 0;
          for (let j = 0; j < D; j++) acc += (Wf[i * D + j] ?? 0) * Math.tanh(s[so + j]);
          out[oo + i] = acc;
        }
      },
      jacobian(_t, s, so, out, oo) {
        for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) out[oo + i * D + j] = (Wf[i * D + j] ?? 0) * (1 - Math.tanh(s[so + j]) ** 2);
      },
      wgsl: { source: wgslSource, params: W },
    });

  it('vjp matches vᵀ J of the TypeScript Jacobian at random points, and compile type-checks it', async () => {
    const dyn = make(source(vjp));
    await rt.compile(dyn);
    const n = 40;
    const prev = Float32Array.from({ length: n * D }, (_, i) => 2.5 * Math.sin(1.3 * i + 0.4));
    const v = Float32Array.from({ length: n * D }, (_, i) => Math.cos(0.7 * i * i));
    const t = Array.from({ length: n }, (_, k) => k + 1);
    const ev = await rt.evaluate(dyn, { t, prev, v });
    const got = ev.vjp;
    if (got === undefined) throw new Error('evaluate returned no vjp');
    expect(got).toHaveLength(n * D);
    const s = Float64Array.from(prev), J = new Float64Array(D * D);
    let worst = 0;
    for (let k = 0; k < n; k++) {
      dyn.jacobian(k + 1, s, k * D, J, 0);
      for (let j = 0; j < D; j++) {
        let want = 0;
        for (let i = 0; i < D; i++) want += (v[k * D + i] ?? NaN) * (J[i * D + j] ?? NaN);
        worst = Math.max(worst, Math.abs((got[k * D + j] ?? NaN) - want) / (1 + maxAbs(J, 0, D * D) * maxAbs(v, k * D, D)));
      }
    }
    expect(worst).toBeLessThan(rtol);
    // Without v there is no vjp in the result.
    expect((await rt.evaluate(dyn, { t, prev })).vjp).toBeUndefined();
  });

  it('a vjp of the wrong signature is SHADER_COMPILE at compile; v without vjp is UNSUPPORTED, v of the wrong length DIMENSION_MISMATCH', async () => {
    const wrong = make(source('fn vjp(t: u32, s: State) -> State { return s; }'));
    await expect(rt.compile(wrong)).rejects.toMatchObject({ code: 'SHADER_COMPILE' });
    const noVjp = make(source(''));
    await expect(rt.evaluate(noVjp, { t: [1], prev: [0, 0, 0], v: [1, 0, 0] })).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/defines no `fn vjp\(t: u32, s: State, v: State\) -> State`/) as unknown });
    await expect(rt.evaluate(make(source(vjp)), { t: [1], prev: [0, 0, 0], v: [1, 0] })).rejects.toMatchObject({ code: 'DIMENSION_MISMATCH' });
    expect(rt.liveBuffers).toBe(0);
  });
});
