/**
 * LU factorisation with partial pivoting for the small dense systems of the Kalman
 * capabilities: the gain solve (λΣ⁻ + I) K = λΣ⁻ and the element combine's
 * M = (I + C_i J_j)⁻¹. Row-major B×B, in place, no allocation.
 */

/** In-place LU factorisation with partial pivoting (row-major D×D). */
export function luFactor(a: Float64Array, D: number, pivots: Int32Array): void {
  for (let k = 0; k < D; k++) {
    let p = k;
    let best = Math.abs(a[k * D + k]);
    for (let i = k + 1; i < D; i++) {
      const v = Math.abs(a[i * D + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    pivots[k] = p;
    if (p !== k) {
      for (let j = 0; j < D; j++) {
        const tmp = a[k * D + j];
        a[k * D + j] = a[p * D + j];
        a[p * D + j] = tmp;
      }
    }
    const pivot = a[k * D + k];
    for (let i = k + 1; i < D; i++) {
      const f = a[i * D + k] / pivot;
      a[i * D + k] = f;
      for (let j = k + 1; j < D; j++) a[i * D + j] -= f * a[k * D + j];
    }
  }
}

/** Solves `LU x = P rhs` in place, for factors from {@link luFactor}. */
export function luSolve(lu: Float64Array, D: number, pivots: Int32Array, rhs: Float64Array): void {
  for (let k = 0; k < D; k++) {
    const p = pivots[k];
    if (p !== k) {
      const tmp = rhs[k];
      rhs[k] = rhs[p];
      rhs[p] = tmp;
    }
  }
  for (let i = 1; i < D; i++) {
    let acc = rhs[i];
    for (let j = 0; j < i; j++) acc -= lu[i * D + j] * rhs[j];
    rhs[i] = acc;
  }
  for (let i = D - 1; i >= 0; i--) {
    let acc = rhs[i];
    for (let j = i + 1; j < D; j++) acc -= lu[i * D + j] * rhs[j];
    rhs[i] = acc / lu[i * D + i];
  }
}
