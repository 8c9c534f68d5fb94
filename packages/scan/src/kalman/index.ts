export { blockDiagonalKalman, denseKalman } from './dense-block-kalman.js';
export { diagonalKalman } from './diagonal-kalman.js';
