import type { FloatArray } from './float-array.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import { builtinStructure } from './builtin-structure.js';
import type { Structure } from './structure.js';
import { assertDim } from './validate.js';

/**
 * The identity matrix only; stores nothing (width 0). Picard's transition: the linear
 * recurrence becomes a prefix sum `s_t = s_{t−1} + b_t`.
 */
export function identity(D: number): Structure {
  assertDim('identity', D);
  return builtinStructure({ exportName: 'identity', args: [D], kernel: () => identityKernel(D) }, {
    name: 'identity',
    dim: D,
    width: 0,
    compose() {
      // I·I = I: nothing stored, nothing to write.
    },
    apply(_a: FloatArray, _ao: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = x[xo + i];
    },
    applyTranspose(_a: FloatArray, _ao: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = x[xo + i];
    },
    transpose() {
      // Iᵀ = I: nothing stored.
    },
    identity() {
      // Nothing stored.
    },
  });
}

/** Recurrence loops for identity transitions: a running sum. */
export function identityKernel(D: number): RecurrenceKernel {
  return {
    dim: D,
    width: 0,
    aggregateCost: 1,
    run(_A, b, prev, po, out, t0, t1) {
      if (t1 <= t0) return;
      const o0 = t0 * D;
      for (let i = 0; i < D; i++) out[o0 + i] = prev[po + i] + b[o0 + i];
      for (let o = o0 + D, end = t1 * D; o < end; o += D) {
        for (let i = 0; i < D; i++) out[o + i] = out[o - D + i] + b[o + i];
      }
    },
    runReverse(_A, b, next, no, out, t0, t1) {
      if (t1 <= t0) return;
      const last = (t1 - 1) * D;
      for (let i = 0; i < D; i++) out[last + i] = next[no + i] + b[last + i];
      for (let o = last - D, start = t0 * D; o >= start; o -= D) {
        for (let i = 0; i < D; i++) out[o + i] = out[o + D + i] + b[o + i];
      }
    },
    aggregate(_A, b, t0, t1, _m, _mo, c, co) {
      for (let i = 0; i < D; i++) c[co + i] = 0;
      for (let o = t0 * D, end = t1 * D; o < end; o += D) {
        for (let i = 0; i < D; i++) c[co + i] += b[o + i];
      }
    },
  };
}
