import { UnrollError, allocate, dtypeOf, isFloatArray, scan, type FloatArray } from '@unroll/scan';
import { buildKalmanElements, kalmanElementWidth, kalmanMonoid, readFilteredElements } from './kalman-elements.js';
import { luFactor, luSolve } from './lu.js';
import { checkOptionsObject, describe } from './run-controls.js';

/** The linear Gaussian state space model of an ELK step (thesis §4.2, eq. 30). */
export interface KalmanModel {
  /** `'dense'`: A packed `[T][D][D]`; `'diagonal'`: A packed `[T][D]` (the quasi form). */
  readonly structure: 'dense' | 'diagonal';
  readonly dim: number;
  /** Transition matrices A_t (dynamics N(A_t s_{t−1} + b_t, q·I)). */
  readonly A: FloatArray;
  /** Offsets b_t, `[T][D]`. */
  readonly b: FloatArray;
  /** Observations y_t of s_t, `[T][D]` (ELK: the previous iterate). */
  readonly y: FloatArray;
  /** The known initial state (exact: zero prior covariance). */
  readonly s0: ArrayLike<number>;
  /** Observation precision λ = 1/variance ≥ 0 (0: observations ignored). */
  readonly lambda: number;
  /** Process-noise variance q (default 1, as in ELK). */
  readonly processVariance?: number;
}

/** Filtered means `[T][D]`, and the filtered covariances (`[T][D][D]` dense, `[T][D]` diagonal) unless skipped. */
export interface KalmanResult {
  readonly means: FloatArray;
  readonly covariances: FloatArray | undefined;
}

/** Options of {@link kalmanFilter}. */
export interface KalmanOptions {
  /** Where to write the means (`[T][D]`, the dtype of b). */
  readonly out?: FloatArray;
  /** Store the covariances (default true; ELK needs only the means). */
  readonly covariances?: boolean;
  /**
   * `'sequential'` (default): the forward recursion, the fastest on one thread.
   * `'parallel'`: the associative scan over Kalman elements (Särkkä & García-Fernández),
   * the O(log T)-depth form for parallel hardware; same result within rounding.
   */
  readonly algorithm?: 'sequential' | 'parallel';
}

/**
 * The Kalman filter of an ELK model, run forward in time — the exact reference and, on
 * one CPU thread, the fastest order (like the sequential loop for linear recurrences):
 *
 *     μ⁻ = A_t μ + b_t,   Σ⁻ = A_t Σ A_tᵀ + q I                       (predict)
 *     K  = λΣ⁻ (λΣ⁻ + I)⁻¹,  μ = μ⁻ + K (y_t − μ⁻),  Σ = Σ⁻ − K Σ⁻      (update)
 *
 * K is written in the precision λ rather than the variance 1/λ, so λ = 0 gives K = 0
 * exactly and the means are DEER's recurrence, bit for bit in the diagonal form
 * (thesis §4.3: the filtered means follow a linear recurrence with operator Γ_t A_t,
 * ‖Γ_t‖ ≤ 1/(1 + λ)).
 */
