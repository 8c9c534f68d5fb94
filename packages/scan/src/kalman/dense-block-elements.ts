import type { FloatArray } from '../float-array.js';
import type { Monoid } from '../monoid.js';
import type { KalmanElements } from '../structure.js';
import { luFactor, luSolve } from './lu.js';

/**
 * The parallel Kalman filter of Särkkä & García-Fernández (2021, "Temporal parallelization
 * of Bayesian smoothers", Lemmas 7–8) for transitions made of dense B×B blocks (dense is
 * one block of size D). Each step becomes an element (A, b, C, η, J) of an associative
 * operation whose inclusive scan holds the filtered mean in `b` and covariance in `C`;
 * the blocks never couple (Q = qI, R = I/λ), so an element is one per block, packed
 * `[D/B][A: B²][b: B][C: B²][η: B][J: B²]`.
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
export function denseBlockElements(D: number, B: number): KalmanElements {
  const L = layout(B);
  const nb = D / B;
  const width = nb * L.width;
  return {
    width,
    build(A, b, y, s0, lambda, q, out) {
      buildDenseBlocks(D, B, A, b, y, s0, lambda, q, out);
    },
    monoid: denseBlockMonoid(D, B),
    read(elements, T, means, covariances) {
      const BB = B * B;
      for (let t = 0; t < T; t++) {
        for (let blk = 0; blk < nb; blk++) {
          const e = t * width + blk * L.width;
          for (let i = 0; i < B; i++) means[t * D + blk * B + i] = elements[e + L.b + i];
          if (covariances !== undefined) for (let i = 0; i < BB; i++) covariances[t * D * B + blk * BB + i] = elements[e + L.C + i];
        }
      }
    },
  };
}

type Layout = ReturnType<typeof layout>;

/** Offsets of the parts inside one block's element. */
function layout(B: number) {
  const m = B * B;
  return { A: 0, b: m, C: m + B, eta: 2 * m + B, J: 2 * m + 2 * B, width: 3 * m + 2 * B };
}

/** Packs the T elements of an ELK model into `out` (length T · D/B · (3B² + 2B)). */
function buildDenseBlocks(D: number, B: number, A: FloatArray, b: FloatArray, y: FloatArray, s0: ArrayLike<number>, lambda: number, q: number, out: FloatArray): void {
  const T = b.length / D;
  const L = layout(B);
  const nb = D / B;
  const BB = B * B;
  const W = D * B;
  const kappa = (q * lambda) / (q * lambda + 1);
  const precision = lambda / (q * lambda + 1);
  out.fill(0, 0, T * nb * L.width);
  for (let t = 0; t < T; t++) {
    for (let blk = 0; blk < nb; blk++) {
      const e = (t * nb + blk) * L.width;
      const ao = t * W + blk * BB;
      const vo = t * D + blk * B;
      if (t === 0) {
        for (let i = 0; i < B; i++) {
          let pred = b[vo + i];
          for (let j = 0; j < B; j++) pred += A[ao + i * B + j] * s0[blk * B + j];
          out[e + L.b + i] = (1 - kappa) * pred + kappa * y[vo + i];
          out[e + L.C + i * B + i] = (1 - kappa) * q;
        }
        continue;
      }
      for (let i = 0; i < B; i++) {
        out[e + L.b + i] = (1 - kappa) * b[vo + i] + kappa * y[vo + i];
        out[e + L.C + i * B + i] = (1 - kappa) * q;
      }
      for (let i = 0; i < BB; i++) out[e + L.A + i] = (1 - kappa) * A[ao + i];
      // λ = 0 observes nothing: η = J = 0 exactly (left zero), even where F or y − c
      // overflow (0·∞ would put NaN into the scan).
      if (precision === 0) continue;
      for (let j = 0; j < B; j++) {
        let acc = 0;
        for (let i = 0; i < B; i++) acc += A[ao + i * B + j] * (y[vo + i] - b[vo + i]);
        out[e + L.eta + j] = precision * acc;
        for (let k = 0; k < B; k++) {
          let s = 0;
          for (let i = 0; i < B; i++) s += A[ao + i * B + j] * A[ao + i * B + k];
          out[e + L.J + j * B + k] = precision * s;
        }
      }
    }
  }
}

interface CombineScratch {
  readonly lu: Float64Array;
  readonly M: Float64Array;
  readonly AjM: Float64Array;
  readonly MAi: Float64Array;
  readonly tmp: Float64Array;
  readonly col: Float64Array;
  readonly vec: Float64Array;
  readonly result: Float64Array;
  readonly pivots: Int32Array;
}

