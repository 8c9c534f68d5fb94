import type { FloatArray } from './float-array.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import { registerBuiltin } from './builtin-structures.js';
import type { Structure } from './structure.js';
import { assertDim } from './validate.js';

/**
 * Diagonal D×D matrices stored as their D diagonal entries. What quasi-DEER and the
 * clipped/scaled quasi methods scan: compose and apply are D multiplies.
 */
export function diagonal(D: number): Structure {
  assertDim('diagonal', D);
  const s: Structure = Object.freeze({
    name: 'diagonal',
    dim: D,
    width: D,
    compose(a: FloatArray, ao: number, b: FloatArray, bo: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = b[bo + i] * a[ao + i];
    },
    apply(a: FloatArray, ao: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = a[ao + i] * x[xo + i];
    },
    applyTranspose(a: FloatArray, ao: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = a[ao + i] * x[xo + i];
    },
    identity(out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = 1;
    },
  });
  registerBuiltin(s, { kind: 'diagonal', dim: D });
  return s;
}

/** Recurrence loops for diagonal transitions: D multiply-adds per step either way. */
export function diagonalKernel(D: number): RecurrenceKernel {
  return {
    dim: D,
    width: D,
    aggregateCost: 1,
    run(A, b, prev, po, out, t0, t1) {
      if (t1 <= t0) return;
      if (D === 1) {
        // Scalar recurrence: keep the carry in a register.
        let s = prev[po];
        for (let t = t0; t < t1; t++) {
          s = A[t] * s + b[t];
          out[t] = s;
        }
        return;
      }
      const o0 = t0 * D;
      for (let i = 0; i < D; i++) out[o0 + i] = A[o0 + i] * prev[po + i] + b[o0 + i];
      const end = t1 * D;
      for (let o = o0 + D; o < end; o += D) {
        const p = o - D;
        for (let i = 0; i < D; i++) out[o + i] = A[o + i] * out[p + i] + b[o + i];
      }
    },
    aggregate(A, b, t0, t1, m, mo, c, co) {
      if (D === 1) {
        let mi = 1;
        let ci = 0;
        for (let t = t0; t < t1; t++) {
          const a = A[t];
          mi *= a;
          ci = a * ci + b[t];
        }
        m[mo] = mi;
        c[co] = ci;
        return;
      }
      for (let i = 0; i < D; i++) {
        m[mo + i] = 1;
        c[co + i] = 0;
      }
      // Row by row, so memory is read in order: M ← A_t ⊙ M, c ← A_t ⊙ c + b_t.
      for (let o = t0 * D, end = t1 * D; o < end; o += D) {
        for (let i = 0; i < D; i++) {
          const a = A[o + i];
          m[mo + i] *= a;
          c[co + i] = a * c[co + i] + b[o + i];
        }
      }
    },
  };
}
