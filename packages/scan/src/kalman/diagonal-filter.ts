import type { FloatArray } from '../float-array.js';

/**
 * The forward Kalman filter of the ELK model with diagonal transitions (quasi-ELK, thesis
 * §4.2 eq. 30 with Ã_t diagonal): with Q = qI and R = I/λ every coordinate is its own
 * scalar filter,
 *
 *     m⁻ = a_t m + b_t,   v⁻ = a_t v a_t + q                         (predict)
 *     k  = λv⁻ / (λv⁻ + 1),  m = m⁻ + k (y_t − m⁻),  v = v⁻ − k v⁻     (update)
 *
 * The gain is written in the precision λ, so λ = 0 gives k = 0 exactly and the means are
 * quasi-DEER's recurrence bit for bit (thesis §4.3: the filtered means follow a linear
 * recurrence with operator Γ_t A_t, |Γ_t| ≤ 1/(1 + λ)). Means `[T][D]`, variances `[T][D]`.
 */
export function diagonalFilter(
  D: number,
  A: FloatArray,
  b: FloatArray,
  y: FloatArray,
  s0: ArrayLike<number>,
  lambda: number,
  q: number,
  means: FloatArray,
  variances: FloatArray | undefined,
): void {
  const T = b.length / D;
  if (D === 1) {
    scalarFilter(A, b, y, s0[0], lambda, q, means, variances, T);
    return;
  }
  // Row by row (time outer, coordinates inner): contiguous access and D independent
  // filters in flight, instead of one strided chain per coordinate — 1.7× faster at D = 8,
  // 2.4× at D = 64 (same arithmetic, the same bits). Two D-vectors of state per call,
  // nothing per step.
  const m = Float64Array.from({ length: D }, (_, i) => s0[i] ?? 0);
  const v = new Float64Array(D);
  for (let t = 0; t < T; t++) {
    const row = t * D;
    for (let i = 0; i < D; i++) {
      const o = row + i;
      const a = A[o];
      const mPred = a * m[i] + b[o];
      const vPred = a * v[i] * a + q;
      let mi: number, vi: number;
      if (lambda === 0) {
        // k = 0: the means are the recurrence exactly, even once a variance has
        // overflowed (the general form would compute 0·∞ there).
        mi = mPred;
        vi = vPred;
      } else if (vPred === Infinity) {
        // k → 1 as v⁻ → ∞: the update trusts the observation alone, m = y, v = 1/λ.
        mi = y[o];
        vi = 1 / lambda;
      } else {
        const k = (lambda * vPred) / (lambda * vPred + 1);
        mi = mPred + k * (y[o] - mPred);
        vi = vPred - k * vPred;
      }
      means[o] = mi;
      // Carry the mean as stored (rounded to float32 in a float32 solve), as the
      // recurrence does: λ = 0 then matches it bit for bit in either dtype.
      m[i] = means[o];
      v[i] = vi;
      if (variances !== undefined) variances[o] = vi;
    }
  }
}

/** D = 1: the same filter with its state in locals (a one-entry array would cost the scalar chain ~1.5×). */
function scalarFilter(A: FloatArray, b: FloatArray, y: FloatArray, s0: number, lambda: number, q: number, means: FloatArray, variances: FloatArray | undefined, T: number): void {
  let m = s0;
  let v = 0;
  for (let t = 0; t < T; t++) {
    const a = A[t];
    const mPred = a * m + b[t];
    const vPred = a * v * a + q;
    if (lambda === 0) {
      m = mPred;
      v = vPred;
    } else if (vPred === Infinity) {
      m = y[t];
      v = 1 / lambda;
    } else {
      const k = (lambda * vPred) / (lambda * vPred + 1);
      m = mPred + k * (y[t] - mPred);
      v = vPred - k * vPred;
    }
    means[t] = m;
    m = means[t];
    if (variances !== undefined) variances[t] = v;
  }
}
