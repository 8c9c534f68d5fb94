import type { Dynamics } from '@unroll/linearize';
import { sequentialRollout } from '@unroll/solvers';
import { gaussianMixture, gru, langevin, lorenz96, meanFieldRnn } from '@unroll/systems';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpuRuntime, twins, type GpuDynamics, type GpuMethod, type GpuRuntime } from './index.js';

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
});
afterAll(() => {
  rt.destroy();
});

interface Case {
  readonly name: string;
  readonly cpu: Dynamics;
  readonly gpu: GpuDynamics;
  readonly s0: number[];
  readonly T: number;
  /** Max |GPU − CPU rollout| allowed: f32 evaluation of f, amplified by the system's own sensitivity over T steps. */
  readonly tol: number;
}

// Predictable settings of the four twins (the case studies' regimes): every method must
// converge to the float64 sequential rollout up to f32 rounding.
const D = 4;
const inputs = Array.from({ length: 150 }, (_, t) => Array.from({ length: D }, (_, i) => 0.5 * Math.sin(0.1 * t + i)));
const mixture = gaussianMixture({ means: [[-1, 0, 0.5, 1], [1, 0.5, 0, -1]], covariances: [[[0.5, 0, 0, 0], [0, 0.5, 0, 0], [0, 0, 0.5, 0], [0, 0, 0, 0.5]], [[0.4, 0, 0, 0], [0, 0.4, 0, 0], [0, 0, 0.4, 0], [0, 0, 0, 0.4]]] });
const cases: Case[] = [
  { name: 'gru', cpu: gru({ dim: D, inputDim: 2, seed: 3, inputs: inputs.map((r) => r.slice(0, 2)) }), gpu: twins.gru({ dim: D, inputDim: 2, seed: 3, inputs: inputs.map((r) => r.slice(0, 2)) }), s0: [0.1, -0.2, 0.3, 0], T: 200, tol: 2e-5 },
  { name: 'mean-field', cpu: meanFieldRnn({ dim: D, g: 0.6, seed: 4, inputs }), gpu: twins.meanFieldRnn({ dim: D, g: 0.6, seed: 4, inputs }), s0: [0.5, -0.5, 0.2, 0.1], T: 200, tol: 2e-5 },
  { name: 'langevin', cpu: langevin({ potential: mixture, stepSize: 0.01, seed: 2 }), gpu: twins.langevin({ potential: mixture, stepSize: 0.01, seed: 2 }), s0: [0, 0, 0, 0], T: 200, tol: 1e-4 },
  { name: 'lorenz96', cpu: lorenz96({ dim: D, forcing: 0.5 }), gpu: twins.lorenz96({ dim: D, forcing: 0.5 }), s0: [1, 0.5, -0.5, 0.2], T: 200, tol: 2e-5 },
];

const methods: GpuMethod[] = ['deer', 'quasi-deer', 'picard', 'jacobi', 'clip-elk', 'scale-elk'];

describe('GPU solves of the twins converge to the CPU sequential rollout', () => {
  for (const c of cases) {
    it(`${c.name}: every method`, async () => {
      const ref = sequentialRollout(c.cpu, Float64Array.from(c.s0), c.T, new Float64Array(c.T * D));
      let scale = 1;
      for (const v of ref) scale = Math.max(scale, Math.abs(v));
      for (const method of [...methods, 'sequential' as const]) {
        // tol 1e-6: a 'delta' stop at tol leaves up to tol/(1 − ρ) to go, which slow contractions turn into 1e-5.
        const r = await rt.solve(c.gpu, c.s0, c.T, { method, tol: 1e-6, ...(method === 'scale-elk' ? { k: 0.2 } : {}) });
        expect(r.converged, `${c.name} ${method}`).toBe(true);
        let err = 0;
        for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs((r.states[i] ?? NaN) - (ref[i] ?? NaN)));
        expect(err / scale, `${c.name} ${method}: ${r.iterations} iterations`).toBeLessThan(c.tol);
      }
    });
  }
});
