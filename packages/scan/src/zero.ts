import type { FloatArray } from './float-array.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import { builtinStructure } from './builtin-structure.js';
import type { Structure } from './structure.js';
import { UnrollError } from './unroll-error.js';
import { assertDim } from './validate.js';

/**
 * The zero matrix only; stores nothing (width 0). Jacobi's transition: `s_t = b_t`, no
 * scan at all. The set {0} is closed under products but holds no identity, so
 * `identity()` throws — scans never need it.
 */
export function zero(D: number): Structure {
  assertDim('zero', D);
  return builtinStructure({ exportName: 'zero', args: [D], kernel: () => zeroKernel(D) }, {
    name: 'zero',
    dim: D,
    width: 0,
    compose() {
      // 0·0 = 0: nothing stored, nothing to write.
    },
    apply(_a: FloatArray, _ao: number, _x: FloatArray, _xo: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = 0;
    },
    applyTranspose(_a: FloatArray, _ao: number, _x: FloatArray, _xo: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = 0;
    },
    scale() {
      // k·0 = 0: nothing stored, nothing to write.
    },
    transpose() {
      // 0ᵀ = 0: nothing stored.
    },
    identity() {
      throw new UnrollError(
        'UNSUPPORTED',
        'zero(D) holds only the zero matrix, so it has no identity element. Inclusive scans never need one; use identity(D) if you meant I.',
      );
    },
  });
}

/** Recurrence loops for zero transitions: each state is its own `b_t`. */
export function zeroKernel(D: number): RecurrenceKernel {
  return {
    dim: D,
    width: 0,
    aggregateCost: 0.5,
    run(_A, b, _prev, _po, out, t0, t1) {
      for (let o = t0 * D, end = t1 * D; o < end; o++) out[o] = b[o];
    },
    runReverse(_A, b, _next, _no, out, t0, t1) {
      for (let o = t0 * D, end = t1 * D; o < end; o++) out[o] = b[o];
    },
    aggregate(_A, b, _t0, t1, _m, _mo, c, co) {
      const last = (t1 - 1) * D;
      for (let i = 0; i < D; i++) c[co + i] = b[last + i];
    },
  };
}
