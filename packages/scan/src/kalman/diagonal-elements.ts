import type { FloatArray } from '../float-array.js';
import type { Monoid } from '../monoid.js';
import type { KalmanElements } from '../structure.js';

/**
 * The parallel Kalman filter of Särkkä & García-Fernández (2021, "Temporal parallelization
 * of Bayesian smoothers", Lemmas 7–8) for diagonal transitions: every coordinate is a
 * scalar filter, so an element (a, b, c, η, j) is five numbers per coordinate, packed
 * `[a: D][b: D][c: D][η: D][j: D]`. The inclusive scan holds the filtered mean in `b` and
 * the variance in `c`. The element formulas and the combine are those of the dense form
 * (dense-block-elements.ts) with every matrix a scalar.
 */
export function diagonalElements(D: number): KalmanElements {
  const width = 5 * D;
  return {
    width,
    build(A, b, y, s0, lambda, q, out) {
      buildDiagonal(D, A, b, y, s0, lambda, q, out);
    },
    monoid: diagonalElementMonoid(D),
    read(elements, T, means, covariances) {
      for (let t = 0; t < T; t++) {
        const e = t * width;
        for (let i = 0; i < D; i++) means[t * D + i] = elements[e + D + i];
        if (covariances !== undefined) for (let i = 0; i < D; i++) covariances[t * D + i] = elements[e + 2 * D + i];
      }
    },
  };
}

/**
 * With H = I, Q = qI, R = I/λ every step's gain is κ = qλ/(qλ + 1); for t > 1, with
 * f = a_t and c = b_t:  a = (1 − κ)f, b = (1 − κ)c + κy, c = (1 − κ)q,
 * η = λ/(qλ+1)·f(y − c), j = λ/(qλ+1)·f². The first step (s_0 known exactly) has
 * a = η = j = 0 and b = (1 − κ)(f s_0 + c) + κy.
 */
function buildDiagonal(D: number, A: FloatArray, b: FloatArray, y: FloatArray, s0: ArrayLike<number>, lambda: number, q: number, out: FloatArray): void {
  const T = b.length / D;
  const width = 5 * D;
  const kappa = (q * lambda) / (q * lambda + 1);
  const precision = lambda / (q * lambda + 1);
  for (let t = 0; t < T; t++) {
    const e = t * width;
    const ao = t * D;
    out.fill(0, e, e + width);
    if (t === 0) {
      for (let i = 0; i < D; i++) {
        const pred = b[i] + A[i] * s0[i];
        out[e + D + i] = (1 - kappa) * pred + kappa * y[i];
        out[e + 2 * D + i] = (1 - kappa) * q;
      }
      continue;
    }
    for (let i = 0; i < D; i++) {
      const f = A[ao + i];
      out[e + i] = (1 - kappa) * f;
      out[e + D + i] = (1 - kappa) * b[t * D + i] + kappa * y[t * D + i];
      out[e + 2 * D + i] = (1 - kappa) * q;
      // λ = 0 observes nothing: η = j = 0 exactly (left zero), even where f or y − c
      // overflow (0·∞ would put NaN into the scan).
      if (precision !== 0) {
        out[e + 3 * D + i] = precision * f * (y[t * D + i] - b[t * D + i]);
        out[e + 4 * D + i] = precision * f * f;
      }
    }
  }
}

/**
 * "a_i then a_j", with m = 1/(1 + c_i j_j):  a = a_j m a_i,  b = a_j m (b_i + c_i η_j) + b_j,
 * c = a_j m c_i a_j + c_j,  η = a_i m (η_j − j_j b_i) + η_i,  j = a_i m j_j a_i + j_i.
 */
function diagonalElementMonoid(D: number): Monoid {
  const B = D, C = 2 * D, E = 3 * D, J = 4 * D;
  return {
    width: 5 * D,
    combine(x, xo, z, zo, out, oo) {
      for (let k = 0; k < D; k++) {
        const ai = x[xo + k], bi = x[xo + B + k], ci = x[xo + C + k], ei = x[xo + E + k], ji = x[xo + J + k];
        const aj = z[zo + k], bj = z[zo + B + k], cj = z[zo + C + k], ej = z[zo + E + k], jj = z[zo + J + k];
        if (jj === 0 && ej === 0) {
          // The later step observes nothing (λ = 0): m = 1 and the terms in η_j, j_j
          // vanish exactly — skipped, since 0·∞ would turn an overflowed c_i or b_i
          // into NaN where the recurrence gives ±∞ (λ = 0 must be DEER exactly).
          out[oo + k] = aj * ai;
          out[oo + B + k] = aj * bi + bj;
          out[oo + C + k] = aj * ci * aj + cj;
          out[oo + E + k] = ei;
          out[oo + J + k] = ji;
          continue;
        }
        const m = 1 / (1 + ci * jj);
        out[oo + k] = aj * m * ai;
        out[oo + B + k] = aj * m * (bi + ci * ej) + bj;
        out[oo + C + k] = aj * m * ci * aj + cj;
        out[oo + E + k] = ai * m * (ej - jj * bi) + ei;
        out[oo + J + k] = ai * m * jj * ai + ji;
      }
    },
  };
}
