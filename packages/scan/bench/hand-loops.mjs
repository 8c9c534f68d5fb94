// The plain loops a user would write by hand for s_t = A_t s_{t−1} + b_t: the baseline
// `linearRecurrence` is measured against. Deliberately naive and self-contained.

/** Diagonal transitions, float64: s[t][i] = a[t][i]·s[t−1][i] + b[t][i]. */
export function handDiagonal(A, b, s0, out, T, D) {
  for (let i = 0; i < D; i++) out[i] = A[i] * s0[i] + b[i];
  for (let t = 1; t < T; t++) {
    const o = t * D;
    for (let i = 0; i < D; i++) out[o + i] = A[o + i] * out[o - D + i] + b[o + i];
  }
}

/** Dense transitions, float64: s[t] = A[t]·s[t−1] + b[t], A[t] row-major D×D. */
export function handDense(A, b, s0, out, T, D) {
  let prev = s0;
  let po = 0;
  for (let t = 0; t < T; t++) {
    const ao = t * D * D;
    const o = t * D;
    for (let i = 0; i < D; i++) {
      let acc = b[o + i];
      for (let j = 0; j < D; j++) acc += A[ao + i * D + j] * prev[po + j];
      out[o + i] = acc;
    }
    prev = out;
    po = o;
  }
}
