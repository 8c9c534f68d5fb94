// The autoregressive GRU against independent computations: its Jacobian against central
// differences of its own step, its hidden trajectory against `gru` driven by the outputs it
// generated (the cell written once more, in another file), its output row against the
// Gaussian readout by hand, and the parallel methods against the sequential rollout.
import { elk, solve } from '@unroll/solvers';
import type { Dynamics } from '@unroll/linearize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { autoregressiveGru, createRng, gru, UnrollError } from './index.js';

const rollout = (dyn: Dynamics, s0: ArrayLike<number>, T: number) => solve(dyn, s0, T, { method: 'sequential' }).states;
const noiseOf = (seed: number, T: number) => {
  const rng = createRng(seed);
  return Array.from({ length: T }, () => rng.normal());
};

describe('autoregressiveGru', () => {
  it('has the Jacobian of its step, by central differences, and its diagonal (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 6 }), (H, seed, t) => {
        const dyn = autoregressiveGru({ dim: H, seed, noise: noiseOf(seed, 6) });
        const D = H + 1;
        const s = Float64Array.from({ length: D }, (_, i) => (i === H ? 3 * Math.sin(seed) : Math.cos(seed + i)));
        const J = new Float64Array(D * D), diag = new Float64Array(D);
        dyn.jacobian(t, s, 0, J, 0);
        dyn.diagonal(t, s, 0, diag, 0);
        const plus = new Float64Array(D), minus = new Float64Array(D), h = 1e-6;
        for (let j = 0; j < D; j++) {
          const sp = Float64Array.from(s), sm = Float64Array.from(s);
          sp[j] += h;
          sm[j] -= h;
          dyn.step(t, sp, 0, plus, 0);
          dyn.step(t, sm, 0, minus, 0);
          for (let i = 0; i < D; i++) {
            const fd = (plus[i] - minus[i]) / (2 * h);
            expect(Math.abs(J[i * D + j] - fd)).toBeLessThan(1e-7 * (1 + Math.abs(fd)));
          }
          expect(diag[j]).toBe(J[j * D + j]);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('generates the trace that gru, fed the outputs it sampled, and the readout by hand give', () => {
    const T = 60, H = 3;
    const noise = noiseOf(4, T);
    const dyn = autoregressiveGru({ dim: H, seed: 9, noise });
    const s0 = [0.1, -0.2, 0.3, 1.5];
    const states = rollout(dyn, s0, T);
    // x_t is the input of step t: x_1 from s_0, then each state's last entry.
    const inputs = Array.from({ length: T }, (_, t) => [t === 0 ? 1.5 : states[(t - 1) * 4 + 3]]);
    const cell = gru({ dim: H, inputDim: 1, weights: dyn.weights, inputs });
    const hs = rollout(cell, s0.slice(0, H), T);
    const { meanWeights, meanBias, logStdWeights, logStdBias } = dyn.readout;
    for (let t = 0; t < T; t++) {
      let mu = meanBias, ls = logStdBias;
      for (let i = 0; i < H; i++) {
        expect(states[t * 4 + i]).toBeCloseTo(hs[t * H + i], 14);
        mu += meanWeights[i] * hs[t * H + i];
        ls += logStdWeights[i] * hs[t * H + i];
      }
      expect(states[t * 4 + 3]).toBeCloseTo(mu + Math.exp(ls) * noise[t], 12);
    }
  });

  it('past the noise it follows the mean (ε = 0)', () => {
    const dyn = autoregressiveGru({ dim: 2, seed: 1, noise: [0.5] });
    const mean = autoregressiveGru({ dim: 2, seed: 1 });
    const a = rollout(dyn, [0, 0, 1], 5), b = rollout(mean, [0, 0, 1], 5);
    expect(a[2]).not.toBe(b[2]);
    const c = new Float64Array(3), d = new Float64Array(3);
    dyn.step(4, a, 6, c, 0);
    mean.step(4, a, 6, d, 0);
    expect(Array.from(c)).toEqual(Array.from(d));
  });

  it('DEER, quasi-DEER, ELK and quasi-ELK reach the sequential rollout (fast-check over seeds)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 5, max: 120 }), (seed, H, T) => {
        const dyn = autoregressiveGru({ dim: H, seed, noise: noiseOf(seed + 1, T) });
        const s0 = new Float64Array(H + 1).fill(0.2);
        const reference = rollout(dyn, s0, T);
        for (const method of ['deer', 'quasi-deer', elk({ lambda: 1e-3 }), elk({ lambda: 1e-3, base: 'diagonal' })] as const) {
          // ELK's damped steps lose Newton's exactness after T steps (thesis §4.2), so it gets room past T.
          const r = solve(dyn, s0, T, { method, maxIterations: 10 * T });
          expect(r.converged).toBe(true);
          let err = 0;
          for (let k = 0; k < reference.length; k++) err = Math.max(err, Math.abs(r.states[k] - reference[k]));
          expect(err).toBeLessThan(1e-6);
        }
      }),
      { numRuns: 15 },
    );
  });

  it('refuses weights without a readout and a readout of the wrong size, saying what to pass', () => {
    const cell = gru({ dim: 2, inputDim: 1, seed: 1 }).weights;
    expect(() => autoregressiveGru({ dim: 2, weights: cell })).toThrow(/readout/);
    const readout = { meanWeights: [1, 2, 3], meanBias: 0, logStdWeights: [0, 0], logStdBias: 0 };
    try {
      autoregressiveGru({ dim: 2, weights: cell, readout });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnrollError);
      expect((e as UnrollError).code).toBe('DIMENSION_MISMATCH');
      expect((e as Error).message).toMatch(/meanWeights has 3 entries, expected 2/);
    }
    expect(() => autoregressiveGru({ dim: 2, seed: 1, noise: [0, Number.NaN] })).toThrow(/noise/);
    // σ = e^{log σ} must not overflow for |h| ≤ 1 (the GRU's range).
    const huge = { meanWeights: [0, 0], meanBias: 0, logStdWeights: [400, 0], logStdBias: 301 };
    expect(() => autoregressiveGru({ dim: 2, weights: cell, readout: huge })).toThrow(/logStdWeights.*overflows past 709/);
    expect(() => autoregressiveGru({ dim: 2, weights: cell, readout: { ...huge, logStdWeights: [399, 0] } })).not.toThrow();
    expect(() => autoregressiveGru({ dim: 2, weights: cell, readout: { ...huge, logStdBias: 0, meanWeights: [1e308, 1e308] } })).toThrow(/meanWeights.*overflow/);
    expect(() => autoregressiveGru({ dim: 0, seed: 1 })).toThrow(UnrollError);
  });
});
