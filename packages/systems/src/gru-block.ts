import type { DynamicsBlock } from '@unroll/linearize';
import type { FloatArray } from '@unroll/scan';
import type { GruWeights } from './gru.js';
import { inputRow } from './inputs.js';

/** Rows whose gates one pass over the hidden weights computes: each weight loaded serves four. */
const rowsPerPass = 4;

/**
 * The GRU cell (PyTorch's equations, as `gru`) evaluated for a block of consecutive steps:
 * the hidden products W_h·h of four rows share one pass over the three D×D matrices (a
 * blocked matrix product — each weight read once serves four states), and f, its
 * diagonal and its Jacobian come from the same gates, so f is evaluated once per step.
 * Every sum runs in the per-step order (biases, inputs, then the hidden j = 0 … D−1), so
 * the numbers are bit-identical to `step`, `diagonal` and `jacobian`.
 */
export function gruBlock(D: number, I: number, w: Readonly<Record<keyof GruWeights, Float64Array>>, x: Float64Array): DynamicsBlock {
  const { Wir, Wiz, Win, Whr, Whz, Whn, bir, biz, bin, bhr, bhz, bhn } = w;
  const G = rowsPerPass;
  // Per row of a pass: r, z, the candidate n, and a = W_hn h + b_hn (the Jacobian needs it).
  const r = new Float64Array(G * D), z = new Float64Array(G * D), n = new Float64Array(G * D), a = new Float64Array(G * D);

  /** Gates of rows k < m (m ≤ 4) of steps t … t + m − 1, states at h[ho + k·D]. */
  const gates = (t: number, m: number, h: FloatArray, ho: number) => {
    for (let k = 0; k < m; k++) {
      const xo = inputRow(x, I, t + k);
      for (let i = 0; i < D; i++) {
        let ar = bir[i] + bhr[i], az = biz[i] + bhz[i], an = bin[i];
        if (xo >= 0) {
          for (let q = 0; q < I; q++) {
            const xq = x[xo + q];
            ar += Wir[i * I + q] * xq;
            az += Wiz[i * I + q] * xq;
            an += Win[i * I + q] * xq;
          }
        }
        r[k * D + i] = ar;
        z[k * D + i] = az;
        n[k * D + i] = an;
        a[k * D + i] = bhn[i];
      }
    }
    if (m === G) {
      const h1 = ho + D, h2 = ho + 2 * D, h3 = ho + 3 * D;
      for (let i = 0; i < D; i++) {
        let r0 = r[i], r1 = r[D + i], r2 = r[2 * D + i], r3 = r[3 * D + i];
        let z0 = z[i], z1 = z[D + i], z2 = z[2 * D + i], z3 = z[3 * D + i];
        let a0 = a[i], a1 = a[D + i], a2 = a[2 * D + i], a3 = a[3 * D + i];
        const row = i * D;
        for (let j = 0; j < D; j++) {
          const wr = Whr[row + j], wz = Whz[row + j], wn = Whn[row + j];
          const x0 = h[ho + j], x1 = h[h1 + j], x2 = h[h2 + j], x3 = h[h3 + j];
          r0 += wr * x0; r1 += wr * x1; r2 += wr * x2; r3 += wr * x3;
          z0 += wz * x0; z1 += wz * x1; z2 += wz * x2; z3 += wz * x3;
          a0 += wn * x0; a1 += wn * x1; a2 += wn * x2; a3 += wn * x3;
        }
        r[i] = r0; r[D + i] = r1; r[2 * D + i] = r2; r[3 * D + i] = r3;
        z[i] = z0; z[D + i] = z1; z[2 * D + i] = z2; z[3 * D + i] = z3;
        a[i] = a0; a[D + i] = a1; a[2 * D + i] = a2; a[3 * D + i] = a3;
      }
    } else {
      for (let k = 0; k < m; k++) {
        const hk = ho + k * D;
        for (let i = 0; i < D; i++) {
          let ar = r[k * D + i], az = z[k * D + i], ah = a[k * D + i];
          for (let j = 0; j < D; j++) {
            const hj = h[hk + j];
            ar += Whr[i * D + j] * hj;
            az += Whz[i * D + j] * hj;
            ah += Whn[i * D + j] * hj;
          }
          r[k * D + i] = ar;
          z[k * D + i] = az;
          a[k * D + i] = ah;
        }
      }
    }
    for (let e = 0; e < m * D; e++) {
      const re = 1 / (1 + Math.exp(-r[e]));
      r[e] = re;
      z[e] = 1 / (1 + Math.exp(-z[e]));
      n[e] = Math.tanh(n[e] + re * a[e]);
    }
  };

  /** ∂h'_i/∂h_j of row k (its gates computed), as `gru`'s per-step Jacobian. */
  const entry = (h: FloatArray, hk: number, k: number, i: number, j: number) => {
    const e = k * D + i;
    return (
      (i === j ? z[e] : 0) +
      (h[hk + i] - n[e]) * z[e] * (1 - z[e]) * Whz[i * D + j] +
      (1 - z[e]) * (1 - n[e] * n[e]) * (r[e] * Whn[i * D + j] + a[e] * r[e] * (1 - r[e]) * Whr[i * D + j])
    );
  };

  /** f of rows [g, g + m) into out; `extra` writes the derivative of each row. */
  const run = (
    t0: number,
    count: number,
    h: FloatArray,
    ho: number,
    out: FloatArray,
    oo: number,
    extra: ((h: FloatArray, hk: number, k: number, row: number) => void) | undefined,
  ) => {
    for (let g = 0; g < count; g += G) {
      const m = Math.min(G, count - g);
      gates(t0 + g, m, h, ho + g * D);
      for (let k = 0; k < m; k++) {
        const hk = ho + (g + k) * D, o = oo + (g + k) * D;
        for (let i = 0; i < D; i++) {
          const e = k * D + i;
          out[o + i] = (1 - z[e]) * n[e] + z[e] * h[hk + i];
        }
        extra?.(h, hk, k, g + k);
      }
    }
  };

  // Where the derivative rows go: set per call, so no closure is made per block.
  let into: FloatArray = r, intoOffset = 0;
  const writeDiagonal = (h: FloatArray, hk: number, k: number, row: number) => {
    for (let i = 0; i < D; i++) into[intoOffset + row * D + i] = entry(h, hk, k, i, i);
  };
  const writeJacobian = (h: FloatArray, hk: number, k: number, row: number) => {
    const base = intoOffset + row * D * D;
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) into[base + i * D + j] = entry(h, hk, k, i, j);
  };

  return {
    step(t0, count, h, ho, out, oo) {
      run(t0, count, h, ho, out, oo, undefined);
    },
    stepDiagonal(t0, count, h, ho, out, oo, diag, dOff) {
      into = diag;
      intoOffset = dOff;
      run(t0, count, h, ho, out, oo, writeDiagonal);
    },
    stepJacobian(t0, count, h, ho, out, oo, jac, jo) {
      into = jac;
      intoOffset = jo;
      run(t0, count, h, ho, out, oo, writeJacobian);
    },
  };
}
