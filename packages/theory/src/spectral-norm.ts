/**
 * ‖M‖₂ of a small dense D×D matrix (row-major at `mo`): the square root of the largest
 * eigenvalue of MᵀM, found by cyclic Jacobi rotations (quadratically convergent, exact to
 * rounding for any gap — unlike power iteration, which stalls when σ₁ ≈ σ₂).
 * `scratch` must hold 2·D² numbers; nothing is allocated.
 */
export function spectralNorm(M: ArrayLike<number>, mo: number, D: number, scratch: Float64Array): number {
  const S = scratch; // S = MᵀM in the first D² entries
  for (let i = 0; i < D; i++) {
    for (let j = i; j < D; j++) {
      let acc = 0;
      for (let k = 0; k < D; k++) acc += (M[mo + k * D + i] ?? 0) * (M[mo + k * D + j] ?? 0);
      S[i * D + j] = acc;
      S[j * D + i] = acc;
    }
  }
  return Math.sqrt(Math.max(0, largestSymmetricEigenvalue(S, D)));
}

/** Largest eigenvalue of the symmetric D×D matrix in S[0 … D²) (overwritten) by cyclic Jacobi. */
export function largestSymmetricEigenvalue(S: Float64Array, D: number): number {
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, diag = 0;
    for (let i = 0; i < D; i++) {
      diag += (S[i * D + i] ?? 0) ** 2;
      for (let j = i + 1; j < D; j++) off += (S[i * D + j] ?? 0) ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < D; p++) {
      for (let q = p + 1; q < D; q++) {
        const apq = S[p * D + q] ?? 0;
        if (apq === 0) continue;
        const app = S[p * D + p] ?? 0, aqq = S[q * D + q] ?? 0;
        // Rotation that zeroes S_pq (Golub & Van Loan, Alg. 8.5.1).
        const tau = (aqq - app) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t), s = t * c;
        for (let k = 0; k < D; k++) {
          const skp = S[k * D + p] ?? 0, skq = S[k * D + q] ?? 0;
          S[k * D + p] = c * skp - s * skq;
          S[k * D + q] = s * skp + c * skq;
        }
        for (let k = 0; k < D; k++) {
          const spk = S[p * D + k] ?? 0, sqk = S[q * D + k] ?? 0;
          S[p * D + k] = c * spk - s * sqk;
          S[q * D + k] = s * spk + c * sqk;
        }
      }
    }
  }
  let max = -Infinity;
  for (let i = 0; i < D; i++) max = Math.max(max, S[i * D + i] ?? 0);
  return max;
}
