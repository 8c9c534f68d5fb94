import type { FloatArray } from './float-array.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import { builtinStructure } from './builtin-structure.js';
import { diagonalWgsl } from './structure-wgsl.js';
import type { Structure } from './structure.js';
import { diagonalKalman } from './kalman/diagonal-kalman.js';
import { assertDim } from './validate.js';

/**
 * Diagonal D×D matrices stored as their D diagonal entries. What quasi-DEER and the
 * clipped/scaled quasi methods scan: compose and apply are D multiplies.
 */
export function diagonal(D: number): Structure {
  assertDim('diagonal', D);
  return builtinStructure({ exportName: 'diagonal', args: [D], kernel: () => diagonalKernel(D), wgsl: diagonalWgsl() }, {
    name: 'diagonal',
    dim: D,
    width: D,
    kalman: diagonalKalman(D),
    compose(a: FloatArray, ao: number, b: FloatArray, bo: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = b[bo + i] * a[ao + i];
    },
    apply(a: FloatArray, ao: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = a[ao + i] * x[xo + i];
    },
    applyTranspose(a: FloatArray, ao: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = a[ao + i] * x[xo + i];
    },
    transpose(a: FloatArray, ao: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = a[ao + i];
    },
    scale(a: FloatArray, ao: number, k: number, out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = k * a[ao + i];
    },
    identity(out: FloatArray, oo: number) {
      for (let i = 0; i < D; i++) out[oo + i] = 1;
    },
  });
}

/** Recurrence loops for diagonal transitions: D multiply-adds per step either way. */
export function diagonalKernel(D: number): RecurrenceKernel {
  const accM = new Float64Array(D);
  const accC = new Float64Array(D);
  return {
    dim: D,
    width: D,
    // A scalar recurrence is latency-bound in `run`; `aggregateScalar` runs four
    // independent chains, so its steps cost about a third as much.
    aggregateCost: D === 1 ? 0.35 : 1,
    run(A, b, prev, po, out, t0, t1) {
      if (D === 1) scalarRun(A, b, prev, po, out, t0, t1);
      else diagonalRun(D, A, b, prev, po, out, t0, t1);
    },
    runReverse(A, b, next, no, out, t0, t1) {
      if (D === 1) scalarRunReverse(A, b, next, no, out, t0, t1);
      else diagonalRunReverse(D, A, b, next, no, out, t0, t1);
    },
    aggregate(A, b, t0, t1, m, mo, c, co) {
      if (D === 1) {
        aggregateScalar(A, b, t0, t1, m, mo, c, co);
        return;
      }
      // Accumulate in the kernel's own scratch (indexed from 0), row by row so memory is
      // read in order, four lanes at a time: M ← A_t ⊙ M, c ← A_t ⊙ c + b_t.
      accM.fill(1);
      accC.fill(0);
      for (let o = t0 * D, end = t1 * D; o < end; o += D) {
        let i = 0;
        for (; i + 3 < D; i += 4) {
          const a0 = A[o + i], a1 = A[o + i + 1], a2 = A[o + i + 2], a3 = A[o + i + 3];
          accM[i] *= a0;
          accM[i + 1] *= a1;
          accM[i + 2] *= a2;
          accM[i + 3] *= a3;
          accC[i] = a0 * accC[i] + b[o + i];
          accC[i + 1] = a1 * accC[i + 1] + b[o + i + 1];
          accC[i + 2] = a2 * accC[i + 2] + b[o + i + 2];
          accC[i + 3] = a3 * accC[i + 3] + b[o + i + 3];
        }
        for (; i < D; i++) {
          const a = A[o + i];
          accM[i] *= a;
          accC[i] = a * accC[i] + b[o + i];
        }
      }
      for (let i = 0; i < D; i++) {
        m[mo + i] = accM[i];
        c[co + i] = accC[i];
      }
    },
  };
}

/**
 * The aggregate (M, c) of a scalar recurrence over rows [t0, t1), as four interleaved
 * chains over four contiguous quarters — the reduction is associative, so the quarters
 * combine afterwards as `(m₂, c₂)∘(m₁, c₁) = (m₂m₁, m₂c₁ + c₂)`. One chain would wait on
 * each multiply-add; four keep the floating-point units busy.
 */
