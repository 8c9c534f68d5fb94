import { defineDynamics, type Dynamics } from '@unroll/linearize';
import { scaleElk, sequentialRollout } from '@unroll/solvers';
import { gaussianMixture, gru, langevin, lorenz96, meanFieldRnn } from '@unroll/systems';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpuRuntime, type GpuMethod, type GpuRuntime } from './index.js';

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});

interface Case {
  readonly name: string;
  /** The one object both backends take. */
  readonly dyn: Dynamics;
  readonly s0: number[];
  readonly T: number;
  /** Max |GPU − CPU rollout| allowed: f32 evaluation of f, amplified by the system's own sensitivity over T steps. */
  readonly tol: number;
}

/**
 * A user's own system, one object on both backends: s_t = a ⊙ tanh(s_{t−1}) + u_t with
 * u_t,i = 0.3 ((t + i) mod 7)/7, in TypeScript and in WGSL from the same numbers.
 */
function userSystem(a: readonly number[]): Dynamics {
  const D = a.length;
  return defineDynamics({
    dim: D,
    name: 'user tanh',
    step(t, s, so, out, oo) {
      for (let i = 0; i < D; i++) out[oo + i] = (a[i] ?? 0) * Math.tanh(s[so + i]) + (0.3 * ((t + i) % 7)) / 7;
    },
    diagonal(_t, s, so, out, oo) {
      for (let i = 0; i < D; i++) out[oo + i] = (a[i] ?? 0) * (1 - Math.tanh(s[so + i]) ** 2);
    },
    jacobian(_t, s, so, out, oo) {
      out.fill(0, oo, oo + D * D);
      for (let i = 0; i < D; i++) out[oo + i * D + i] = (a[i] ?? 0) * (1 - Math.tanh(s[so + i]) ** 2);
    },
    wgsl: {
      params: a,
      source: `
fn step(t: u32, s: State) -> State {
  var x = s;
  var out: State;
  for (var i = 0u; i < D; i++) { out[i] = params[i] * tanh(x[i]) + 0.3 * f32((t + i) % 7u) / 7.0; }
  return out;
}
fn diagonal(t: u32, s: State) -> State {
  var x = s;
  var out: State;
  for (var i = 0u; i < D; i++) { let c = tanh(x[i]); out[i] = params[i] * (1.0 - c * c); }
  return out;
}
fn jacobian(t: u32, s: State) -> Jacobian {
  var x = s;
  var J: Jacobian;
  for (var i = 0u; i < D; i++) { let c = tanh(x[i]); J[i * D + i] = params[i] * (1.0 - c * c); }
  return J;
}`,
    },
  });
}

// Predictable settings of the reference systems (the case studies' regimes) and a user's
// own system: every method must converge to the float64 sequential rollout up to f32 rounding.
const D = 4;
const inputs = Array.from({ length: 150 }, (_, t) => Array.from({ length: D }, (_, i) => 0.5 * Math.sin(0.1 * t + i)));
const mixture = gaussianMixture({ means: [[-1, 0, 0.5, 1], [1, 0.5, 0, -1]], covariances: [[[0.5, 0, 0, 0], [0, 0.5, 0, 0], [0, 0, 0.5, 0], [0, 0, 0, 0.5]], [[0.4, 0, 0, 0], [0, 0.4, 0, 0], [0, 0, 0.4, 0], [0, 0, 0, 0.4]]] });
const cases: Case[] = [
  { name: 'gru', dyn: gru({ dim: D, inputDim: 2, seed: 3, inputs: inputs.map((r) => r.slice(0, 2)) }), s0: [0.1, -0.2, 0.3, 0], T: 200, tol: 2e-5 },
  { name: 'mean-field', dyn: meanFieldRnn({ dim: D, g: 0.6, seed: 4, inputs }), s0: [0.5, -0.5, 0.2, 0.1], T: 200, tol: 2e-5 },
  { name: 'langevin', dyn: langevin({ potential: mixture, stepSize: 0.01, seed: 2 }), s0: [0, 0, 0, 0], T: 200, tol: 1e-4 },
  { name: 'lorenz96', dyn: lorenz96({ dim: D, forcing: 0.5 }), s0: [1, 0.5, -0.5, 0.2], T: 200, tol: 2e-5 },
  { name: "a user's defineDynamics with wgsl", dyn: userSystem([0.5, -0.7, 0.9, 0.2]), s0: [1, -1, 0.5, 0], T: 200, tol: 2e-5 },
];

const methods: GpuMethod[] = ['deer', 'quasi-deer', 'picard', 'jacobi', 'clip-elk', 'scale-elk'];

describe('GPU solves of Dynamics that carry WGSL converge to the CPU sequential rollout of the same object', () => {
  for (const c of cases) {
    it(`${c.name}: every method`, async () => {
      const ref = sequentialRollout(c.dyn, Float64Array.from(c.s0), c.T, new Float64Array(c.T * D));
      let scale = 1;
      for (const v of ref) scale = Math.max(scale, Math.abs(v));
      for (const method of [...methods, 'sequential' as const]) {
        // tol 1e-6: a 'delta' stop at tol leaves up to tol/(1 − ρ) to go, which slow contractions turn into 1e-5.
        const r = await rt.solve(c.dyn, c.s0, c.T, { method: method === 'scale-elk' ? scaleElk({ k: 0.2 }) : method, tol: 1e-6 });
        expect(r.converged, `${c.name} ${method}`).toBe(true);
        let err = 0;
        for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs((r.states[i] ?? NaN) - (ref[i] ?? NaN)));
        expect(err / scale, `${c.name} ${method}: ${r.iterations} iterations`).toBeLessThan(c.tol);
      }
    });
  }
});
