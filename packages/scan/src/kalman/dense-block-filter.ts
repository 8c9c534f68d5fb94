import type { FloatArray } from '../float-array.js';
import { luFactor, luSolve } from './lu.js';

/** Reusable scratch of {@link denseBlockFilter}. */
export interface DenseBlockScratch {
  readonly mean: Float64Array;
  readonly cov: Float64Array;
  readonly mPred: Float64Array;
  readonly pPred: Float64Array;
  readonly ap: Float64Array;
  readonly gain: Float64Array;
  readonly lu: Float64Array;
  readonly rhs: Float64Array;
  readonly pivots: Int32Array;
}

/** Scratch for {@link denseBlockFilter}: the carried μ (D) and Σ (D·B), and one block's temporaries. */
export function denseBlockScratch(D: number, B: number): DenseBlockScratch {
  const BB = B * B;
  return {
    mean: new Float64Array(D),
    cov: new Float64Array(D * B),
    mPred: new Float64Array(B),
    pPred: new Float64Array(BB),
    ap: new Float64Array(BB),
    gain: new Float64Array(BB),
    lu: new Float64Array(BB),
    rhs: new Float64Array(B),
    pivots: new Int32Array(B),
  };
}

/**
 * The forward Kalman filter of the ELK model (thesis §4.2, eq. 30) with transitions made
 * of dense B×B blocks on the diagonal — dense is one block of size D. Q = qI and R = I/λ
 * couple nothing across blocks, so each block is an independent dense filter:
 *
 *     μ⁻ = A_t μ + b_t,   Σ⁻ = A_t Σ A_tᵀ + q I                       (predict)
 *     K  = λΣ⁻ (λΣ⁻ + I)⁻¹,  μ = μ⁻ + K (y_t − μ⁻),  Σ = Σ⁻ − K Σ⁻      (update)
 *
 * K is written in the precision λ rather than the variance 1/λ, so λ = 0 gives K = 0
 * exactly and the means are DEER's recurrence (thesis §4.3: the filtered means follow a
 * linear recurrence with operator Γ_t A_t, ‖Γ_t‖ ≤ 1/(1 + λ)). A packed `[T][D/B][B][B]`,
 * covariances likewise (D·B numbers per step).
 *
 * Filtered means `[T][D]` (and covariances `[T][D·B]` when given); allocates nothing.
 */
export function denseBlockFilter(
  D: number,
  B: number,
  scratch: DenseBlockScratch,
  A: FloatArray,
  b: FloatArray,
  y: FloatArray,
  s0: ArrayLike<number>,
  lambda: number,
  q: number,
  means: FloatArray,
  covariances: FloatArray | undefined,
): void {
  const T = b.length / D;
  const nb = D / B;
  const BB = B * B;
  const W = D * B;
  const { mean, cov, mPred, pPred, ap, gain, lu, rhs, pivots } = scratch;
  const single = means instanceof Float32Array;
  for (let i = 0; i < D; i++) mean[i] = s0[i];
  cov.fill(0);
  for (let t = 0; t < T; t++) {
    for (let blk = 0; blk < nb; blk++) {
      const ao = t * W + blk * BB; // A_t's block
      const vo = blk * B; // the block's coordinates in μ, b_t, y_t
      const co = blk * BB; // the block's Σ
      const ro = t * D + vo;
      // Predict: μ⁻ = Aμ + b, Σ⁻ = A Σ Aᵀ + qI. The mean's sum runs in the order of the
      // recurrence kernels (b first, then A's row left to right): λ = 0 gives their bits.
      for (let i = 0; i < B; i++) {
        let acc = b[ro + i];
        for (let j = 0; j < B; j++) acc += A[ao + i * B + j] * mean[vo + j];
        mPred[i] = acc;
      }
      for (let i = 0; i < B; i++) {
        const ai = ao + i * B;
        for (let j = 0; j < B; j++) {
          let acc = 0;
          for (let k = 0, c = co + j; k < B; k++, c += B) acc += A[ai + k] * cov[c];
          ap[i * B + j] = acc;
        }
      }
      for (let i = 0; i < B; i++) {
        const pi = i * B;
        for (let j = 0; j < B; j++) {
          const aj = ao + j * B;
          let acc = i === j ? q : 0;
          for (let k = 0; k < B; k++) acc += ap[pi + k] * A[aj + k];
          pPred[pi + j] = acc;
        }
      }
      if (lambda === 0) {
        // K = 0: the means are DEER's recurrence, even where Σ⁻ has overflowed (the
        // update would compute 0·∞ there).
        for (let i = 0; i < B; i++) mean[vo + i] = mPred[i];
        for (let i = 0; i < BB; i++) cov[co + i] = pPred[i];
      } else {
        // Update: K = λΣ⁻(λΣ⁻ + I)⁻¹. Both factors are symmetric and commute, so
        // K = (λΣ⁻ + I)⁻¹ λΣ⁻: solve (λΣ⁻ + I) K = λΣ⁻ column by column.
        for (let i = 0; i < BB; i++) lu[i] = lambda * pPred[i];
        for (let i = 0; i < B; i++) lu[i * B + i] += 1;
        luFactor(lu, B, pivots);
        for (let j = 0; j < B; j++) {
          for (let i = 0; i < B; i++) rhs[i] = lambda * pPred[i * B + j];
          luSolve(lu, B, pivots, rhs);
          for (let i = 0; i < B; i++) gain[i * B + j] = rhs[i];
        }
        for (let i = 0; i < B; i++) {
          let acc = mPred[i];
          for (let j = 0; j < B; j++) acc += gain[i * B + j] * (y[ro + j] - mPred[j]);
          mean[vo + i] = acc;
        }
        for (let i = 0; i < B; i++) {
          const gi = i * B;
          for (let j = 0; j < B; j++) {
            let acc = pPred[gi + j];
            for (let k = 0, p = j; k < B; k++, p += B) acc -= gain[gi + k] * pPred[p];
            cov[co + gi + j] = acc;
          }
        }
      }
      for (let i = 0; i < B; i++) means[ro + i] = mean[vo + i];
      // Carry the mean as stored (rounded to float32 in a float32 solve), as the
      // recurrence does: λ = 0 then gives its bits in either dtype.
      if (single) for (let i = 0; i < B; i++) mean[vo + i] = Math.fround(mean[vo + i]);
      if (covariances !== undefined) for (let i = 0; i < BB; i++) covariances[t * W + co + i] = cov[co + i];
    }
  }
}