export function kalmanFilter(model: KalmanModel, optsIn: KalmanOptions = {}): KalmanResult {
  const given: unknown = model;
  if (typeof given !== 'object' || given === null) {
    throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: model must be an object { structure, dim, A, b, y, s0, lambda }, got ${describe(model)}.`);
  }
  const opts = checkOptionsObject<KalmanOptions>('kalmanFilter', optsIn, ['out', 'covariances', 'algorithm']);
  const { structure, dim: D, A, b, y, s0, lambda } = model;
  const q = model.processVariance ?? 1;
  checkModel(model, q);
  const T = b.length / D;
  const algorithm: unknown = opts.algorithm ?? 'sequential';
  if (algorithm !== 'sequential' && algorithm !== 'parallel') {
    throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: algorithm must be 'sequential' or 'parallel', got ${describe(algorithm)}.`);
  }
  const covariancesOption: unknown = opts.covariances ?? true;
  if (typeof covariancesOption !== 'boolean') throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: covariances must be true or false, got ${describe(covariancesOption)}.`);
  if (opts.out !== undefined) {
    if (!isFloatArray(opts.out) || opts.out.length !== T * D) {
      throw new UnrollError('LENGTH_MISMATCH', `kalmanFilter: out must be a float array of T·D = ${T * D} numbers, got ${describe(opts.out)}.`);
    }
    if (dtypeOf(opts.out) !== dtypeOf(b)) throw new UnrollError('DTYPE_MISMATCH', `kalmanFilter: out is ${dtypeOf(opts.out)} but b is ${dtypeOf(b)}; use the same dtype.`);
    for (const [name, x] of [['A', A], ['b', b], ['y', y]] as const) {
      if (overlaps(opts.out, x)) throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: out shares memory with ${name}; pass a separate array for out.`);
    }
  }
  const means = opts.out ?? allocate(dtypeOf(b), T * D);
  const keep = covariancesOption;
  if (algorithm === 'parallel') {
    const elements = allocate(dtypeOf(b), T * kalmanElementWidth(structure, D));
    buildKalmanElements(structure, D, A, b, y, s0, lambda, q, elements);
    scan(elements, kalmanMonoid(structure, D), { algorithm: 'blelloch', out: elements });
    const covariances = keep ? allocate(dtypeOf(b), T * (structure === 'dense' ? D * D : D)) : undefined;
    readFilteredElements(structure, D, T, elements, means, covariances);
    return { means, covariances };
  }
  if (structure === 'diagonal') {
    const variances = keep ? allocate(dtypeOf(b), T * D) : undefined;
    for (let i = 0; i < D; i++) {
      let m = s0[i] ?? 0;
      let v = 0;
      for (let t = 0; t < T; t++) {
        const o = t * D + i;
        const a = A[o];
        const mPred = a * m + b[o];
        const vPred = a * v * a + q;
        if (lambda === 0) {
          // K = 0: the means are DEER's recurrence exactly, even once a variance has
          // overflowed (the general form would compute 0·∞ there).
          m = mPred;
          v = vPred;
        } else if (vPred === Infinity) {
          // K → 1 as Σ⁻ → ∞: the update trusts the observation alone, μ = y, Σ = 1/λ.
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
    return { means, covariances: variances };
  }
  const covariances = keep ? allocate(dtypeOf(b), T * D * D) : undefined;
  const scratch = denseScratch(D);
  const { mean, cov, mPred, pPred, ap, gain, lu, rhs } = scratch;
  for (let i = 0; i < D; i++) mean[i] = s0[i] ?? 0;
  cov.fill(0);
  for (let t = 0; t < T; t++) {
    const ao = t * D * D;
    // Predict: μ⁻ = Aμ + b, Σ⁻ = A Σ Aᵀ + qI.
    for (let i = 0; i < D; i++) {
      let acc = b[t * D + i];
      for (let j = 0; j < D; j++) acc += A[ao + i * D + j] * mean[j];
      mPred[i] = acc;
    }
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        let acc = 0;
        for (let k = 0; k < D; k++) acc += A[ao + i * D + k] * cov[k * D + j];
        ap[i * D + j] = acc;
      }
    }
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        let acc = i === j ? q : 0;
        for (let k = 0; k < D; k++) acc += ap[i * D + k] * A[ao + j * D + k];
        pPred[i * D + j] = acc;
      }
    }
    if (lambda === 0) {
      // K = 0: the means are DEER's recurrence, even where Σ⁻ has overflowed.
      mean.set(mPred);
      cov.set(pPred);
      for (let i = 0; i < D; i++) means[t * D + i] = mean[i];
      if (covariances !== undefined) for (let i = 0; i < D * D; i++) covariances[t * D * D + i] = cov[i];
      continue;
    }
    // Update: K = λΣ⁻(λΣ⁻ + I)⁻¹. Both factors are symmetric and commute, so
    // K = (λΣ⁻ + I)⁻¹ λΣ⁻: solve (λΣ⁻ + I) K = λΣ⁻ column by column.
    for (let i = 0; i < D * D; i++) lu[i] = lambda * pPred[i];
    for (let i = 0; i < D; i++) lu[i * D + i] += 1;
    luFactor(lu, D, scratch.pivots);
    for (let j = 0; j < D; j++) {
      for (let i = 0; i < D; i++) rhs[i] = lambda * pPred[i * D + j];
      luSolve(lu, D, scratch.pivots, rhs);
      for (let i = 0; i < D; i++) gain[i * D + j] = rhs[i];
    }
    for (let i = 0; i < D; i++) {
      let acc = mPred[i];
      for (let j = 0; j < D; j++) acc += gain[i * D + j] * (y[t * D + j] - mPred[j]);
      mean[i] = acc;
    }
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        let acc = pPred[i * D + j];
        for (let k = 0; k < D; k++) acc -= gain[i * D + k] * pPred[k * D + j];
        cov[i * D + j] = acc;
      }
    }
    for (let i = 0; i < D; i++) means[t * D + i] = mean[i];
    if (covariances !== undefined) for (let i = 0; i < D * D; i++) covariances[t * D * D + i] = cov[i];
  }
  return { means, covariances };
}

