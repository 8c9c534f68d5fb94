import type { FloatArray, Monoid } from '@unroll/scan';
import { luFactor, luSolve } from './lu.js';

/**
 * The parallel Kalman filter of Särkkä & García-Fernández (2021, "Temporal parallelization
 * of Bayesian smoothers"): each step becomes an element (A, b, C, η, J) of an associative
 * operation whose inclusive scan holds the filtered mean in `b` and covariance in `C`.
 *
 * For the ELK model (H = I, Q = qI, R = I/λ) every step's gain is the scalar
 * κ = qλ/(qλ + 1), so the elements are, with F = A_t and c = b_t,
 *
 *     A = (1 − κ)F,  b = (1 − κ)c + κy,  C = (1 − κ)q I,  η = λ/(qλ+1)·Fᵀ(y − c),  J = λ/(qλ+1)·FᵀF
 *
 * and for the first step (s_0 known exactly) A = 0, η = 0, J = 0, b = (1 − κ)(F s_0 + c) + κy.
 * Combining "a_i then a_j", with M = (I + C_i J_j)⁻¹:
 *
 *     A = A_j M A_i,  b = A_j M (b_i + C_i η_j) + b_j,  C = A_j M C_i A_jᵀ + C_j,
 *     η = (M A_i)ᵀ (η_j − J_j b_i) + η_i,  J = (M A_i)ᵀ J_j A_i + J_i
 *
 * ((I + J_j C_i)⁻¹ = Mᵀ as C and J are symmetric).
 */

/** Numbers per element: dense 3D² + 2D, diagonal 5D. */
export function kalmanElementWidth(structure: 'dense' | 'diagonal', D: number): number {
  return structure === 'dense' ? 3 * D * D + 2 * D : 5 * D;
}

/** Offsets of the parts inside one element. */
function layout(structure: 'dense' | 'diagonal', D: number) {
  const m = structure === 'dense' ? D * D : D;
  return { A: 0, b: m, C: m + D, eta: 2 * m + D, J: 2 * m + 2 * D, width: 3 * m + 2 * D };
}

/** Packs the T elements of an ELK model into `out` (length T · width). */
export function buildKalmanElements(
  structure: 'dense' | 'diagonal',
  D: number,
  A: FloatArray,
  b: FloatArray,
  y: FloatArray,
  s0: ArrayLike<number>,
  lambda: number,
  q: number,
  out: FloatArray,
): void {
  const T = b.length / D;
  const L = layout(structure, D);
  const kappa = (q * lambda) / (q * lambda + 1);
  const precision = lambda / (q * lambda + 1);
  const dense = structure === 'dense';
  for (let t = 0; t < T; t++) {
    const e = t * L.width;
    const ao = t * (dense ? D * D : D);
    out.fill(0, e, e + L.width);
    if (t === 0) {
      for (let i = 0; i < D; i++) {
        let pred = b[i];
        if (dense) for (let j = 0; j < D; j++) pred += A[i * D + j] * (s0[j] ?? 0);
        else pred += A[i] * (s0[i] ?? 0);
        out[e + L.b + i] = (1 - kappa) * pred + kappa * y[i];
        out[e + L.C + (dense ? i * D + i : i)] = (1 - kappa) * q;
      }
      continue;
    }
    for (let i = 0; i < D; i++) {
      const c = b[t * D + i];
      out[e + L.b + i] = (1 - kappa) * c + kappa * y[t * D + i];
      out[e + L.C + (dense ? i * D + i : i)] = (1 - kappa) * q;
    }
    // λ = 0 observes nothing: η = J = 0 exactly (already zero), even where F or y − c
    // overflow (0·∞ would put NaN into the scan).
    if (precision === 0) {
      for (let i = 0; i < (dense ? D * D : D); i++) out[e + L.A + i] = (1 - kappa) * A[ao + i];
      continue;
    }
    if (!dense) {
      for (let i = 0; i < D; i++) {
        const f = A[ao + i];
        out[e + L.A + i] = (1 - kappa) * f;
        out[e + L.eta + i] = precision * f * (y[t * D + i] - b[t * D + i]);
        out[e + L.J + i] = precision * f * f;
      }
      continue;
    }
    for (let i = 0; i < D * D; i++) out[e + L.A + i] = (1 - kappa) * A[ao + i];
    for (let j = 0; j < D; j++) {
      let acc = 0;
      for (let i = 0; i < D; i++) acc += A[ao + i * D + j] * (y[t * D + i] - b[t * D + i]);
      out[e + L.eta + j] = precision * acc;
      for (let k = 0; k < D; k++) {
        let s = 0;
        for (let i = 0; i < D; i++) s += A[ao + i * D + j] * A[ao + i * D + k];
        out[e + L.J + j * D + k] = precision * s;
      }
    }
  }
}

