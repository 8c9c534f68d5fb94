import { checkArrayLength, checkInteger, checkRecord, describeValue, UnrollError, type FloatArray } from '@unroll/scan';
import { checkNumbers, isArrayLike } from './arguments.js';
import { gaussianMixtureWgsl, twoWellWgsl, type PotentialWgsl } from './potential-wgsl.js';

/** A potential φ on R^D with closed-form gradient and Hessian (Langevin targets ∝ e^{−φ}). */
export interface Potential {
  /** The dimension D of its domain. */
  readonly dim: number;
  /** A name for messages (`'two-well'`, `'gaussian-mixture'`, …). */
  readonly name: string;
  /** Plain data describing the potential (for saving). */
  readonly params: Readonly<Record<string, unknown>>;
  /** φ's gradient and Hessian in WGSL (see {@link PotentialWgsl}): with it, `langevin` on this potential carries its WGSL too. */
  readonly wgsl?: PotentialWgsl;
  /** φ(x) at the point read at `(x, xo)`. */
  value(x: FloatArray, xo: number): number;
  /** `out ← ∇φ(x)`, D numbers at `(out, oo)`. */
  gradient(x: FloatArray, xo: number, out: FloatArray, oo: number): void;
  /** ∇²φ, D×D row-major. */
  hessian(x: FloatArray, xo: number, out: FloatArray, oo: number): void;
}

/**
 * The double well φ(x) = Σ_i (x_i² − 1)² on R^D (minima at ±1 in each coordinate, a
 * barrier of height 1 between them): ∇φ = 4x(x² − 1), ∇²φ = diag(12x² − 4).
 */
export function twoWell(dim = 1): Potential {
  checkInteger('twoWell(dim)', 'dim', dim, 1);
  checkArrayLength('twoWell(dim)', `a point of dim = ${dim}`, dim, 'pass a smaller dim');
  return {
    dim,
    name: 'two-well',
    params: { kind: 'two-well', dim },
    wgsl: twoWellWgsl(),
    value(x, xo) {
      let v = 0;
      for (let i = 0; i < dim; i++) v += (x[xo + i] ** 2 - 1) ** 2;
      return v;
    },
    gradient(x, xo, out, oo) {
      for (let i = 0; i < dim; i++) out[oo + i] = 4 * x[xo + i] * (x[xo + i] ** 2 - 1);
    },
    hessian(x, xo, out, oo) {
      out.fill(0, oo, oo + dim * dim);
      for (let i = 0; i < dim; i++) out[oo + i * dim + i] = 12 * x[xo + i] ** 2 - 4;
    },
  };
}

/** Parameters of {@link gaussianMixture}. */
export interface GaussianMixtureParams {
  /** The component means μ_k: K ≥ 1 vectors of D finite numbers. */
  readonly means: readonly (readonly number[])[];
  /** The component covariances Σ_k: one symmetric positive-definite D×D matrix (rows) per mean. */
  readonly covariances: readonly (readonly (readonly number[])[])[];
  /** Mixture weights (default equal); normalised. */
  readonly weights?: readonly number[];
}

/**
 * φ(x) = −log Σ_k w_k N(x; μ_k, Σ_k) with full covariances. With precisions P_k = Σ_k⁻¹,
 * g_k = P_k (x − μ_k) and responsibilities γ_k ∝ w_k N(x; μ_k, Σ_k):
 * ∇φ = Σ γ_k g_k and ∇²φ = Σ γ_k (P_k − g_k g_kᵀ) + (Σ γ_k g_k)(Σ γ_k g_k)ᵀ.
 */
