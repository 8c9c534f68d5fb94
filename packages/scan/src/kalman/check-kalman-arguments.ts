import { isFloatArray, type FloatArray } from '../float-array.js';
import { UnrollError } from '../unroll-error.js';
import { describe } from '../validate.js';

/** The packing a Kalman capability reads and writes: D, numbers per A_t, numbers per covariance. */
export interface KalmanPacking {
  /** How the capability is named in messages, e.g. `dense(3).kalman`. */
  readonly where: string;
  readonly dim: number;
  readonly width: number;
  readonly covarianceWidth: number;
}

/**
 * Checks a capability's model in O(D) — lengths against T = b.length / D, a finite s0,
 * λ ≥ 0 and q > 0 — so a wrong packing is a typed error, never a silent out-of-bounds read
 * (NaN) or dropped write. Returns T.
 */
export function checkKalmanModel(p: KalmanPacking, where: string, A: FloatArray, b: FloatArray, y: FloatArray, s0: ArrayLike<number>, lambda: number, q: number): number {
  const { dim: D, width } = p;
  if (!isFloatArray(b) || b.length % D !== 0) {
    throw new UnrollError('LENGTH_MISMATCH', `${where}: b must be a float array of T·D numbers (D = ${D}), got ${lengthOf(b)}.`);
  }
  const T = b.length / D;
  checkLength(where, 'A', A, T * width, T);
  checkLength(where, 'y', y, T * D, T);
  const s0Given: unknown = s0;
  if (typeof s0Given !== 'object' || s0Given === null || s0.length !== D) {
    throw new UnrollError('DIMENSION_MISMATCH', `${where}: s0 must hold D = ${D} numbers, got ${describe(s0)}.`);
  }
  for (let i = 0; i < D; i++) {
    if (!Number.isFinite(s0[i])) throw new UnrollError('NON_FINITE', `${where}: s0[${i}] is ${String(s0[i])}; the known initial state must be finite.`);
  }
  if (typeof lambda !== 'number' || !(lambda >= 0) || !Number.isFinite(lambda)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: lambda must be finite and ≥ 0, got ${describe(lambda)}.`);
  }
  if (typeof q !== 'number' || !(q > 0) || !Number.isFinite(q)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: q (the process variance) must be finite and > 0, got ${describe(q)}.`);
  }
  return T;
}

/** Throws `LENGTH_MISMATCH` unless `x` is a float array of exactly n numbers. */
export function checkLength(where: string, name: string, x: unknown, n: number, T: number): void {
  if (!isFloatArray(x) || x.length !== n) {
    throw new UnrollError('LENGTH_MISMATCH', `${where}: ${name} must be a float array of ${n} numbers (T = ${T}), got ${lengthOf(x)}.`);
  }
}

function lengthOf(x: unknown): string {
  return isFloatArray(x) ? `${describe(x)} of length ${x.length}` : describe(x);
}
