import { checkDynamics, full, type Dynamics, type Strategy } from '@unroll/linearize';
import { allocate, describeValue as describe, dtypeOf, isFloatArray, linearRecurrence, UnrollError, type FloatArray } from '@unroll/scan';
import { checkArrayLength, checkInitialState } from './check-arguments.js';
import { checkOptionsObject } from './run-controls.js';

/** Options of {@link gradient}. */
export interface GradientOptions {
  /** Threads for the reverse-time scan (see `linearRecurrence`). Default 1. */
  readonly threads?: number;
  /**
   * The exact Jacobian as a strategy whose structure holds it (default: the dynamics'
   * `jacobianStrategy`, else `full()` — dense). The adjoint recurrence is stored in that
   * structure: T·width numbers. It must be exact, and its structure must have `transpose`.
   */
  readonly jacobian?: Strategy;
  /**
   * `'scan'` (default): the reverse-time linear recurrence over all T steps (parallel
   * shape; T·width numbers for the transposed Jacobians). `'sequential'`: one backward
   * sweep holding a single Jacobian at a time — O(T·D) memory for any structure, dense
   * included.
   */
  readonly adjoint?: 'scan' | 'sequential';
}

/** What {@link gradient} returns. */
export interface GradientResult {
  /** dL/ds_t for t = 1 … T, `[T][D]` (the adjoint states λ_t). */
  readonly adjoints: FloatArray;
  /** dL/ds_0 (D numbers). */
  readonly initialState: Float64Array;
  /** dL/dθ (`paramCount` numbers) when the dynamics give `vjpParams`, else undefined. */
  readonly params: Float64Array | undefined;
  /**
   * What the backward pass stored besides its result: the structure the transposed
   * Jacobians were kept in and how many numbers (T·width for `'scan'`, one element for
   * `'sequential'`).
   */
  readonly storage: {
    /** The name of the structure the transposed Jacobians were stored in (`'diagonal'`, `'dense'`, …). */
    readonly structure: string;
    /** How many numbers that storage took. */
    readonly numbers: number;
  };
}

/**
 * The exact backward pass of a solved trajectory as one reverse-time linear recurrence
 * (thesis §3.4.3, eqs. 24–26). For a loss L = Σ_t ℓ_t(s_t) with `dLds[t−1] = ∂ℓ_t/∂s_t`,
 * the adjoints λ_t = dL/ds_t satisfy
 *
 *     λ_T = ∂ℓ_T/∂s_T,   λ_t = ∂ℓ_t/∂s_t + A_{t+1}ᵀ λ_{t+1},   A_t = ∂f_t/∂s (s_{t−1}),
 *
 * which is `linearRecurrence(structure, Aᵀ, g, 0, { reverse: true })` with the transposed
 * Jacobians stored in the Jacobian's own structure (its `transpose` capability): a system
 * whose Jacobian is diagonal, block-diagonal or a permutation keeps T·D-sized adjoint
 * data, not T·D². Then dL/ds_0 = A_1ᵀ λ_1 and, when the dynamics give a parameter VJP,
 * dL/dθ = Σ_t λ_tᵀ ∂f_t/∂θ (s_{t−1}).
 *
 * `states` must be the converged trajectory (from `solve`).
 *
 * @example
 * ```ts
 * import { defineDynamics } from '@unroll/linearize';
 * import { gradient, solve } from '@unroll/solvers';
 *
 * // s_t = 0.5 s_{t−1} + 1, and the loss L = s_3: dL/ds_t is 0, 0, 1 for t = 1, 2, 3
 * const dyn = defineDynamics({
 *   dim: 1,
 *   step: (t, s, so, out, oo) => { out[oo] = 0.5 * s[so] + 1; },
 *   jacobian: (t, s, so, out, oo) => { out[oo] = 0.5; },
 * });
 * const { states } = solve(dyn, [2], 3);
 * const { initialState, adjoints } = gradient(dyn, [2], states, new Float64Array([0, 0, 1]));
 * initialState; // → Float64Array [0.125] — ∂s_3/∂s_0 = 0.5³
 * adjoints; // → Float64Array [0.25, 0.5, 1] — λ_t = ∂s_3/∂s_t
 * ```
 * @throws {UnrollError} `INVALID_ARGUMENT` (malformed arguments or options),
 *   `LENGTH_MISMATCH` (`states` not `[T][D]`, `dLds` not T·D numbers), `DTYPE_MISMATCH`
 *   (`dLds` and `states` in different dtypes), `NON_FINITE` (a state or ∂ℓ/∂s that is not
 *   finite), `UNSUPPORTED` (a `jacobian` strategy whose structure lacks `transpose`).
 */
