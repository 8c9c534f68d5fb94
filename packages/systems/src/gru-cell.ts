import type { FloatArray } from '@unroll/scan';
import type { GruWeights } from './gru.js';

/** The twelve weight arrays of a GRU cell, float64, in {@link GruWeights} layout. */
export type GruWeightArrays = Readonly<Record<keyof GruWeights, Float64Array>>;

/** Gate values of one cell evaluation, written by {@link gruGates}: r, z, n and a = W_hn h + b_hn. */
export interface GruGateValues {
  readonly r: Float64Array;
  readonly z: Float64Array;
  readonly n: Float64Array;
  readonly a: Float64Array;
}

/**
 * The GRU's gates at (h, x) (PyTorch convention), shared by `gru` (inputs from its input
 * rows) and `autoregressiveGru` (its input is the last entry of the state):
 *
 *     r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz),
 *     a = W_hn h + b_hn,  n = tanh(W_in x + b_in + r ⊙ a).
 *
 * Returns the evaluator `(x, xo, h, ho)`, which writes into `g` and allocates nothing
 * (`xo < 0` is a zero input); the weights are bound once, so a step pays no lookups.
 */
export function gruGates(w: GruWeightArrays, D: number, I: number, g: GruGateValues): (x: FloatArray, xo: number, h: FloatArray, ho: number) => void {
  const { Wir, Wiz, Win, Whr, Whz, Whn, bir, biz, bin, bhr, bhz, bhn } = w;
  const { r, z, n, a } = g;
  return (x, xo, h, ho) => {
    for (let i = 0; i < D; i++) {
      let ar = bir[i] + bhr[i], az = biz[i] + bhz[i], an = bin[i], ah = bhn[i];
      if (xo >= 0) {
        for (let k = 0; k < I; k++) {
          const xk = x[xo + k];
          ar += Wir[i * I + k] * xk;
          az += Wiz[i * I + k] * xk;
          an += Win[i * I + k] * xk;
        }
      }
      for (let j = 0; j < D; j++) {
        const hj = h[ho + j];
        ar += Whr[i * D + j] * hj;
        az += Whz[i * D + j] * hj;
        ah += Whn[i * D + j] * hj;
      }
      r[i] = 1 / (1 + Math.exp(-ar));
      z[i] = 1 / (1 + Math.exp(-az));
      a[i] = ah;
      n[i] = Math.tanh(an + r[i] * ah);
    }
  };
}

/**
 * ∂h'_i/∂h_j of the cell h' = (1 − z) ⊙ n + z ⊙ h, from the gates the evaluator of
 * {@link gruGates} wrote at h (bound once, as there):
 *
 *     z_i δ_ij + (h_i − n_i) z_i(1 − z_i) W_hz[i,j] + (1 − z_i)(1 − n_i²)(r_i W_hn[i,j] + a_i r_i(1 − r_i) W_hr[i,j]).
 */
export function gruStateDerivative(w: GruWeightArrays, D: number, g: GruGateValues): (h: FloatArray, ho: number, i: number, j: number) => number {
  const { Whr, Whz, Whn } = w;
  const { r, z, n, a } = g;
  return (h, ho, i, j) =>
    (i === j ? z[i] : 0) + (h[ho + i] - n[i]) * z[i] * (1 - z[i]) * Whz[i * D + j] + (1 - z[i]) * (1 - n[i] * n[i]) * (r[i] * Whn[i * D + j] + a[i] * r[i] * (1 - r[i]) * Whr[i * D + j]);
}

/** ∂h'_i/∂x_k of the cell (x its input), from the gates at (h, x): (h_i − n_i) z_i(1 − z_i) W_iz[i,k] + (1 − z_i)(1 − n_i²)(W_in[i,k] + a_i r_i(1 − r_i) W_ir[i,k]). */
export function gruInputDerivative(w: GruWeightArrays, I: number, g: GruGateValues): (h: FloatArray, ho: number, i: number, k: number) => number {
  const { Wir, Wiz, Win } = w;
  const { r, z, n, a } = g;
  return (h, ho, i, k) => (h[ho + i] - n[i]) * z[i] * (1 - z[i]) * Wiz[i * I + k] + (1 - z[i]) * (1 - n[i] * n[i]) * (Win[i * I + k] + a[i] * r[i] * (1 - r[i]) * Wir[i * I + k]);
}
