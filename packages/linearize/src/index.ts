export type { DerivativeSource, DerivativeSources, Dynamics, JvpFunction, StateFunction } from './dynamics.js';
export type { DynamicsBlock } from './dynamics-block.js';
export { defineDynamics, type DefinedDynamics, type DynamicsSpec } from './define-dynamics.js';
export { checkDynamicsWgsl, wgslDeclares, type DynamicsWgsl, type DynamicsWgslSpec } from './dynamics-wgsl.js';
export { finiteDifferenceJvp } from './finite-difference-jvp.js';
export { resolveDerivatives, type CallCounts, type Resolved, type ResolvedDerivatives } from './derivatives.js';
export { defineStrategy, type Linearizer, type LinearizerCost, type Strategy, type StrategySpec, type StrategyWgsl } from './strategy.js';
export { full } from './full.js';
export { diagonal } from './diagonal.js';
export { hutchinson, type HutchinsonOptions } from './hutchinson.js';
export { identity } from './identity.js';
export { zero } from './zero.js';
export { scaled } from './scaled.js';
export { clipped, type ClippedOptions } from './clipped.js';
// The structure extension point lives in @unroll/scan; re-exported so a custom strategy
// and its structure come from one import.
export { checkStructureLaws, defineStructure, type FloatArray, type Structure, type StructureLawReport } from '@unroll/scan';
// The one error class of every unroll package (from @unroll/scan), importable from this one too.
export { UnrollError, type UnrollErrorCode } from '@unroll/scan';
// The Dynamics and Strategy argument checks, shared by the packages that take them.
export { checkDynamics, checkStrategy, dynamicsNaming, type DynamicsNaming } from './dynamics-checks.js';