export function gradient(dyn: Dynamics, s0: ArrayLike<number>, states: FloatArray, dLds: FloatArray, optsIn: GradientOptions = {}): GradientResult {
  const where = 'gradient';
  const opts = checkOptionsObject<GradientOptions>(where, optsIn, ['threads', 'jacobian', 'adjoint']);
  checkDynamics(where, dyn);
  const D = dyn.dim;
  checkInitialState(where, s0, D);
  if (!isFloatArray(states) || states.length === 0 || states.length % D !== 0) {
    throw new UnrollError('LENGTH_MISMATCH', `gradient: states must be the [T][D] trajectory (a multiple of D = ${D} numbers), got ${describe(states)}.`);
  }
  const T = states.length / D;
  if (!isFloatArray(dLds) || dLds.length !== T * D) {
    throw new UnrollError('LENGTH_MISMATCH', `gradient: dLds must hold ∂ℓ_t/∂s_t for every t: T·D = ${T * D} numbers, got ${describe(dLds)}.`);
  }
  if (dtypeOf(dLds) !== dtypeOf(states)) {
    throw new UnrollError('DTYPE_MISMATCH', `gradient: dLds is ${dtypeOf(dLds)} but states is ${dtypeOf(states)}; pass both in the same dtype.`);
  }
  // Jacobians at a non-finite state are meaningless: the gradient of a trajectory that did
  // not converge (or overflowed) would be silently wrong.
  for (const [name, x] of [['states', states], ['dLds', dLds]] as const) {
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) {
        throw new UnrollError('NON_FINITE', `gradient: ${name}[${i}] is ${String(x[i])}; pass a finite, converged trajectory (check solve's converged) and finite ∂ℓ/∂s.`);
      }
    }
  }
  const adjointMode: unknown = opts.adjoint ?? 'scan';
  if (adjointMode !== 'scan' && adjointMode !== 'sequential') {
    throw new UnrollError('INVALID_ARGUMENT', `gradient: adjoint must be 'scan' or 'sequential', got ${describe(adjointMode)}.`);
  }
  const strategy = jacobianStrategyOf(where, opts.jacobian ?? dyn.jacobianStrategy ?? full());
  const structure = strategy.structure(D);
  const W = structure.width;
  const transpose = structure.transpose?.bind(structure);
  if (transpose === undefined) {
    throw new UnrollError('UNSUPPORTED', `gradient: the Jacobian's structure '${structure.name}' has no transpose capability, which the adjoint recurrence needs; give it transpose(a, ao, out, oo), or use a dense jacobian (full()).`);
  }
  if (adjointMode === 'scan') checkArrayLength(where, `the transposed Jacobians (T·width = ${T}·${W})`, T * W);
  const start = Float64Array.from(s0);
  const lin = strategy.prepare(dyn);
  const dtype = dtypeOf(states);
  const element = new Float64Array(Math.max(1, W));
  const transposed = new Float64Array(Math.max(1, W));
  const adjoints = allocate(dtype, T * D);

  let stored: number;
  if (adjointMode === 'scan') {
    // Row t − 1 holds step t: A_{t+1}ᵀ (nothing for t = T, whose predecessor is λ_{T+1} = 0).
    const At = allocate(dtype, T * W);
    for (let t = 1; t < T; t++) {
      lin.fill(t + 1, states, (t - 1) * D, element, 0);
      transpose(element, 0, At, (t - 1) * W);
    }
    // The last row's matrix multiplies λ_{T+1} = 0: any element of the structure will do.
    if (W > 0) structure.identity(At, (T - 1) * W);
    linearRecurrence(structure, At, dLds, new Float64Array(D), { out: adjoints, reverse: true, threads: opts.threads ?? 1 });
    stored = T * W;
  } else {
    // One backward sweep: λ_t = g_t + A_{t+1}ᵀ λ_{t+1}, a single Jacobian in memory.
    const carry = new Float64Array(D);
    for (let i = 0; i < D; i++) adjoints[(T - 1) * D + i] = dLds[(T - 1) * D + i];
    for (let t = T - 1; t >= 1; t--) {
      lin.fill(t + 1, states, (t - 1) * D, element, 0);
      transpose(element, 0, transposed, 0);
      structure.apply(transposed, 0, adjoints, t * D, carry, 0);
      for (let i = 0; i < D; i++) adjoints[(t - 1) * D + i] = dLds[(t - 1) * D + i] + carry[i];
    }
    stored = W;
  }

  // dL/ds_0 = A_1ᵀ λ_1.
  lin.fill(1, start, 0, element, 0);
  transpose(element, 0, transposed, 0);
  const initialState = new Float64Array(D);
  structure.apply(transposed, 0, adjoints, 0, initialState, 0);

  let params: Float64Array | undefined;
  if (dyn.vjpParams !== undefined && dyn.paramCount !== undefined) {
    const P = dyn.paramCount;
    params = new Float64Array(P);
    const term = new Float64Array(P);
    for (let t = 1; t <= T; t++) {
      dyn.vjpParams(t, t === 1 ? start : states, t === 1 ? 0 : (t - 2) * D, adjoints, (t - 1) * D, term, 0);
      for (let p = 0; p < P; p++) params[p] += term[p];
    }
  }
  return { adjoints, initialState, params, storage: { structure: structure.name, numbers: stored } };
}

function jacobianStrategyOf(where: string, x: unknown): Strategy {
  const s = x as Partial<Strategy> | null;
  if (typeof s !== 'object' || s === null || typeof s.structure !== 'function' || typeof s.prepare !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: jacobian must be a Strategy that gives the exact Jacobian (full(), diagonal() for a diagonal system, defineStrategy(…)), got ${describe(x)}.`);
  }
  return x as Strategy;
}
