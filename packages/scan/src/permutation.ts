import { builtinStructure } from './builtin-structure.js';
import type { FloatArray } from './float-array.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import type { Structure } from './structure.js';
import { assertDim } from './validate.js';

/**
 * D×D permutation matrices, `(P x)_i = x_{p(i)}`, stored as the D indices p(0), …, p(D−1)
 * (as floats, exact up to 2^24 in float32). The transitions of the word problem for the
 * symmetric group S_D — a state tracker whose every step shuffles coordinates — where a
 * dense scan would spend D³ per compose on what is a D-long gather.
 *
 * - compose: `(B·A x)_i = (A x)_{q(i)} = x_{p(q(i))}`, so `out[i] = a[b[i]]`.
 * - transpose: Pᵀ = P⁻¹, so `out[p(i)] = i`.
 * - no `scale`: k·P is not a permutation for k ≠ 1 (scale-ELK refuses it by capability).
 *
 * Every stored number must be an integer index in [0, D) and the D of them distinct;
 * other values are not checked on the hot path and give meaningless states.
 */
export function permutation(D: number): Structure {
  assertDim('permutation', D);
  return builtinStructure({ exportName: 'permutation', args: [D], kernel: () => permutationKernel(D) }, {
    name: 'permutation',
    dim: D,
    width: D,
    compose(a: FloatArray, ao: number, b: FloatArray, bo: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = a[ao + b[bo + i]];
    },
    apply(a: FloatArray, ao: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = x[xo + a[ao + i]];
    },
    applyTranspose(a: FloatArray, ao: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + a[ao + i]] = x[xo + i];
    },
    transpose(a: FloatArray, ao: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + a[ao + i]] = i;
    },
    identity(out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = i;
    },
    sample(random: () => number, out: FloatArray, oo: number) {
      // Fisher–Yates: every permutation equally likely.
      for (let i = 0; i < D; i++) out[oo + i] = i;
      for (let i = D - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const v = out[oo + i];
        out[oo + i] = out[oo + j];
        out[oo + j] = v;
      }
    },
  });
}

/** Recurrence loops for permutation transitions: a D-long gather per step, two to aggregate. */
export function permutationKernel(D: number): RecurrenceKernel {
  const tmpM = new Float64Array(D);
  const tmpC = new Float64Array(D);
  return {
    dim: D,
    width: D,
    // Two gathers and a copy back against one gather: fixed, so threaded splits repeat.
    aggregateCost: 2,
    run(A, b, prev, po, out, t0, t1) {
      let src = prev;
      let so = po;
      for (let t = t0; t < t1; t++) {
        const ro = t * D;
        // Row t of out is written only after row t of b is read: out may be b.
        for (let i = 0; i < D; i++) out[ro + i] = src[so + A[ro + i]] + b[ro + i];
        src = out;
        so = ro;
      }
    },
    runReverse(A, b, next, no, out, t0, t1) {
      let src = next;
      let so = no;
      for (let t = t1 - 1; t >= t0; t--) {
        const ro = t * D;
        for (let i = 0; i < D; i++) out[ro + i] = src[so + A[ro + i]] + b[ro + i];
        src = out;
        so = ro;
      }
    },
    aggregate(A, b, t0, t1, m, mo, c, co) {
      // M ← A_t·M (m[i] ← m[a_t(i)]) and c ← A_t c + b_t, from M = A_{t0}, c = b_{t0}.
      for (let i = 0; i < D; i++) {
        m[mo + i] = A[t0 * D + i];
        c[co + i] = b[t0 * D + i];
      }
      for (let t = t0 + 1; t < t1; t++) {
        const ro = t * D;
        for (let i = 0; i < D; i++) {
          const p = A[ro + i];
          tmpM[i] = m[mo + p];
          tmpC[i] = c[co + p] + b[ro + i];
        }
        for (let i = 0; i < D; i++) {
          m[mo + i] = tmpM[i];
          c[co + i] = tmpC[i];
        }
      }
    },
  };
}
