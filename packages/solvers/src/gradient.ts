import { resolveDerivatives, type Dynamics } from '@unroll/linearize';
import { UnrollError, allocate, dense, dtypeOf, isFloatArray, linearRecurrence, type FloatArray } from '@unroll/scan';
import { checkArrayLength, checkDynamics, checkInitialState } from './check-arguments.js';
import { checkOptionsObject, describe } from './run-controls.js';

/** Options of {@link gradient}. */
export interface GradientOptions {
  /** Threads for the reverse-time scan (see `linearRecurrence`). Default 1. */
  readonly threads?: number;
}

/** What {@link gradient} returns. */
export interface GradientResult {
  /** dL/ds_t for t = 1 … T, `[T][D]` (the adjoint states λ_t). */
  readonly adjoints: FloatArray;
  /** dL/ds_0 (D numbers). */
  readonly initialState: Float64Array;
  /** dL/dθ (`paramCount` numbers) when the dynamics give `vjpParams`, else undefined. */
  readonly params: Float64Array | undefined;
}

/**
 * The exact backward pass of a solved trajectory as one reverse-time linear recurrence
 * (thesis §3.4.3, eqs. 24–26). For a loss L = Σ_t ℓ_t(s_t) with `dLds[t−1] = ∂ℓ_t/∂s_t`,
 * the adjoints λ_t = dL/ds_t satisfy
 *
 *     λ_T = ∂ℓ_T/∂s_T,   λ_t = ∂ℓ_t/∂s_t + A_{t+1}ᵀ λ_{t+1},   A_t = ∂f_t/∂s (s_{t−1}),
 *
 * which is `linearRecurrence` with the transposed Jacobians, run backwards in time (so the
 * same scan, and its threads, parallelize it). Then dL/ds_0 = A_1ᵀ λ_1 and, when the
 * dynamics give a parameter VJP, dL/dθ = Σ_t λ_tᵀ ∂f_t/∂θ (s_{t−1}).
 *
 * `states` must be the converged trajectory (from `solve`); the Jacobians are exact
 * (closed form, or D JVPs) and stored dense: T·D² numbers.
 */
export function gradient(dyn: Dynamics, s0: ArrayLike<number>, states: FloatArray, dLds: FloatArray, optsIn: GradientOptions = {}): GradientResult {
  const where = 'gradient';
  const opts = checkOptionsObject<GradientOptions>(where, optsIn, ['threads']);
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
  // Jacobians at a non-finite state are meaningless: the gradient of a trajectory that did
  // not converge (or overflowed) would be silently wrong.
  for (const [name, x] of [['states', states], ['dLds', dLds]] as const) {
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) {
        throw new UnrollError('NON_FINITE', `gradient: ${name}[${i}] is ${String(x[i])}; pass a finite, converged trajectory (check solve's converged) and finite ∂ℓ/∂s.`);
      }
    }
  }
  checkArrayLength(where, `the dense adjoint Jacobians (T·D² = ${T}·${D * D})`, T * D * D);
  const start = Float64Array.from(s0);
  const { jacobian } = resolveDerivatives(dyn);
  const dtype = dtypeOf(states);
  const DD = D * D;
  // Reverse time: row k (k = 0 … T−1) is step t = T − k. Its transition is A_{t+1}ᵀ
  // (none for k = 0: the recurrence starts from zero, so that row's matrix is unused).
  const At = allocate(dtype, T * DD);
  const b = allocate(dtype, T * D);
  const J = new Float64Array(DD);
  for (let k = 0; k < T; k++) {
    const t = T - k; // 1-based step whose adjoint row k holds
    for (let i = 0; i < D; i++) b[k * D + i] = dLds[(t - 1) * D + i];
    if (k === 0) continue;
    // A_{t+1} = ∂f_{t+1}/∂s at s_t (row t − 1 of states).
    jacobian.fn(t + 1, states, (t - 1) * D, J, 0);
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) At[k * DD + i * D + j] = J[j * D + i];
  }
  const reversed = linearRecurrence(dense(D), At, b, new Float64Array(D), { threads: opts.threads ?? 1 });
  const adjoints = allocate(dtype, T * D);
  for (let k = 0; k < T; k++) for (let i = 0; i < D; i++) adjoints[(T - 1 - k) * D + i] = reversed[k * D + i];

  // dL/ds_0 = A_1ᵀ λ_1.
  jacobian.fn(1, start, 0, J, 0);
  const initialState = new Float64Array(D);
  for (let j = 0; j < D; j++) {
    let acc = 0;
    for (let i = 0; i < D; i++) acc += J[i * D + j] * adjoints[i];
    initialState[j] = acc;
  }

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
  return { adjoints, initialState, params };
}
