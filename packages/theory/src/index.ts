export { largestLyapunovExponent, finiteTimeLyapunov, type LyapunovEstimate, type LyapunovOptions } from './lyapunov.js';
export { lyapunovRegularity, type LyapunovRegularity } from './lyapunov-regularity.js';
export { plBounds, logInverseGeometricSum, type Bounds, type PlBounds } from './pl-bounds.js';
export { predictIterations, quadraticBasinRadius, type PredictedIterations, type PredictIterationsOptions } from './basin.js';
export { spectralNorm } from './spectral-norm.js';
export { rollout } from './trajectory.js';
export { convergenceFactor, picardInverseNorm, type ConvergenceFactor, type ConvergenceFactorOptions } from './convergence-factor.js';
export { inverseNorm, type BlockBidiagonal, type InverseNorm, type InverseNormOptions } from './inverse-norm.js';
export { meritConditioning, type MeritConditioning, type MeritConditioningOptions } from './merit-conditioning.js';
export { advise, type Advice, type AdviseOptions } from './advise.js';
export { predictIterationsAtRate, type PredictIterationsAtRateOptions, type PredictedIterationsAtRate } from './predict-iterations-at-rate.js';
export { predictWindowIterations, type PredictWindowIterationsOptions, type PredictedWindowIterations } from './predict-window-iterations.js';
// The one error class of every unroll package (from @unroll/scan), importable from this one too.
export { UnrollError, type UnrollErrorCode } from '@unroll/scan';
