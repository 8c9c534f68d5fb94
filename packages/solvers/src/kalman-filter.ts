import { allocate, dense, describeValue as describe, diagonal, dtypeOf, isFloatArray, scan, UnrollError, type FloatArray, type KalmanCapability, type KalmanElements, type Structure } from '@unroll/scan';
import { checkOptionsObject } from './run-controls.js';

/** The linear Gaussian state space model of an ELK step (thesis §4.2, eq. 30). */
export interface KalmanModel {
  /**
   * The family the A_t live in: a `Structure` that carries a Kalman capability
   * (`structure.kalman` — built in on `dense(D)`, `diagonal(D)`, `blockDiagonal(D, B)`;
   * a custom structure supplies its own), or the alias `'dense'` / `'diagonal'` for
   * `dense(dim)` / `diagonal(dim)`.
   */
  readonly structure: Structure | 'dense' | 'diagonal';
  /** The state dimension D: required with an alias; with a `Structure`, optional and equal to `structure.dim`. */
  readonly dim?: number;
  /** Transition matrices A_t packed in the structure, `T · structure.width` numbers (dynamics N(A_t s_{t−1} + b_t, q·I)). */
  readonly A: FloatArray;
  /** Offsets b_t, `[T][D]`; its length fixes T and its dtype the result's. */
  readonly b: FloatArray;
  /** Observations y_t of s_t, `[T][D]` (ELK: the previous iterate). */
  readonly y: FloatArray;
  /** The known initial state (exact: zero prior covariance). */
  readonly s0: ArrayLike<number>;
  /** Observation precision λ = 1/variance ≥ 0 (0: observations ignored — DEER's recurrence exactly). */
  readonly lambda: number;
  /** Process-noise variance q (default 1, as in ELK). */
  readonly processVariance?: number;
}

/**
 * Filtered means `[T][D]`, and the filtered covariances `[T][structure.kalman.covarianceWidth]`
 * (dense `[T][D][D]`, diagonal `[T][D]`, block-diagonal `[T][D/B][B][B]`) unless skipped.
 */
export interface KalmanResult {
  /** Filtered means `[T][D]`, row t − 1 the mean of s_t (the `out` option when given). */
  readonly means: FloatArray;
  /** Filtered covariances `[T][covarianceWidth]`; undefined with `covariances: false`. */
  readonly covariances: FloatArray | undefined;
}

/** Options of {@link kalmanFilter}. */
export interface KalmanOptions {
  /** Where to write the means (`[T][D]`, the dtype of b). */
  readonly out?: FloatArray;
  /** Store the covariances (default true; ELK needs only the means). */
  readonly covariances?: boolean;
  /**
   * `'sequential'` (default): the capability's forward recursion, the fastest on one thread.
   * `'parallel'`: the associative scan over its Kalman elements (Särkkä & García-Fernández),
   * the O(log T)-depth form for parallel hardware; same result within rounding. Needs
   * `structure.kalman.parallel`.
   */
  readonly algorithm?: 'sequential' | 'parallel';
}

const withKalman = 'dense(D), diagonal(D) and blockDiagonal(D, B)';
const maxArrayLength = 2 ** 32;

/**
 * The Kalman filter of an ELK model (thesis §4.2, eq. 30: the Levenberg–Marquardt step is
 * the filtered means of the LGSSM with dynamics N(A_t s + b_t, qI) observing y_t with
 * precision λ), run by the structure's Kalman capability: the forward recursion — the
 * exact reference and, on one CPU thread, the fastest order — or the parallel scan over
 * its elements. λ = 0 gives the recurrence s_t = A_t s_{t−1} + b_t exactly, also where a
 * variance overflows (for the built-ins: bit for bit on the sequential path).
 *
 * @example
 * ```ts
 * import { blockDiagonal } from '@unroll/scan';
 * import { kalmanFilter } from '@unroll/solvers';
 *
 * const T = 100, s0 = [0, 0, 0, 0];
 * const A = new Float64Array(T * 8).fill(0.25);      // [T][2][2][2]: two 2×2 blocks a step
 * const b = new Float64Array(T * 4).fill(1);         // [T][4]
 * const y = new Float64Array(T * 4).fill(2);         // the observed iterate, [T][4]
 * const { means } = kalmanFilter({ structure: blockDiagonal(4, 2), A, b, y, s0, lambda: 1 }, { covariances: false });
 * // 'diagonal' with dim is an alias of diagonal(dim): A is then [T][D]
 * kalmanFilter({ structure: 'diagonal', dim: 4, A: new Float64Array(T * 4).fill(0.5), b, y, s0, lambda: 0.5 });
 * ```
 * @throws {UnrollError} `INVALID_ARGUMENT`, `LENGTH_MISMATCH`, `DIMENSION_MISMATCH`,
 *   `DTYPE_MISMATCH`, `NON_FINITE` (s0), `MEMORY_BUDGET`, and `UNSUPPORTED` for a structure
 *   without `kalman` (or without `kalman.parallel` under `algorithm: 'parallel'`) — all
 *   before anything is allocated.
 */
