import type { LookBack } from './chained-kernel.js';

/**
 * Which kernels solve the diagonal and identity recurrences (the quasi-DEER, Jacobi-free
 * Picard, clip-/scale-ELK and quasi-ELK hot path):
 * - `'auto'` (default): the single-pass chained scan where the device allows it as one
 *   dispatch, reduce-then-scan otherwise;
 * - `'chained'`: the chained scan, refused with `UNSUPPORTED` where the device's limits do
 *   not allow it;
 * - `'reduce-then-scan'`: always reduce-then-scan.
 *
 * Dense, structure, projective and monoid scans are always reduce-then-scan.
 */
export type ScanKernel = 'auto' | 'chained' | 'reduce-then-scan';

/** How a runtime scans: steps per thread, the kernel choice and the chained scan's look-back. */
export interface ScanConfig {
  readonly chunk: number;
  readonly kernel: ScanKernel;
  readonly lookBack: LookBack;
}
