import type { KalmanCapability } from '../structure.js';
import { assertDim } from '../validate.js';
import { checkedCapability } from './checked-capability.js';
import { diagonalElements } from './diagonal-elements.js';
import { diagonalFilter } from './diagonal-filter.js';

/**
 * Kalman filtering with diagonal transitions (quasi-ELK's inner solve, thesis §4.2 eq. 30
 * with Ã_t diagonal): D independent scalar filters, variances `[T][D]`; the forward
 * recursion needs no scratch. What `diagonal(D).kalman` is.
 */
export function diagonalKalman(D: number): KalmanCapability {
  assertDim('diagonalKalman', D);
  return checkedCapability(
    { where: `diagonal(${D}).kalman`, dim: D, width: D, covarianceWidth: D },
    (A, b, y, s0, lambda, q, means, covariances) => {
      diagonalFilter(D, A, b, y, s0, lambda, q, means, covariances);
    },
    diagonalElements(D),
  );
}
