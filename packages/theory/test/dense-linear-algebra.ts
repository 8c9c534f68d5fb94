// Dense reference linear algebra for tests: small, slow, and independent of the
// recurrences in src/ — a TD × TD matrix built entry by entry and decomposed by Jacobi
// rotations, the textbook methods with the best-understood accuracy.

/**
 * The dense residual Jacobian J (n × n, n = T·D, row-major) of a trajectory: identity
 * diagonal blocks and `−A_t` in block row t, block column t − 1, for t = 2 … T.
 * `blocks[t − 2]` is A_t (D × D row-major).
 */
export function residualJacobian(blocks: readonly Float64Array[], T: number, D: number): Float64Array {
  const n = T * D;
  const J = new Float64Array(n * n);
  for (let i = 0; i < n; i++) J[i * n + i] = 1;
  for (let t = 2; t <= T; t++) {
    const At = blocks[t - 2];
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) J[((t - 1) * D + i) * n + (t - 2) * D + j] = -At[i * D + j];
    }
  }
  return J;
}

/** `MᵀM` (n × n) of an m × n row-major matrix. */
export function gram(M: Float64Array, m: number, n: number): Float64Array {
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += M[k * n + i] * M[k * n + j];
      G[i * n + j] = s;
      G[j * n + i] = s;
    }
  }
  return G;
}

/**
 * Eigenvalues of a symmetric n × n matrix by the cyclic Jacobi method, ascending. Each
 * rotation zeroes one off-diagonal pair; sweeps repeat until the off-diagonal mass is
 * below 1e-30 of the total (quadratic convergence once small). Absolute accuracy about
 * ε·‖S‖.
 */
export function symmetricEigenvalues(S: Float64Array, n: number): number[] {
  const a = Float64Array.from(S);
  const total = frobenius(a);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (Math.sqrt(off) <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p], aqq = a[q * n + q];
        // Rotation angle that zeroes a_pq (Golub & Van Loan, Algorithm 8.5.1).
        const tau = (aqq - app) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(a[i * n + i]);
  return out.sort((x, y) => x - y);
}

/**
 * Singular values of an m × n row-major matrix (m ≥ n) by one-sided Jacobi (Hestenes):
 * rotate column pairs until all are orthogonal; the column norms are then the singular
 * values, descending. Works on M itself, never on MᵀM, so σ_min keeps an absolute error
 * of about ε·σ_max — relative ε·κ, not ε·κ² as through the eigenvalues of MᵀM.
 */
export function singularValues(M: Float64Array, m: number, n: number): number[] {
  const a = Float64Array.from(M);
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let k = 0; k < m; k++) {
          const x = a[k * n + p], y = a[k * n + q];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-16 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        for (let k = 0; k < m; k++) {
          const x = a[k * n + p], y = a[k * n + q];
          a[k * n + p] = c * x - s * y;
          a[k * n + q] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const out: number[] = [];
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += a[k * n + j] ** 2;
    out.push(Math.sqrt(s));
  }
  return out.sort((x, y) => y - x);
}

/** σ_min of a square n × n matrix (one-sided Jacobi). */
export function smallestSingularValue(M: Float64Array, n: number): number {
  const s = singularValues(M, n, n);
  return s[n - 1];
}

function frobenius(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] ** 2;
  return Math.sqrt(s);
}
