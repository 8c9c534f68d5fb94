import { defineDynamics, type Dynamics } from '@unroll/linearize';
import { mulberry32 } from '@unroll/scan';
import { scaleElk, sequentialRollout, solve as cpuSolve } from '@unroll/solvers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpuRuntime, type GpuMethod, type GpuRuntime } from './index.js';

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});

/**
 * s_t = W tanh(s_{t−1}) + u_t with per-step inputs, written once: one Dynamics with its
 * TypeScript (float64, for the reference rollout) and its WGSL (for the GPU), both from
 * the float32-rounded W and U.
 */
function tanhNetwork(D: number, T: number, gain: number, seed: number): Dynamics {
  const next = mulberry32(seed);
  const u01 = () => next() / 4294967296;
  const W = Float64Array.from({ length: D * D }, () => (gain * (2 * u01() - 1)) / Math.sqrt(D));
  const U = Float64Array.from({ length: T * D }, () => 2 * u01() - 1);
  const Wf = Float32Array.from(W), Uf = Float32Array.from(U);
  return defineDynamics({
    dim: D,
    name: 'tanh network',
    step(t, s, so, out, oo) {
      for (let i = 0; i < D; i++) {
        let acc = t <= T ? (Uf[(t - 1) * D + i] ?? 0) : 0;
        for (let j = 0; j < D; j++) acc += (Wf[i * D + j] ?? 0) * Math.tanh(s[so + j] ?? 0);
        out[oo + i] = acc;
      }
    },
    wgsl: {
      params: [...Wf, ...Uf],
      source: `
const STEPS: u32 = ${T}u;
fn input(t: u32, i: u32) -> f32 { return select(0.0, params[D * D + (t - 1u) * D + i], t <= STEPS); }
fn step(t: u32, s: State) -> State {
  var out: State;
  for (var i = 0u; i < D; i++) {
    var acc = input(t, i);
    for (var j = 0u; j < D; j++) { acc += params[i * D + j] * tanh(s[j]); }
    out[i] = acc;
  }
  return out;
}
fn jacobian(t: u32, s: State) -> Jacobian {
  var J: Jacobian;
  for (var i = 0u; i < D; i++) {
    for (var j = 0u; j < D; j++) { let c = tanh(s[j]); J[i * D + j] = params[i * D + j] * (1.0 - c * c); }
  }
  return J;
}
fn diagonal(t: u32, s: State) -> State {
  var a: State;
  for (var i = 0u; i < D; i++) { let c = tanh(s[i]); a[i] = params[i * D + i] * (1.0 - c * c); }
  return a;
}`,
    },
  });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return Number.isNaN(w) ? Infinity : w;
}

const methods: GpuMethod[] = ['deer', 'quasi-deer', 'picard', 'jacobi', 'clip-elk', 'scale-elk'];

describe('runtime.solve converges to the sequential rollout', () => {
  it('every method, a contractive network, T ∈ {1, 37, 250}, batches of 1 and 3', async () => {
    for (const T of [1, 37, 250]) {
      for (const S of [1, 3]) {
        const dyn = tanhNetwork(4, T, 0.8, T + S);
        const s0 = Float64Array.from({ length: S * 4 }, (_, i) => Math.sin(i + 1));
        const ref = new Float64Array(S * T * 4);
        for (let q = 0; q < S; q++) ref.set(sequentialRollout(dyn, s0.slice(q * 4, q * 4 + 4), T, new Float64Array(T * 4)), q * T * 4);
        for (const method of [...methods, 'sequential' as const]) {
          const r = await rt.solve(dyn, s0, T, { method: method === 'scale-elk' ? scaleElk({ k: 0.3 }) : method });
          expect(r.converged, `${method} T=${T} S=${S}`).toBe(true);
          expect(r.sequences).toBe(S);
          // f32 evaluation of f vs float64: contraction keeps the rollout's error at a few ulps of O(1) states.
          expect(maxAbsDiff(r.states, ref), `${method} T=${T} S=${S}`).toBeLessThan(2e-5);
          expect(r.iterations).toBeLessThanOrEqual(T);
        }
      }
    }
  });

  it('iteration counts follow the CPU solver on the same problem', async () => {
    const T = 300;
    const dyn = tanhNetwork(3, T, 0.9, 5);
    const s0 = [0.3, -0.2, 0.5];
    for (const method of methods) {
      const g = await rt.solve(dyn, s0, T, { method: method === 'scale-elk' ? scaleElk({ k: 0.3 }) : method, tol: 1e-5 });
      const c = cpuSolve(dyn, s0, T, { method: method === 'scale-elk' ? scaleElk({ k: 0.3 }) : method, tol: 1e-5, dtype: 'float32' });
      // f32 rounding moves the last delta across tol at most an iteration or two.
      expect(Math.abs(g.iterations - c.iterations), `${method}: gpu ${g.iterations} cpu ${c.iterations}`).toBeLessThanOrEqual(2);
      expect(g.trace.delta).toHaveLength(g.iterations);
    }
  });

  it('property: random networks, methods and sizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom(...methods), fc.integer(), async (D, T, S, method, seed) => {
        const dyn = tanhNetwork(D, T, 0.7, seed);
        const next = mulberry32(seed);
        const s0 = Float64Array.from({ length: S * D }, () => next() / 4294967296 - 0.5);
        // Picard reaches T iterations here, where the verdict asks max |r| ≤ tol itself; its
        // Ã = I makes the scan a float32 prefix sum over up to 300 steps, whose rounding
        // (and, with the chained scan, its order) puts the residual near the float32
        // default 1e-5 — so Picard is held to 1e-4, and every method to the rollout below.
        const r = await rt.solve(dyn, s0, T, { method: method === 'scale-elk' ? scaleElk({ k: 0.5 }) : method, ...(method === 'picard' ? { tol: 1e-4 } : {}) });
        expect(r.converged, `${method} D=${D} T=${T} S=${S} seed=${seed}`).toBe(true);
        for (let q = 0; q < S; q++) {
          const ref = sequentialRollout(dyn, s0.slice(q * D, (q + 1) * D), T, new Float64Array(T * D));
          expect(maxAbsDiff(r.states.slice(q * T * D, (q + 1) * T * D), ref)).toBeLessThan(2e-5);
        }
      }),
      { numRuns: 20 },
    );
  });
});
