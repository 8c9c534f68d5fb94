import type { DynamicsBlock } from '@unroll/linearize';
import type { FloatArray } from '@unroll/scan';
import { inputRow } from './inputs.js';

/** Rows whose products one pass over W computes: each weight loaded serves four. */
const rowsPerPass = 4;

/**
 * The mean-field RNN s_t = W tanh(s_{t−1}) + u_t (as `meanFieldRnn`) evaluated for a
 * block of consecutive steps: four rows' products W·tanh(s) share one pass over W (a
 * blocked matrix product), and f with its diagonal or Jacobian come from the same
 * tanh(s), so f is evaluated once per step. The sums run in the per-step order (the input,
 * then j = 0 … D−1), so the numbers are bit-identical to `step`, `diagonal` and `jacobian`.
 */
export function meanFieldRnnBlock(D: number, W: Float64Array, u: Float64Array): DynamicsBlock {
  const G = rowsPerPass;
  const th = new Float64Array(G * D);

  /** f of rows [g, g + m) (m ≤ 4) of steps t …, from tanh of their states (in th). */
  const products = (t: number, m: number, out: FloatArray, oo: number) => {
    if (m === G) {
      const u0 = inputRow(u, D, t), u1 = inputRow(u, D, t + 1), u2 = inputRow(u, D, t + 2), u3 = inputRow(u, D, t + 3);
      for (let i = 0; i < D; i++) {
        let c0 = u0 < 0 ? 0 : u[u0 + i], c1 = u1 < 0 ? 0 : u[u1 + i], c2 = u2 < 0 ? 0 : u[u2 + i], c3 = u3 < 0 ? 0 : u[u3 + i];
        const row = i * D;
        for (let j = 0; j < D; j++) {
          const wij = W[row + j];
          c0 += wij * th[j];
          c1 += wij * th[D + j];
          c2 += wij * th[2 * D + j];
          c3 += wij * th[3 * D + j];
        }
        out[oo + i] = c0;
        out[oo + D + i] = c1;
        out[oo + 2 * D + i] = c2;
        out[oo + 3 * D + i] = c3;
      }
      return;
    }
    for (let k = 0; k < m; k++) {
      const uo = inputRow(u, D, t + k);
      for (let i = 0; i < D; i++) {
        let acc = uo < 0 ? 0 : u[uo + i];
        for (let j = 0; j < D; j++) acc += W[i * D + j] * th[k * D + j];
        out[oo + k * D + i] = acc;
      }
    }
  };

  /** f of every row, passing each pass's rows to `extra` (tanh of their states in th). */
  const run = (t0: number, count: number, s: FloatArray, so: number, out: FloatArray, oo: number, extra: ((k: number, row: number) => void) | undefined) => {
    for (let g = 0; g < count; g += G) {
      const m = Math.min(G, count - g);
      for (let e = 0; e < m * D; e++) th[e] = Math.tanh(s[so + g * D + e]);
      products(t0 + g, m, out, oo + g * D);
      if (extra !== undefined) for (let k = 0; k < m; k++) extra(k, g + k);
    }
  };

  // Where the derivative rows go: set per call, so no closure is made per block.
  let into: FloatArray = th, intoOffset = 0;
  const writeDiagonal = (k: number, row: number) => {
    for (let i = 0; i < D; i++) {
      const x = th[k * D + i];
      into[intoOffset + row * D + i] = W[i * D + i] * (1 - x * x);
    }
  };
  const writeJacobian = (k: number, row: number) => {
    const base = intoOffset + row * D * D;
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        const x = th[k * D + j];
        into[base + i * D + j] = W[i * D + j] * (1 - x * x);
      }
    }
  };

  return {
    step(t0, count, s, so, out, oo) {
      run(t0, count, s, so, out, oo, undefined);
    },
    stepDiagonal(t0, count, s, so, out, oo, diag, dOff) {
      into = diag;
      intoOffset = dOff;
      run(t0, count, s, so, out, oo, writeDiagonal);
    },
    stepJacobian(t0, count, s, so, out, oo, jac, jo) {
      into = jac;
      intoOffset = jo;
      run(t0, count, s, so, out, oo, writeJacobian);
    },
  };
}