export function kalmanFilter(model: KalmanModel, optsIn: KalmanOptions = {}): KalmanResult {
  const given: unknown = model;
  if (typeof given !== 'object' || given === null) {
    throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: model must be an object { structure, A, b, y, s0, lambda } (and dim with an alias structure), got ${describe(model)}.`);
  }
  const opts = checkOptionsObject<KalmanOptions>('kalmanFilter', optsIn, ['out', 'covariances', 'algorithm']);
  const algorithm: unknown = opts.algorithm ?? 'sequential';
  if (algorithm !== 'sequential' && algorithm !== 'parallel') {
    throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: algorithm must be 'sequential' or 'parallel', got ${describe(algorithm)}.`);
  }
  const structure = resolveStructure(model.structure, model.dim);
  const kalman = capabilityOf(structure);
  const parallel = algorithm === 'parallel' ? elementsOf(structure, kalman) : undefined;
  const { A, b, y, s0, lambda } = model;
  const q = model.processVariance ?? 1;
  const D = structure.dim;
  const T = checkArrays(structure, A, b, y, s0, lambda, q);
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
  const keep = covariancesOption;
  for (const [what, n] of [['covariances', keep ? T * kalman.covarianceWidth : 0], ['Kalman elements', parallel === undefined ? 0 : T * parallel.width]] as const) {
    if (n > maxArrayLength) {
      throw new UnrollError('MEMORY_BUDGET', `kalmanFilter: the ${what} would be ${n} numbers, more than one array can hold (2^32); ${what === 'covariances' ? 'pass covariances: false' : "use algorithm: 'sequential'"} or a shorter T.`);
    }
  }
  const means = opts.out ?? allocate(dtypeOf(b), T * D);
  const covariances = keep ? allocate(dtypeOf(b), T * kalman.covarianceWidth) : undefined;
  if (parallel === undefined) {
    kalman.filter(A, b, y, s0, lambda, q, means, covariances);
    return { means, covariances };
  }
  const elements = allocate(dtypeOf(b), T * parallel.width);
  parallel.build(A, b, y, s0, lambda, q, elements);
  scan(elements, parallel.monoid, { algorithm: 'blelloch', out: elements });
  parallel.read(elements, T, means, covariances);
  return { means, covariances };
}

// The aliases resolve to one structure per kind and dimension, kept for the next call, so
// a loop of aliased calls reuses one capability (and its scratch).
const aliases = new Map<'dense' | 'diagonal', Structure>();

