import { UnrollError } from '../unroll-error.js';
import type { KalmanCapability } from '../structure.js';
import { assertDim, describe, maxArrayLength } from '../validate.js';
import { checkedCapability } from './checked-capability.js';
import { denseBlockElements } from './dense-block-elements.js';
import { denseBlockFilter, denseBlockScratch, type DenseBlockScratch } from './dense-block-filter.js';

/**
 * Kalman filtering with dense D×D transitions (ELK's inner solve, thesis §4.2 eq. 30):
 * the forward recursion and the Särkkä–García-Fernández elements, covariances `[T][D][D]`.
 * What `dense(D).kalman` is.
 */
export function denseKalman(D: number): KalmanCapability {
  assertDim('denseKalman', D);
  if (D * D > maxArrayLength) {
    throw new UnrollError('INVALID_ARGUMENT', `denseKalman(${D}): one ${D}×${D} covariance is ${D * D} numbers, more than one array can hold (2^32); use diagonalKalman(D) or blockDiagonalKalman(D, B).`);
  }
  return denseBlockKalman(`dense(${D}).kalman`, D, D);
}

/**
 * Kalman filtering with block-diagonal transitions, D/B dense B×B blocks packed
 * `[D/B][B][B]`. A block-diagonal A with Q = qI and R = I/λ keeps Σ block-diagonal, so the
 * filter is D/B independent dense filters: covariances `[T][D/B][B][B]` (D·B numbers per
 * step), the parallel elements one per block. What `blockDiagonal(D, B).kalman` is.
 */
export function blockDiagonalKalman(D: number, B: number): KalmanCapability {
  assertDim('blockDiagonalKalman', D);
  if (typeof B !== 'number' || !Number.isInteger(B) || B < 1 || D % B !== 0) {
    throw new UnrollError('INVALID_ARGUMENT', `blockDiagonalKalman(${D}, B): the block size B must be a positive integer that divides D, got ${describe(B)}.`);
  }
  if (D * B > maxArrayLength) {
    throw new UnrollError('INVALID_ARGUMENT', `blockDiagonalKalman(${D}, ${B}): one covariance is D·B = ${D * B} numbers, more than one array can hold (2^32); use smaller blocks.`);
  }
  return denseBlockKalman(`blockDiagonal(${D}, ${B}).kalman`, D, B);
}

/** The capability for D/B dense B×B blocks; the filter's scratch is allocated on its first call, once. */
function denseBlockKalman(where: string, D: number, B: number): KalmanCapability {
  let scratch: DenseBlockScratch | undefined;
  return checkedCapability(
    { where, dim: D, width: D * B, covarianceWidth: D * B },
    (A, b, y, s0, lambda, q, means, covariances) => {
      scratch ??= denseBlockScratch(D, B);
      denseBlockFilter(D, B, scratch, A, b, y, s0, lambda, q, means, covariances);
    },
    denseBlockElements(D, B),
  );
}
