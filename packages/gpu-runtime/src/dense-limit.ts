import { denseLimit } from '@unroll/solvers';

/**
 * Largest D of dense kernels (DEER, scale-ELK, dense scans): a thread holds two D×D
 * matrices in private memory. The project's one dense limit (`denseLimit`).
 */
export const maxDenseDim = denseLimit;
