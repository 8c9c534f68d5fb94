// The GRU's parameter VJP (vjpParams) against central finite differences of `step` with
// one weight moved at a time — an independent computation — and, end to end, `gradient`'s
// dL/dθ over a whole trajectory against finite differences of the loss.
import { gradient, sequentialRollout, solve } from '@unroll/solvers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gru, type GruWeights } from './index.js';

const names = ['Wir', 'Wiz', 'Win', 'Whr', 'Whz', 'Whn', 'bir', 'biz', 'bin', 'bhr', 'bhz', 'bhn'] as const;

/** The weights with θ_p moved by `by` (θ is the twelve arrays concatenated in `names` order). */
function moved(weights: Readonly<Record<keyof GruWeights, Float64Array>>, p: number, by: number): GruWeights {
  const out = {} as Record<keyof GruWeights, Float64Array>;
  let offset = 0;
  for (const k of names) {
    const a = Float64Array.from(weights[k]);
    if (p >= offset && p < offset + a.length) a[p - offset] += by;
    offset += a.length;
    out[k] = a;
  }
  return out;
}

describe('gru: parameter gradients', () => {
  it('vjpParams equals wᵀ ∂f_t/∂θ by central differences, every parameter (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 8 }), (D, I, seed, t) => {
        const inputs = I === 0 ? undefined : Array.from({ length: 5 }, (_, s) => Array.from({ length: I }, (_, q) => Math.sin(seed + 2 * s + q)));
        const params = { dim: D, inputDim: I, seed, ...(inputs === undefined ? {} : { inputs }) };
        const dyn = gru(params);
        const h = Float64Array.from({ length: D }, (_, i) => Math.cos(seed + 3 * i));
        const w = Float64Array.from({ length: D }, (_, i) => Math.sin(seed - i) + 0.5);
        const P = dyn.paramCount ?? 0;
        expect(P).toBe(3 * D * I + 3 * D * D + 6 * D);
        const got = new Float64Array(P);
        dyn.vjpParams?.(t, h, 0, w, 0, got, 0);
        const eps = 1e-6, plus = new Float64Array(D), minus = new Float64Array(D);
        for (let p = 0; p < P; p++) {
          gru({ ...params, weights: moved(dyn.weights, p, eps) }).step(t, h, 0, plus, 0);
          gru({ ...params, weights: moved(dyn.weights, p, -eps) }).step(t, h, 0, minus, 0);
          let fd = 0;
          for (let i = 0; i < D; i++) fd += (w[i] * (plus[i] - minus[i])) / (2 * eps);
          expect(Math.abs(got[p] - fd)).toBeLessThan(1e-7 * (1 + Math.abs(fd)));
        }
      }),
      { numRuns: 12 },
    );
  });

  it('gradient gives dL/dθ of a loss over the whole trajectory, as finite differences of the rollout do', () => {
    const D = 3, I = 2, T = 40;
    const inputs = Array.from({ length: T }, (_, s) => [Math.sin(0.3 * s), Math.cos(0.2 * s)]);
    const params = { dim: D, inputDim: I, seed: 5, inputs };
    const dyn = gru(params);
    const s0 = Float64Array.from([0.2, -0.1, 0.4]);
    // L = Σ_t ½‖s_t‖²: dL/ds_t = s_t.
    const loss = (states: ArrayLike<number>) => { let l = 0; for (let k = 0; k < states.length; k++) l += 0.5 * states[k] * states[k]; return l; };
    const { states } = solve(dyn, s0, T, { method: 'deer' });
    const g = gradient(dyn, s0, states, Float64Array.from(states));
    expect(g.params).toBeDefined();
    const eps = 1e-6;
    for (const p of [0, 7, 13, 20, 33, 41, 47, 50, 53, 55, 60]) {
      const up = sequentialRollout(gru({ ...params, weights: moved(dyn.weights, p, eps) }), s0, T, new Float64Array(T * D));
      const down = sequentialRollout(gru({ ...params, weights: moved(dyn.weights, p, -eps) }), s0, T, new Float64Array(T * D));
      const fd = (loss(up) - loss(down)) / (2 * eps);
      expect(Math.abs((g.params as Float64Array)[p] - fd)).toBeLessThan(1e-6 * (1 + Math.abs(fd)));
    }
  });
});
