import type { FloatArray } from './float-array.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import { builtinStructure } from './builtin-structure.js';
import type { Structure } from './structure.js';
import { denseKalman } from './kalman/dense-block-kalman.js';
import { UnrollError } from './unroll-error.js';
import { assertDim, maxArrayLength } from './validate.js';

/**
 * Dense D×D matrices, row-major, D² numbers per step. What DEER (Newton) scans: exact,
 * but each compose is a D³ matrix product.
 */
export function dense(D: number): Structure {
  assertDim('dense', D);
  if (D * D > maxArrayLength) {
    throw new UnrollError(
      'INVALID_ARGUMENT',
      `dense(${D}): one dense ${D}×${D} matrix is ${D * D} numbers, more than one array can hold (2^32); use diagonal(D) or blockDiagonal(D, B) (quasi methods).`,
    );
  }
  return builtinStructure({ exportName: 'dense', args: [D], kernel: () => denseKernel(D) }, {
    name: 'dense',
    dim: D,
    width: D * D,
    kalman: denseKalman(D),
    compose(a: FloatArray, ao: number, b: FloatArray, bo: number, out: FloatArray, oo: number) {
      // out = B·A
      for (let i = 0; i < D; i++) {
        for (let j = 0; j < D; j++) {
          let acc = 0;
          for (let k = 0; k < D; k++) acc += b[bo + i * D + k] * a[ao + k * D + j];
          out[oo + i * D + j] = acc;
        }
      }
    },
    apply(a: FloatArray, ao: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) {
        let acc = 0;
        for (let j = 0; j < D; j++) acc += a[ao + i * D + j] * x[xo + j];
        out[oo + i] = acc;
      }
    },
    applyTranspose(a: FloatArray, ao: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      for (let j = 0; j < D; j++) {
        let acc = 0;
        for (let i = 0; i < D; i++) acc += a[ao + i * D + j] * x[xo + i];
        out[oo + j] = acc;
      }
    },
    transpose(a: FloatArray, ao: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) out[oo + j * D + i] = a[ao + i * D + j];
    },
    scale(a: FloatArray, ao: number, k: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D * D; i++) out[oo + i] = k * a[ao + i];
    },
    identity(out: FloatArray, oo: number) {
      for (let i = 0; i < D * D; i++) out[oo + i] = 0;
      for (let i = 0; i < D; i++) out[oo + i * D + i] = 1;
    },
  });
}

/** Recurrence loops for dense transitions: D² per step to run, D³ + D² to aggregate (≈ 1.6·D + 0.8 run steps). */
export function denseKernel(D: number): RecurrenceKernel {
  const W = D * D;
  const tmpM = new Float64Array(W);
  const tmpC = new Float64Array(D);
  return {
    dim: D,
    width: W,
    // D³ + D² multiply-adds against D², but measured (bench: kernels alone, float64) the
    // aggregate's products run at about 0.6× the run loop's rate: r ≈ 1.6·D + 0.8 (2.5,
    // 4.1, 7.1, 13, 25–30 for D = 1, 2, 4, 8, 16). A constant, so threaded splits are
    // the same on every call.
    aggregateCost: 1.6 * D + 0.8,
    run(A, b, prev, po, out, t0, t1) {
      denseRun(D, A, b, prev, po, out, t0, t1);
    },
    runReverse(A, b, next, no, out, t0, t1) {
      denseRunReverse(D, A, b, next, no, out, t0, t1);
    },
    aggregate(A, b, t0, t1, m, mo, c, co) {
      // M ← A_t M and c ← A_t c + b_t, starting from M = A_{t0}, c = b_{t0}.
      for (let i = 0; i < W; i++) m[mo + i] = A[t0 * W + i];
      for (let i = 0; i < D; i++) c[co + i] = b[t0 * D + i];
      for (let t = t0 + 1; t < t1; t++) {
        const ao = t * W;
        for (let i = 0; i < D; i++) {
          let acc = b[t * D + i];
          for (let k = 0; k < D; k++) acc += A[ao + i * D + k] * c[co + k];
          tmpC[i] = acc;
          for (let j = 0; j < D; j++) {
            let s = 0;
            for (let k = 0; k < D; k++) s += A[ao + i * D + k] * m[mo + k * D + j];
            tmpM[i * D + j] = s;
          }
        }
        for (let i = 0; i < W; i++) m[mo + i] = tmpM[i];
        for (let i = 0; i < D; i++) c[co + i] = tmpC[i];
      }
    },
  };
}

/**
 * s_t = A_t s_{t−1} + b_t for rows [t0, t1), dense A_t. A top-level function with D as a
 * parameter: V8 optimises it better than the same loop reading D from a closure.
 */
function denseRun(D: number, A: FloatArray, b: FloatArray, prev: FloatArray, po: number, out: FloatArray, t0: number, t1: number): void {
  let src = prev;
  let so = po;
  for (let t = t0; t < t1; t++) {
    const ao = t * D * D;
    const ro = t * D;
    for (let i = 0; i < D; i++) {
      let acc = b[ro + i];
      const rowo = ao + i * D;
      for (let j = 0; j < D; j++) acc += A[rowo + j] * src[so + j];
      out[ro + i] = acc;
    }
    src = out;
    so = ro;
  }
}

/** s_t = A_t s_{t+1} + b_t for rows t1 − 1 down to t0, dense A_t (as {@link denseRun}, mirrored). */
function denseRunReverse(D: number, A: FloatArray, b: FloatArray, next: FloatArray, no: number, out: FloatArray, t0: number, t1: number): void {
  let src = next;
  let so = no;
  for (let t = t1 - 1; t >= t0; t--) {
    const ao = t * D * D;
    const ro = t * D;
    for (let i = 0; i < D; i++) {
      let acc = b[ro + i];
      const rowo = ao + i * D;
      for (let j = 0; j < D; j++) acc += A[rowo + j] * src[so + j];
      out[ro + i] = acc;
    }
    src = out;
    so = ro;
  }
}