function denseScratch(D: number) {
  return {
    mean: new Float64Array(D),
    cov: new Float64Array(D * D),
    mPred: new Float64Array(D),
    pPred: new Float64Array(D * D),
    ap: new Float64Array(D * D),
    gain: new Float64Array(D * D),
    lu: new Float64Array(D * D),
    rhs: new Float64Array(D),
    pivots: new Int32Array(D),
  };
}

function checkModel(model: KalmanModel, q: number): void {
  const { dim: D, A, b, y, s0, lambda } = model;
  const structure: unknown = model.structure;
  if (structure !== 'dense' && structure !== 'diagonal') {
    throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: structure must be 'dense' or 'diagonal', got ${String(structure)}.`);
  }
  if (!Number.isInteger(D) || D < 1) throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: dim must be a positive integer, got ${String(D)}.`);
  if (!isFloatArray(b) || b.length === 0 || b.length % D !== 0) {
    throw new UnrollError('LENGTH_MISMATCH', `kalmanFilter: b must hold T·D numbers (D = ${D}).`);
  }
  const T = b.length / D;
  const width = structure === 'dense' ? D * D : D;
  if (!isFloatArray(A) || A.length !== T * width) {
    throw new UnrollError('LENGTH_MISMATCH', `kalmanFilter: A must hold T·${width} = ${T * width} numbers for ${structure} transitions.`);
  }
  if (!isFloatArray(y) || y.length !== T * D) throw new UnrollError('LENGTH_MISMATCH', `kalmanFilter: y must hold T·D = ${T * D} numbers.`);
  const s0Given: unknown = s0;
  if (typeof s0Given !== 'object' || s0Given === null || s0.length !== D) {
    throw new UnrollError('DIMENSION_MISMATCH', `kalmanFilter: s0 must hold D = ${D} numbers, got ${describe(s0)}.`);
  }
  for (let i = 0; i < D; i++) {
    if (!Number.isFinite(s0[i])) throw new UnrollError('NON_FINITE', `kalmanFilter: s0[${i}] is ${String(s0[i])}; the known initial state must be finite.`);
  }
  if (typeof lambda !== 'number' || !(lambda >= 0) || !Number.isFinite(lambda)) throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: lambda must be finite and ≥ 0, got ${String(lambda)}.`);
  if (typeof q !== 'number' || !(q > 0) || !Number.isFinite(q)) throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: processVariance must be finite and > 0, got ${String(q)}.`);
}

/** True when two typed arrays share any bytes. */
function overlaps(a: FloatArray, b: FloatArray): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}
