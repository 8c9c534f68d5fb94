/// <reference types="@webgpu/types" />
export { createGpuRuntime, type GpuRuntime, type GpuRuntimeOptions } from './runtime.js';
export { defineGpuDynamics, type GpuDynamics, type GpuDynamicsSpec } from './gpu-dynamics.js';
export { gpuMethods, type GpuIterationInfo, type GpuMethod, type GpuSolveOptions, type GpuSolveResult } from './gpu-solve.js';
export type { Evaluation, EvaluationPoints } from './evaluate.js';
export type { GpuGradientResult } from './gpu-gradient.js';
export type { GpuLimits } from './gpu-context.js';
export type { ScanKind } from './scan-kernels.js';
export type { ScanKernel } from './scan-config.js';
export type { LookBack } from './chained-kernel.js';
export type { ScanMeasurement, ScanMeasurementOptions } from './measure-scan.js';
// The one error class of every unroll package (from @unroll/scan), importable from this one too.
export { UnrollError, type UnrollErrorCode } from '@unroll/scan';
