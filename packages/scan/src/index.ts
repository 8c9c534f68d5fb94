export { UnrollError, type UnrollErrorCode } from './unroll-error.js';
export { setWarningHandler, warnOnce, type UnrollWarning, type WarningHandler } from './warnings.js';
export { allocate, dtypeOf, isFloatArray, isShared, sharedFloatArray, type Dtype, type FloatArray } from './float-array.js';
export { sumMonoid, type Monoid } from './monoid.js';
export { scan, type ScanAlgorithm, type ScanOptions } from './scan.js';
export { defineStructure, type KalmanCapability, type KalmanElements, type Structure, type StructureModule, type StructureSpec } from './structure.js';
export type { RecurrenceKernel } from './recurrence-kernel.js';
export type { StructureWgsl } from './structure-wgsl.js';
export { checkStructureLaws, checkStructureModule, type StructureLawOptions, type StructureLawReport } from './structure-laws.js';
export { dense } from './dense.js';
export { diagonal } from './diagonal.js';
export { identity } from './identity.js';
export { zero } from './zero.js';
export { blockDiagonal } from './block-diagonal.js';
export { permutation } from './permutation.js';
export { blockDiagonalKalman, denseKalman, diagonalKalman } from './kalman/index.js';
export { affineMonoid } from './affine-monoid.js';
export { linearRecurrence, type LinearRecurrenceOptions } from './linear-recurrence.js';
export { shutdownThreads } from './thread-pool.js';
export { mulberry32 } from './mulberry32.js';
/** Argument checks shared by the unroll packages: each throws UnrollError naming the argument. */
export {
  checkArrayLength,
  checkFunction,
  checkInteger,
  checkNumber,
  checkOptions,
  checkRecord,
  checkSeed,
  describeValue,
  isRecord,
  maxCheckedArrayLength,
  type Domain,
} from './argument-checks.js';