export function gaussianMixture(params: GaussianMixtureParams): Potential {
  const where = 'gaussianMixture';
  checkRecord('gaussianMixture(params)', 'params', params, '{ means: [[0, 0]], covariances: [[[1, 0], [0, 1]]] }');
  const means: unknown = params.means, covariances: unknown = params.covariances;
  if (!Array.isArray(means) || means.length === 0) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: means must be a non-empty array of D-vectors (one per component), got ${describeValue(means)}.`);
  }
  if (!Array.isArray(covariances)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: covariances must be an array of D×D matrices (one per mean), got ${describeValue(covariances)}.`);
  }
  const K = means.length;
  if (covariances.length !== K) {
    throw new UnrollError('DIMENSION_MISMATCH', `${where}: need as many covariances as means (≥ 1), got ${K} means and ${covariances.length} covariances.`);
  }
  const first: unknown = means[0];
  const D = isArrayLike(first) ? first.length : 0;
  if (D < 1) throw new UnrollError('INVALID_ARGUMENT', `${where}: means[0] must be a non-empty array of numbers (its length is D), got ${describeValue(first)}.`);
  checkArrayLength(where, `the precisions (components·D² = ${K}·${D}²)`, K * D * D, 'use fewer components or a smaller D');
  const weights = params.weights === undefined ? new Array<number>(K).fill(1) : Array.from(checkNumbers(where, 'weights', params.weights, K));
  if (weights.some((w) => !(w > 0))) throw new UnrollError('INVALID_ARGUMENT', `${where}: weights must be K = ${K} positive numbers (they are normalised), got [${weights.join(', ')}].`);
  // Every mean and covariance entry finite, the covariances square and symmetric.
  for (let k = 0; k < K; k++) {
    checkNumbers(where, `means[${k}]`, means[k], D);
    const C: unknown = covariances[k];
    if (!isArrayLike(C) || C.length !== D) {
      throw new UnrollError('DIMENSION_MISMATCH', `${where}: component ${k} must have a ${D}×${D} covariance (an array of ${D} rows), got ${describeValue(C)}.`);
    }
    const rows = Array.from(C, (row: unknown, i) => checkNumbers(where, `covariances[${k}][${i}]`, row, D));
    let scale = 0;
    for (let i = 0; i < D; i++) scale = Math.max(scale, Math.abs(rows[i]?.[i] ?? 0));
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < i; j++) {
        const a = rows[i]?.[j] ?? 0, b = rows[j]?.[i] ?? 0;
        if (Math.abs(a - b) > 1e-10 * scale) {
          throw new UnrollError('INVALID_ARGUMENT', `${where}: covariance ${k} is not symmetric (entry [${i}][${j}] = ${a}, [${j}][${i}] = ${b}); pass a symmetric positive definite matrix.`);
        }
      }
    }
  }
  const wsum = weights.reduce((a, b) => a + b, 0);
  const mu = new Float64Array(K * D);
  const P = new Float64Array(K * D * D);
  const logNorm = new Float64Array(K); // log w_k − ½ log det(2πΣ_k)
  for (let k = 0; k < K; k++) {
    const m = params.means[k] ?? [];
    const C = params.covariances[k] ?? [];
    if (m.length !== D || C.length !== D || C.some((row) => row.length !== D)) {
      throw new UnrollError('DIMENSION_MISMATCH', `gaussianMixture: component ${k} must have a ${D}-vector mean and a ${D}×${D} covariance.`);
    }
    for (let i = 0; i < D; i++) mu[k * D + i] = m[i] ?? 0;
    const L = cholesky(C, D, k);
    let logDet = 0;
    for (let i = 0; i < D; i++) logDet += 2 * Math.log(L[i * D + i] ?? 1);
    invertFromCholesky(L, D, P, k * D * D);
    logNorm[k] = Math.log((weights[k] ?? 1) / wsum) - 0.5 * (logDet + D * Math.log(2 * Math.PI));
  }
  const g = new Float64Array(K * D);
  const logp = new Float64Array(K);
  const gamma = new Float64Array(K);
  const mean = new Float64Array(D);
  /** Fills g_k and the responsibilities γ_k; returns log Σ_k w_k N(x; μ_k, Σ_k). */
  const components = (x: FloatArray, xo: number): number => {
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      let quad = 0;
      for (let i = 0; i < D; i++) {
        let acc = 0;
        for (let j = 0; j < D; j++) acc += P[k * D * D + i * D + j] * (x[xo + j] - mu[k * D + j]);
        g[k * D + i] = acc;
        quad += acc * (x[xo + i] - mu[k * D + i]);
      }
      logp[k] = logNorm[k] - 0.5 * quad;
      if (logp[k] > max) max = logp[k];
    }
    let total = 0;
    for (let k = 0; k < K; k++) total += Math.exp(logp[k] - max);
    for (let k = 0; k < K; k++) gamma[k] = Math.exp(logp[k] - max) / total;
    return max + Math.log(total);
  };
  return {
    dim: D,
    name: `gaussian-mixture(K=${K})`,
    params: { kind: 'gaussian-mixture', means: params.means, covariances: params.covariances, weights },
    wgsl: gaussianMixtureWgsl(K, mu, P, logNorm),
    value: (x, xo) => -components(x, xo),
    gradient(x, xo, out, oo) {
      components(x, xo);
      for (let i = 0; i < D; i++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc += gamma[k] * g[k * D + i];
        out[oo + i] = acc;
      }
    },
    hessian(x, xo, out, oo) {
      components(x, xo);
      mean.fill(0);
      for (let k = 0; k < K; k++) for (let i = 0; i < D; i++) mean[i] += gamma[k] * g[k * D + i];
      for (let i = 0; i < D; i++) {
        for (let j = 0; j < D; j++) {
          let acc = mean[i] * mean[j];
          for (let k = 0; k < K; k++) acc += gamma[k] * (P[k * D * D + i * D + j] - g[k * D + i] * g[k * D + j]);
          out[oo + i * D + j] = acc;
        }
      }
    },
  };
}

function cholesky(C: readonly (readonly number[])[], D: number, k: number): Float64Array {
  const L = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) {
      let acc = C[i]?.[j] ?? 0;
      for (let m = 0; m < j; m++) acc -= L[i * D + m] * L[j * D + m];
      if (i === j) {
        if (!(acc > 0)) throw new UnrollError('INVALID_ARGUMENT', `gaussianMixture: covariance ${k} is not symmetric positive definite.`);
        L[i * D + i] = Math.sqrt(acc);
      } else {
        L[i * D + j] = acc / L[j * D + j];
      }
    }
  }
  return L;
}

/** P = (L Lᵀ)⁻¹ into out at offset o. */
function invertFromCholesky(L: Float64Array, D: number, out: Float64Array, o: number): void {
  const col = new Float64Array(D);
  for (let c = 0; c < D; c++) {
    col.fill(0);
    col[c] = 1;
    for (let i = 0; i < D; i++) {
      let acc = col[i];
      for (let m = 0; m < i; m++) acc -= L[i * D + m] * col[m];
      col[i] = acc / L[i * D + i];
    }
    for (let i = D - 1; i >= 0; i--) {
      let acc = col[i];
      for (let m = i + 1; m < D; m++) acc -= L[m * D + i] * col[m];
      col[i] = acc / L[i * D + i];
    }
    for (let i = 0; i < D; i++) out[o + i * D + c] = col[i];
  }
}
