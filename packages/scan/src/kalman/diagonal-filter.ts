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
  for (let i = 0; i < D; i++) {
    let m = s0[i];
    let v = 0;
    for (let t = 0; t < T; t++) {
      const o = t * D + i;
      const a = A[o];
      const mPred = a * m + b[o];
      const vPred = a * v * a + q;
      if (lambda === 0) {
        // k = 0: the means are the recurrence exactly, even once a variance has
        // overflowed (the general form would compute 0·∞ there).
        m = mPred;
        v = vPred;
      } else if (vPred === Infinity) {
        // k → 1 as v⁻ → ∞: the update trusts the observation alone, m = y, v = 1/λ.
        m = y[o];
        v = 1 / lambda;
      } else {
        const k = (lambda * vPred) / (lambda * vPred + 1);
        m = mPred + k * (y[o] - mPred);
        v = vPred - k * vPred;
      }
      means[o] = m;
      // Carry the mean as stored (rounded to float32 in a float32 solve), as the
      // recurrence does: λ = 0 then matches it bit for bit in either dtype.
      m = means[o];
      if (variances !== undefined) variances[o] = v;
    }
  }
}
