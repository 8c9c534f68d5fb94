import { linearRecurrence } from '@unroll/scan';
import { describe, expect, it } from 'vitest';
import { pairBlocks, pairStrategy } from '../test/pair-blocks.mjs';
import { checkStructureLaws, defineDynamics, defineStrategy, type Dynamics, type Strategy } from './index.js';

/**
 * Symplectic Euler for H = Σ p²/2 + V(q), V(q) = Σ (1 − cos q_k) + κ Σ q_k q_{k+1}, with the
 * state laid out as (q₁, p₁, q₂, p₂, …): p' = p − ε ∇V(q), q' = q + ε p'.
 */
function coupledPendulums(pairs: number, epsilon = 0.1, kappa = 0.05): Dynamics {
  const D = 2 * pairs;
  const grad = (q: (k: number) => number, k: number) => Math.sin(q(k)) + kappa * ((k > 0 ? q(k - 1) : 0) + (k < pairs - 1 ? q(k + 1) : 0));
  return defineDynamics({
    dim: D,
    name: 'coupled-pendulums',
    step(_t, s, so, out, oo) {
      const q = (k: number) => s[so + 2 * k];
      for (let k = 0; k < pairs; k++) {
        const p = s[so + 2 * k + 1] - epsilon * grad(q, k);
        out[oo + 2 * k + 1] = p;
        out[oo + 2 * k] = q(k) + epsilon * p;
      }
    },
    jacobian(_t, s, so, out, oo) {
      out.fill(0, oo, oo + D * D);
      for (let k = 0; k < pairs; k++) {
        const rq = 2 * k, rp = 2 * k + 1;
        // ∂p'_k/∂q_j = −ε ∂²V/∂q_k∂q_j, ∂p'_k/∂p_k = 1; q'_k = q_k + ε p'_k.
        const hess = (j: number) => (j === k ? Math.cos(s[so + 2 * k]) : Math.abs(j - k) === 1 ? kappa : 0);
        for (let j = 0; j < pairs; j++) {
          const dp = -epsilon * hess(j);
          out[oo + rp * D + 2 * j] = dp;
          out[oo + rq * D + 2 * j] = (j === k ? 1 : 0) + epsilon * dp;
        }
        out[oo + rp * D + rp] = 1;
        out[oo + rq * D + rp] = epsilon;
      }
    },
  });
}

/** A bare fixed-point loop (the solvers package will own the real one): linearize, scan, repeat. */
function iterate(dyn: Dynamics, strategy: Strategy, s0: Float64Array, T: number): { states: Float64Array; iterations: number } {
  const D = dyn.dim;
  const structure = strategy.structure(D);
  const lin = strategy.prepare(dyn);
  const A = new Float64Array(T * structure.width);
  const b = new Float64Array(T * D);
  const f = new Float64Array(D);
  const Ax = new Float64Array(D);
  let states: Float64Array = new Float64Array(T * D);
  for (let iteration = 1; iteration <= T; iteration++) {
    for (let t = 0; t < T; t++) {
      const prev = t === 0 ? s0 : states;
      const po = t === 0 ? 0 : (t - 1) * D;
      lin.fill(t + 1, prev, po, A, t * structure.width);
      dyn.step(t + 1, prev, po, f, 0);
      structure.apply(A, t * structure.width, prev, po, Ax, 0);
      for (let i = 0; i < D; i++) b[t * D + i] = f[i] - Ax[i];
    }
    const next = linearRecurrence(structure, A, b, s0) as Float64Array;
    let delta = 0;
    for (let i = 0; i < next.length; i++) delta = Math.max(delta, Math.abs(next[i] - states[i]));
    states = next;
    if (delta < 1e-12) return { states, iterations: iteration };
  }
  return { states, iterations: T };
}

describe('custom structure and strategy (README example)', () => {
  it('pairBlocks obeys the structure laws', () => {
    for (const D of [2, 4, 8]) expect(checkStructureLaws(pairBlocks(D)).failures).toEqual([]);
  });

  it('pairStrategy fills the 2×2 position/momentum blocks of the Jacobian', () => {
    const dyn = coupledPendulums(3);
    const s = new Float64Array([0.3, -0.1, 1.2, 0.4, -0.5, 0.2]);
    const J = new Float64Array(36);
    dyn.jacobian?.(1, s, 0, J, 0);
    const out = new Float64Array(12);
    const lin = pairStrategy.prepare(dyn);
    lin.fill(1, s, 0, out, 0);
    for (let k = 0; k < 3; k++) {
      const r = 2 * k;
      expect(Array.from(out.slice(4 * k, 4 * k + 4))).toEqual([J[r * 6 + r], J[r * 6 + r + 1], J[(r + 1) * 6 + r], J[(r + 1) * 6 + r + 1]]);
    }
    expect(lin.source).toBe('2×2 blocks of the closed-form jacobian');
    expect(lin.cost.storedPerStep).toBe(12);
  });

  it('pairStrategy drives a fixed-point solve end to end to the sequential rollout, in fewer than T iterations', () => {
    const pairs = 3, D = 6, T = 200;
    const dyn = coupledPendulums(pairs);
    const s0 = new Float64Array([0.5, 0, -0.3, 0.2, 0.8, -0.1]);
    const rollout = new Float64Array(T * D);
    for (let t = 0; t < T; t++) dyn.step(t + 1, t === 0 ? s0 : rollout, t === 0 ? 0 : (t - 1) * D, rollout, t * D);
    const { states, iterations } = iterate(dyn, pairStrategy, s0, T);
    let err = 0;
    for (let i = 0; i < states.length; i++) err = Math.max(err, Math.abs(states[i] - rollout[i]));
    expect(err).toBeLessThan(1e-9);
    expect(iterations).toBeLessThan(T / 2);
  });

  it('defineStrategy names what is missing', () => {
    expect(() => defineStrategy({ name: '', structure: pairBlocks, prepare: (d) => pairStrategy.prepare(d) })).toThrow(/non-empty name/);
    expect(() => defineStrategy({ name: 'x', structure: pairBlocks } as never)).toThrow(/prepare\(…\) is required/);
  });
});
