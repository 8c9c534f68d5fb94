import type { FloatArray } from '@unroll/scan';
import type { DynamicsBlock } from './dynamics-block.js';
import type { DynamicsWgsl } from './dynamics-wgsl.js';
import type { Strategy } from './strategy.js';

/**
 * Where a derivative of a {@link Dynamics} comes from:
 * - `closed-form` — the user's (or system's) own function;
 * - `finite-difference` — a JVP by central differences of `step`;
 * - `jvp` — assembled from D Jacobian-vector products (columns, or diagonal entries);
 * - `jacobian` — a diagonal read off the full Jacobian.
 */
export type DerivativeSource = 'closed-form' | 'finite-difference' | 'jvp' | 'jacobian';

/** How each derivative of a dynamics made by `defineDynamics` is obtained. */
export interface DerivativeSources {
  /** The user's `jvp`, or central finite differences of `step` (2 `step` calls each). */
  readonly jvp: 'closed-form' | 'finite-difference';
  /** The user's `jacobian`, or D JVPs, one per column. */
  readonly jacobian: 'closed-form' | 'jvp';
  /** The user's `diagonal`, the diagonal of a closed-form `jacobian`, or D JVPs. */
  readonly diagonal: 'closed-form' | 'jacobian' | 'jvp';
}

/**
 * A state space model `s_t = f_t(s_{t−1})`, t = 1 … T, with `s_t ∈ R^D` — the contract
 * every unroll solver evaluates (the unifying framework's eq. 1; each method then solves
 * the linear recurrence of eq. 4 built from Ã_t ≈ ∂f_t/∂s). Time is 1-based: `step(t, …)` maps
 * `s_{t−1}` to `s_t`. All functions read the state at `(prev, po)` and write at
 * `(out, oo)`; they must not allocate per call, and `out` never overlaps `prev`.
 */
export interface Dynamics {
  /** The state dimension D. */
  readonly dim: number;
  /** Optional name, used in messages. */
  readonly name?: string;
  /** `out ← f_t(prev)` (D numbers). */
  step(t: number, prev: FloatArray, po: number, out: FloatArray, oo: number): void;
  /** `out ← ∂f_t/∂s (prev)`, D×D row-major. */
  jacobian?(t: number, prev: FloatArray, po: number, out: FloatArray, oo: number): void;
  /** `out ← diag ∂f_t/∂s (prev)` (D numbers). */
  diagonal?(t: number, prev: FloatArray, po: number, out: FloatArray, oo: number): void;
  /** `out ← ∂f_t/∂s (prev) · v` (D numbers). */
  jvp?(t: number, prev: FloatArray, po: number, v: FloatArray, vo: number, out: FloatArray, oo: number): void;
  /** Number of parameters θ that `vjpParams` differentiates (for gradients). */
  readonly paramCount?: number;
  /** `out ← wᵀ ∂f_t/∂θ (prev)`: the parameter vector-Jacobian product (`paramCount` numbers). */
  vjpParams?(t: number, prev: FloatArray, po: number, w: FloatArray, wo: number, out: FloatArray, oo: number): void;
  /**
   * A strategy whose Ã_t is this system's *exact* Jacobian in a compact structure
   * (diagonal, block-diagonal, permutation, …) — declared when the Jacobian has that
   * structure. `gradient` stores its adjoint recurrence in it (T·width numbers, not T·D²),
   * and `newton(dyn.jacobianStrategy)` is DEER at that structure's cost.
   */
  readonly jacobianStrategy?: Strategy;
  /** Set by `defineDynamics`: which derivatives are closed-form and which are derived. */
  readonly derivatives?: DerivativeSources;
  /**
   * The same dynamics in WGSL (see {@link DynamicsWgsl}): with it, the one object also
   * runs on the GPU runtime (`rt.solve(dyn, …)`). Give it to `defineDynamics` as
   * `wgsl: { source, params }`, which checks it.
   */
  readonly wgsl?: DynamicsWgsl;
  /**
   * f (and its diagonal or Jacobian) for a block of consecutive steps at once (see
   * {@link DynamicsBlock}): the CPU solver evaluates each iteration's T steps in blocks
   * sized for the cache through it, and f once per step per iteration. Optional.
   */
  readonly block?: DynamicsBlock;
}

/** The signature of a Jacobian-vector product. */
export type JvpFunction = NonNullable<Dynamics['jvp']>;
/** The signature of `jacobian` and `diagonal`. */
export type StateFunction = Dynamics['step'];