/** The associative operation on the elements, block by block; its scratch is made on first use. */
function denseBlockMonoid(D: number, B: number): Monoid {
  const L = layout(B);
  const nb = D / B;
  let scratch: CombineScratch | undefined;
  return {
    width: nb * L.width,
    combine(x, xo, z, zo, out, oo) {
      if (scratch === undefined) {
        const BB = B * B;
        scratch = {
          lu: new Float64Array(BB),
          M: new Float64Array(BB),
          AjM: new Float64Array(BB),
          MAi: new Float64Array(BB),
          tmp: new Float64Array(BB),
          col: new Float64Array(B),
          vec: new Float64Array(B),
          result: new Float64Array(L.width),
          pivots: new Int32Array(B),
        };
      }
      for (let blk = 0; blk < nb; blk++) {
        const off = blk * L.width;
        combineBlock(B, L, scratch, x, xo + off, z, zo + off, out, oo + off);
      }
    },
  };
}

/** `o ← a·b` for B×B row-major blocks. */
function matmul(B: number, a: FloatArray, ao: number, b: FloatArray, bo: number, o: Float64Array): void {
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      let s = 0;
      for (let k = 0; k < B; k++) s += a[ao + i * B + k] * b[bo + k * B + j];
      o[i * B + j] = s;
    }
  }
}

/** One block of "x then z" into out (through a scratch copy, so out may alias x or z). */
function combineBlock(B: number, L: Layout, s: CombineScratch, x: FloatArray, xo: number, z: FloatArray, zo: number, out: FloatArray, oo: number): void {
  const BB = B * B;
  const { lu, M, AjM, MAi, tmp, col, vec, result, pivots } = s;
  const Ai = xo + L.A, bi = xo + L.b, Ci = xo + L.C, ei = xo + L.eta, Ji = xo + L.J;
  const Aj = zo + L.A, bj = zo + L.b, Cj = zo + L.C, ej = zo + L.eta, Jj = zo + L.J;
  // M = (I + C_i J_j)⁻¹, column by column from one LU factorisation.
  // A later step that observes nothing (λ = 0: η_j = J_j = 0) has M = I and no η_j, J_j
  // terms; they are skipped, not multiplied by zero, so an overflowed C_i or b_i gives
  // the recurrence's ±∞ rather than 0·∞ = NaN (λ = 0 must be DEER exactly).
  let observes = false;
  for (let i = 0; i < BB && !observes; i++) observes = z[Jj + i] !== 0;
  for (let i = 0; i < B && !observes; i++) observes = z[ej + i] !== 0;
  if (observes) {
    matmul(B, x, Ci, z, Jj, lu);
    for (let i = 0; i < B; i++) lu[i * B + i] += 1;
    luFactor(lu, B, pivots);
    for (let j = 0; j < B; j++) {
      col.fill(0);
      col[j] = 1;
      luSolve(lu, B, pivots, col);
      for (let i = 0; i < B; i++) M[i * B + j] = col[i];
    }
  } else {
    for (let i = 0; i < BB; i++) M[i] = i % (B + 1) === 0 ? 1 : 0;
  }
  matmul(B, z, Aj, M, 0, AjM); // A_j M
  matmul(B, M, 0, x, Ai, MAi); // M A_i
  // A = A_j M A_i
  matmul(B, AjM, 0, x, Ai, tmp);
  result.set(tmp, L.A);
  // b = A_j M (b_i + C_i η_j) + b_j
  for (let i = 0; i < B; i++) {
    let acc = x[bi + i];
    if (observes) for (let k = 0; k < B; k++) acc += x[Ci + i * B + k] * z[ej + k];
    vec[i] = acc;
  }
  for (let i = 0; i < B; i++) {
    let acc = z[bj + i];
    for (let k = 0; k < B; k++) acc += AjM[i * B + k] * vec[k];
    result[L.b + i] = acc;
  }
  // C = A_j M C_i A_jᵀ + C_j
  matmul(B, AjM, 0, x, Ci, tmp);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      let acc = z[Cj + i * B + j];
      for (let k = 0; k < B; k++) acc += tmp[i * B + k] * z[Aj + j * B + k];
      result[L.C + i * B + j] = acc;
    }
  }
  if (!observes) {
    for (let i = 0; i < B; i++) result[L.eta + i] = x[ei + i];
    for (let i = 0; i < BB; i++) result[L.J + i] = x[Ji + i];
  } else {
    // η = (M A_i)ᵀ (η_j − J_j b_i) + η_i
    for (let i = 0; i < B; i++) {
      let acc = z[ej + i];
      for (let k = 0; k < B; k++) acc -= z[Jj + i * B + k] * x[bi + k];
      vec[i] = acc;
    }
    for (let i = 0; i < B; i++) {
      let acc = x[ei + i];
      for (let k = 0; k < B; k++) acc += MAi[k * B + i] * vec[k];
      result[L.eta + i] = acc;
    }
    // J = (M A_i)ᵀ J_j A_i + J_i
    matmul(B, z, Jj, x, Ai, tmp); // J_j A_i
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < B; j++) {
        let acc = x[Ji + i * B + j];
        for (let k = 0; k < B; k++) acc += MAi[k * B + i] * tmp[k * B + j];
        result[L.J + i * B + j] = acc;
      }
    }
  }
  for (let i = 0; i < L.width; i++) out[oo + i] = result[i];
}