/** The model's structure: a Structure as given, or the alias resolved with `dim`. */
function resolveStructure(structure: unknown, dim: unknown): Structure {
  if (structure === 'dense' || structure === 'diagonal') {
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1 || dim > maxArrayLength) {
      throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: dim must be a positive integer with the alias structure '${structure}', got ${describe(dim)}.`);
    }
    let s = aliases.get(structure);
    if (s?.dim !== dim) {
      s = structure === 'dense' ? dense(dim) : diagonal(dim);
      aliases.set(structure, s);
    }
    return s;
  }
  const hint = `a Structure with a Kalman capability (${withKalman} have one) or one of the aliases 'dense' or 'diagonal'`;
  if (typeof structure !== 'object' || structure === null) {
    throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: structure must be ${hint}, got ${describe(structure)}.`);
  }
  const s = structure as Partial<Record<keyof Structure, unknown>>;
  if (typeof s.name !== 'string' || typeof s.dim !== 'number' || !Number.isInteger(s.dim) || s.dim < 1 || typeof s.width !== 'number' || !Number.isInteger(s.width) || s.width < 0) {
    throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: structure must be ${hint}; this object lacks a name, a positive integer dim or a non-negative integer width.`);
  }
  if (dim !== undefined && dim !== s.dim) {
    throw new UnrollError('DIMENSION_MISMATCH', `kalmanFilter: dim is ${describe(dim)} but structure '${s.name}' has dim ${s.dim}; leave dim out with a Structure.`);
  }
  return structure as Structure;
}

/** `structure.kalman`, checked for shape; `UNSUPPORTED` naming the capability when absent. */
function capabilityOf(structure: Structure): KalmanCapability {
  const k: unknown = structure.kalman;
  if (k === undefined) {
    throw new UnrollError(
      'UNSUPPORTED',
      `kalmanFilter: structure '${structure.name}' has no Kalman capability (structure.kalman), which ELK's inner solve needs. ${withKalman} carry one; give a custom structure kalman: { covarianceWidth, filter, parallel? } (blockDiagonalKalman(D, B), denseKalman(D) and diagonalKalman(D) from @unroll/scan fit those packings), or use a method without λ.`,
    );
  }
  const c = (typeof k === 'object' && k !== null ? k : {}) as Partial<Record<keyof KalmanCapability, unknown>>;
  if (typeof c.filter !== 'function' || typeof c.covarianceWidth !== 'number' || !Number.isInteger(c.covarianceWidth) || c.covarianceWidth < 0) {
    throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: structure '${structure.name}'.kalman must be { covarianceWidth: a non-negative integer, filter: a function, parallel? }, got ${describe(k)}.`);
  }
  return k as KalmanCapability;
}

/** `kalman.parallel`, checked for shape; `UNSUPPORTED` naming it when absent. */
function elementsOf(structure: Structure, kalman: KalmanCapability): KalmanElements {
  const p: unknown = kalman.parallel;
  if (p === undefined) {
    throw new UnrollError(
      'UNSUPPORTED',
      `kalmanFilter: structure '${structure.name}' has no parallel Kalman elements (structure.kalman.parallel), which algorithm: 'parallel' needs. ${withKalman} carry them; use algorithm: 'sequential' here.`,
    );
  }
  const e = (typeof p === 'object' && p !== null ? p : {}) as Partial<Record<keyof KalmanElements, unknown>>;
  const m = (typeof e.monoid === 'object' && e.monoid !== null ? e.monoid : {}) as { width?: unknown; combine?: unknown };
  const ok = typeof e.width === 'number' && Number.isInteger(e.width) && e.width >= 1 && typeof e.build === 'function' && typeof e.read === 'function' && m.width === e.width && typeof m.combine === 'function';
  if (!ok) {
    throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: structure '${structure.name}'.kalman.parallel must be { width: a positive integer, build, read: functions, monoid: { width: the same, combine } }, got ${describe(p)}.`);
  }
  return p as KalmanElements;
}

/** Checks the model's arrays and numbers against the structure's packing; returns T. */
function checkArrays(structure: Structure, A: FloatArray, b: FloatArray, y: FloatArray, s0: ArrayLike<number>, lambda: number, q: number): number {
  const D = structure.dim;
  const W = structure.width;
  if (!isFloatArray(b) || b.length === 0 || b.length % D !== 0) {
    throw new UnrollError('LENGTH_MISMATCH', `kalmanFilter: b must hold T·D numbers (D = ${D}), got ${describe(b)}.`);
  }
  const T = b.length / D;
  if (!isFloatArray(A) || A.length !== T * W) {
    throw new UnrollError('LENGTH_MISMATCH', `kalmanFilter: A must hold T·${W} = ${T * W} numbers for ${structure.name} transitions, got ${describe(A)}.`);
  }
  if (!isFloatArray(y) || y.length !== T * D) throw new UnrollError('LENGTH_MISMATCH', `kalmanFilter: y must hold T·D = ${T * D} numbers, got ${describe(y)}.`);
  const s0Given: unknown = s0;
  if (typeof s0Given !== 'object' || s0Given === null || s0.length !== D) {
    throw new UnrollError('DIMENSION_MISMATCH', `kalmanFilter: s0 must hold D = ${D} numbers, got ${describe(s0)}.`);
  }
  for (let i = 0; i < D; i++) {
    if (!Number.isFinite(s0[i])) throw new UnrollError('NON_FINITE', `kalmanFilter: s0[${i}] is ${String(s0[i])}; the known initial state must be finite.`);
  }
  if (typeof lambda !== 'number' || !(lambda >= 0) || !Number.isFinite(lambda)) throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: lambda must be finite and ≥ 0, got ${String(lambda)}.`);
  if (typeof q !== 'number' || !(q > 0) || !Number.isFinite(q)) throw new UnrollError('INVALID_ARGUMENT', `kalmanFilter: processVariance must be finite and > 0, got ${String(q)}.`);
  return T;
}

/** True when two typed arrays share any bytes. */
function overlaps(a: FloatArray, b: FloatArray): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}
