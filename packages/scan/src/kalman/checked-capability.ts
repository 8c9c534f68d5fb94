import type { FloatArray } from '../float-array.js';
import type { KalmanCapability, KalmanElements } from '../structure.js';
import { UnrollError } from '../unroll-error.js';
import { describe } from '../validate.js';
import { checkKalmanModel, checkLength, type KalmanPacking } from './check-kalman-arguments.js';

/** The unchecked forward recursion of a built-in capability. */
export type KalmanFilterFn = KalmanCapability['filter'];

/**
 * A built-in capability whose entry points check their arguments first (O(D) per call,
 * nothing per step): a wrong packing is a typed `UnrollError` naming the array, where an
 * unchecked loop would read NaN past the end or drop writes.
 */
export function checkedCapability(p: KalmanPacking, filter: KalmanFilterFn, elements: KalmanElements): KalmanCapability {
  const { where, dim: D, covarianceWidth } = p;
  const { width, monoid } = elements;
  const parallel: KalmanElements = Object.freeze({
    width,
    monoid,
    build(A: FloatArray, b: FloatArray, y: FloatArray, s0: ArrayLike<number>, lambda: number, q: number, out: FloatArray) {
      const T = checkKalmanModel(p, `${where}.parallel.build`, A, b, y, s0, lambda, q);
      checkLength(`${where}.parallel.build`, 'out', out, T * width, T);
      elements.build(A, b, y, s0, lambda, q, out);
    },
    read(scanned: FloatArray, T: number, means: FloatArray, covariances: FloatArray | undefined) {
      const at = `${where}.parallel.read`;
      if (typeof T !== 'number' || !Number.isInteger(T) || T < 0) {
        throw new UnrollError('INVALID_ARGUMENT', `${at}: T must be a non-negative integer, got ${describe(T)}.`);
      }
      checkLength(at, 'elements', scanned, T * width, T);
      checkLength(at, 'means', means, T * D, T);
      if (covariances !== undefined) checkLength(at, 'covariances', covariances, T * covarianceWidth, T);
      elements.read(scanned, T, means, covariances);
    },
  });
  return Object.freeze({
    covarianceWidth,
    blocks: p.width / D,
    filter(A: FloatArray, b: FloatArray, y: FloatArray, s0: ArrayLike<number>, lambda: number, q: number, means: FloatArray, covariances: FloatArray | undefined) {
      const at = `${where}.filter`;
      const T = checkKalmanModel(p, at, A, b, y, s0, lambda, q);
      checkLength(at, 'means', means, T * D, T);
      if (covariances !== undefined) checkLength(at, 'covariances', covariances, T * covarianceWidth, T);
      filter(A, b, y, s0, lambda, q, means, covariances);
    },
    parallel,
  });
}