/** The associative operation on Kalman elements (diagonal: element-wise scalars). */
export function kalmanMonoid(structure: 'dense' | 'diagonal', D: number): Monoid {
  const L = layout(structure, D);
  if (structure === 'diagonal') {
    return {
      width: L.width,
      combine(x, xo, z, zo, out, oo) {
        for (let k = 0; k < D; k++) {
          const ai = x[xo + L.A + k], bi = x[xo + L.b + k], ci = x[xo + L.C + k], ei = x[xo + L.eta + k], ji = x[xo + L.J + k];
          const aj = z[zo + L.A + k], bj = z[zo + L.b + k], cj = z[zo + L.C + k], ej = z[zo + L.eta + k], jj = z[zo + L.J + k];
          if (jj === 0 && ej === 0) {
            // The later step observes nothing (λ = 0): M = 1 and the terms in η_j, J_j
            // vanish exactly — skipped, since 0·∞ would turn an overflowed C_i or b_i
            // into NaN where the recurrence gives ±∞ (λ = 0 must be DEER exactly).
            out[oo + L.A + k] = aj * ai;
            out[oo + L.b + k] = aj * bi + bj;
            out[oo + L.C + k] = aj * ci * aj + cj;
            out[oo + L.eta + k] = ei;
            out[oo + L.J + k] = ji;
            continue;
          }
          const m = 1 / (1 + ci * jj);
          out[oo + L.A + k] = aj * m * ai;
          out[oo + L.b + k] = aj * m * (bi + ci * ej) + bj;
          out[oo + L.C + k] = aj * m * ci * aj + cj;
          out[oo + L.eta + k] = ai * m * (ej - jj * bi) + ei;
          out[oo + L.J + k] = ai * m * jj * ai + ji;
        }
      },
    };
  }
  const DD = D * D;
  const lu = new Float64Array(DD), M = new Float64Array(DD), AjM = new Float64Array(DD), MAi = new Float64Array(DD);
  const tmp = new Float64Array(DD), col = new Float64Array(D), vec = new Float64Array(D);
  const result = new Float64Array(L.width);
  const pivots = new Int32Array(D);
  const matmul = (a: FloatArray, ao: number, b: FloatArray, bo: number, o: Float64Array, transposeA = false) => {
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        let s = 0;
        for (let k = 0; k < D; k++) s += (transposeA ? a[ao + k * D + i] : a[ao + i * D + k]) * b[bo + k * D + j];
        o[i * D + j] = s;
      }
    }
  };
  return {
    width: L.width,
    combine(x, xo, z, zo, out, oo) {
      const Ai = xo + L.A, bi = xo + L.b, Ci = xo + L.C, ei = xo + L.eta, Ji = xo + L.J;
      const Aj = zo + L.A, bj = zo + L.b, Cj = zo + L.C, ej = zo + L.eta, Jj = zo + L.J;
      // M = (I + C_i J_j)⁻¹, column by column from one LU factorisation.
      // A later step that observes nothing (λ = 0: η_j = J_j = 0) has M = I and no η_j, J_j
      // terms; they are skipped, not multiplied by zero, so an overflowed C_i or b_i gives
      // the recurrence's ±∞ rather than 0·∞ = NaN (λ = 0 must be DEER exactly).
      let observes = false;
      for (let i = 0; i < DD && !observes; i++) observes = z[Jj + i] !== 0;
      for (let i = 0; i < D && !observes; i++) observes = z[ej + i] !== 0;
      if (observes) {
        matmul(x, Ci, z, Jj, lu);
        for (let i = 0; i < D; i++) lu[i * D + i] += 1;
        luFactor(lu, D, pivots);
        for (let j = 0; j < D; j++) {
          col.fill(0);
          col[j] = 1;
          luSolve(lu, D, pivots, col);
          for (let i = 0; i < D; i++) M[i * D + j] = col[i];
        }
      } else {
        for (let i = 0; i < DD; i++) M[i] = i % (D + 1) === 0 ? 1 : 0;
      }
      matmul(z, Aj, M, 0, AjM); // A_j M
      matmul(M, 0, x, Ai, MAi); // M A_i
      // A = A_j M A_i
      matmul(AjM, 0, x, Ai, tmp);
      result.set(tmp, L.A);
      // b = A_j M (b_i + C_i η_j) + b_j
      for (let i = 0; i < D; i++) {
        let s = x[bi + i];
        if (observes) for (let k = 0; k < D; k++) s += x[Ci + i * D + k] * z[ej + k];
        vec[i] = s;
      }
      for (let i = 0; i < D; i++) {
        let s = z[bj + i];
        for (let k = 0; k < D; k++) s += AjM[i * D + k] * vec[k];
        result[L.b + i] = s;
      }
      // C = A_j M C_i A_jᵀ + C_j
      matmul(AjM, 0, x, Ci, tmp);
      for (let i = 0; i < D; i++) {
        for (let j = 0; j < D; j++) {
          let s = z[Cj + i * D + j];
          for (let k = 0; k < D; k++) s += tmp[i * D + k] * z[Aj + j * D + k];
          result[L.C + i * D + j] = s;
        }
      }
      // η = (M A_i)ᵀ (η_j − J_j b_i) + η_i
      if (!observes) {
        for (let i = 0; i < D; i++) result[L.eta + i] = x[ei + i];
        for (let i = 0; i < DD; i++) result[L.J + i] = x[Ji + i];
      } else {
        for (let i = 0; i < D; i++) {
          let s = z[ej + i];
          for (let k = 0; k < D; k++) s -= z[Jj + i * D + k] * x[bi + k];
          vec[i] = s;
        }
        for (let i = 0; i < D; i++) {
          let s = x[ei + i];
          for (let k = 0; k < D; k++) s += MAi[k * D + i] * vec[k];
          result[L.eta + i] = s;
        }
        // J = (M A_i)ᵀ J_j A_i + J_i
        matmul(z, Jj, x, Ai, tmp); // J_j A_i
        for (let i = 0; i < D; i++) {
          for (let j = 0; j < D; j++) {
            let s = x[Ji + i * D + j];
            for (let k = 0; k < D; k++) s += MAi[k * D + i] * tmp[k * D + j];
            result[L.J + i * D + j] = s;
          }
        }
      }
      for (let i = 0; i < L.width; i++) out[oo + i] = result[i];
    },
  };
}

/** Reads the means (the `b` parts) and covariances (`C` parts) out of scanned elements. */
export function readFilteredElements(structure: 'dense' | 'diagonal', D: number, T: number, elements: FloatArray, means: FloatArray, covariances: FloatArray | undefined): void {
  const L = layout(structure, D);
  const m = structure === 'dense' ? D * D : D;
  for (let t = 0; t < T; t++) {
    const e = t * L.width;
    for (let i = 0; i < D; i++) means[t * D + i] = elements[e + L.b + i];
    if (covariances !== undefined) for (let i = 0; i < m; i++) covariances[t * m + i] = elements[e + L.C + i];
  }
}