function aggregateScalar(A: FloatArray, b: FloatArray, t0: number, t1: number, m: FloatArray, mo: number, c: FloatArray, co: number): void {
  const q = Math.floor((t1 - t0) / 4);
  let m0 = 1, c0 = 0, m1 = 1, c1 = 0, m2 = 1, c2 = 0, m3 = 1, c3 = 0;
  const s1 = t0 + q, s2 = t0 + 2 * q, s3 = t0 + 3 * q;
  for (let k = 0; k < q; k++) {
    const a0 = A[t0 + k], a1 = A[s1 + k], a2 = A[s2 + k], a3 = A[s3 + k];
    m0 *= a0;
    c0 = a0 * c0 + b[t0 + k];
    m1 *= a1;
    c1 = a1 * c1 + b[s1 + k];
    m2 *= a2;
    c2 = a2 * c2 + b[s2 + k];
    m3 *= a3;
    c3 = a3 * c3 + b[s3 + k];
  }
  for (let t = s3 + q; t < t1; t++) {
    const a = A[t];
    m3 *= a;
    c3 = a * c3 + b[t];
  }
  m[mo] = m3 * m2 * m1 * m0;
  c[co] = m3 * (m2 * (m1 * c0 + c1) + c2) + c3;
}

/** s_t = a_t s_{t−1} + b_t for rows [t0, t1), the carry kept in a register. */
function scalarRun(A: FloatArray, b: FloatArray, prev: FloatArray, po: number, out: FloatArray, t0: number, t1: number): void {
  let s = prev[po];
  for (let t = t0; t < t1; t++) {
    s = A[t] * s + b[t];
    out[t] = s;
  }
}

/**
 * s_t = a_t ⊙ s_{t−1} + b_t for rows [t0, t1), as one flat loop over the packed entries
 * (entry o depends on entry o − D), unrolled by four. Top-level with D as a parameter:
 * V8 optimises that better than a closure; the flat unrolled form runs ~1.5× faster than
 * the nested row/column loop (BENCHMARKS.md).
 */
function diagonalRun(D: number, A: FloatArray, b: FloatArray, prev: FloatArray, po: number, out: FloatArray, t0: number, t1: number): void {
  if (t1 <= t0) return;
  const o0 = t0 * D;
  for (let i = 0; i < D; i++) out[o0 + i] = A[o0 + i] * prev[po + i] + b[o0 + i];
  const end = t1 * D;
  let o = o0 + D;
  for (; o + 3 < end; o += 4) {
    out[o] = A[o] * out[o - D] + b[o];
    out[o + 1] = A[o + 1] * out[o + 1 - D] + b[o + 1];
    out[o + 2] = A[o + 2] * out[o + 2 - D] + b[o + 2];
    out[o + 3] = A[o + 3] * out[o + 3 - D] + b[o + 3];
  }
  for (; o < end; o++) out[o] = A[o] * out[o - D] + b[o];
}

/** s_t = a_t s_{t+1} + b_t for rows t1 − 1 down to t0, the carry kept in a register. */
function scalarRunReverse(A: FloatArray, b: FloatArray, next: FloatArray, no: number, out: FloatArray, t0: number, t1: number): void {
  let s = next[no];
  for (let t = t1 - 1; t >= t0; t--) {
    s = A[t] * s + b[t];
    out[t] = s;
  }
}

/**
 * s_t = a_t ⊙ s_{t+1} + b_t for rows t1 − 1 down to t0: {@link diagonalRun} mirrored,
 * one flat loop downwards (entry o depends on entry o + D), unrolled by four.
 */
function diagonalRunReverse(D: number, A: FloatArray, b: FloatArray, next: FloatArray, no: number, out: FloatArray, t0: number, t1: number): void {
  if (t1 <= t0) return;
  const last = (t1 - 1) * D;
  for (let i = 0; i < D; i++) out[last + i] = A[last + i] * next[no + i] + b[last + i];
  const start = t0 * D;
  let o = last - 1;
  for (; o - 3 >= start; o -= 4) {
    out[o] = A[o] * out[o + D] + b[o];
    out[o - 1] = A[o - 1] * out[o - 1 + D] + b[o - 1];
    out[o - 2] = A[o - 2] * out[o - 2 + D] + b[o - 2];
    out[o - 3] = A[o - 3] * out[o - 3 + D] + b[o - 3];
  }
  for (; o >= start; o--) out[o] = A[o] * out[o + D] + b[o];
}
