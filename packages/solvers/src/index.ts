export { solve } from './solve.js';
export { solveAsync } from './solve-async.js';
export { sequentialRollout } from './sequential-rollout.js';
export type { IterationInfo, Method, SolveOptions, SolveResult } from './solve-options.js';
export { kalmanFilter, type KalmanModel, type KalmanOptions, type KalmanResult } from './kalman-filter.js';
export { gradient, type GradientOptions, type GradientResult } from './gradient.js';
export { solveBatch } from './solve-batch.js';
export type { SolveBackend } from './solve-backend.js';
export { initialGuess } from './initial-guess.js';
export { checkOptionsObject, resolveRunControls, solveOptionKeys, type RunControls } from './run-controls.js';
// The backend seam: the one driver, and what a backend (CPU here, the GPU runtime) implements.
export { driveFixedPoint, type DriverOutcome, type DriverSettings, type IterationMeasure } from './fixed-point-driver.js';
export type { FixedPointBackend, UpdateMeasure } from './fixed-point-backend.js';
export { runWork, runWorkAsync, type Work } from './resumable-work.js';
export { decide, meritStops, verdict, type Decision, type FinalResidual, type IterationRecord, type PolicySettings } from './stopping-policy.js';
export {
  clipElk,
  deer,
  defaultMethod,
  denseLimit,
  elk,
  exactAfterT,
  jacobi,
  methodNames,
  newton,
  picard,
  quasiDeer,
  resolveMethod,
  scaleElk,
  sequential,
  type ElkBase,
  type FixedPointMethod,
  type InnerSolve,
  type LinearizationRecipe,
  type MethodName,
  type SequentialMethod,
  type SolveMethod,
} from './methods.js';
// The one error class of every unroll package (from @unroll/scan), importable from this one too.
export { UnrollError, type UnrollErrorCode } from '@unroll/scan';
// Advice that does not fail a solve (finite differences where a closed form would pay): route or silence it.
export { setWarningHandler, type UnrollWarning, type WarningHandler } from '@unroll/scan';
// The worker pool: a multi-core solve over t, a backend of solveAsync (README: "A multi-core solve").
export { createCpuWorkers, type CpuWorkers, type CpuWorkersOptions } from './workers/cpu-workers.js';
export { loadWorkerDynamics, withWorkerModule, workerModuleOf, type ResolvedWorkerModule, type WorkerDynamicsModule, type WorkerModuleResolution } from './workers/worker-dynamics.js';
