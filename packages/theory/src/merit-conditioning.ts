import { checkDynamics, checkStrategy, full, type Dynamics, type Strategy } from '@unroll/linearize';
import { checkArrayLength, checkOptions, checkSeed, describeValue, isFloatArray, UnrollError, type FloatArray } from '@unroll/scan';
import { checkInitialState, seedPromise, theoryDynamics } from './arguments.js';
import { inverseNorm, type BlockBidiagonal } from './inverse-norm.js';

/** Options of {@link meritConditioning}. */
export interface MeritConditioningOptions {
  /**
   * Largest `T · D` computed to convergence (default 4096). Up to it, Lanczos runs until
   * its stopping rule holds, with a cap of `2 · T · D` steps that it does not reach in
   * practice, and `exact` says whether it converged. Chaotic and short trajectories take a
   * handful of steps; long predictable ones, whose top singular values of J⁻¹ cluster, up
   * to about T·D/3 (roughly a second at T·D = 4096). Above the limit, `maxIterations` caps
   * the work and the result is an estimate (`exact: false`). `Infinity` forces the full run.
   */
  readonly exactLimit?: number;
  /**
   * Lanczos steps above `exactLimit` (default 30), each one product with `J⁻ᵀJ⁻¹` (two
   * O(T·D²) passes). A Ritz value never exceeds the top eigenvalue it approximates, so the
   * budgeted ‖J⁻¹‖ is a lower bound and the reported `mu` an **upper bound** of the true μ
   * (more steps can only lower it). Not used at or below `exactLimit`.
   */
  readonly maxIterations?: number;
  /** Relative change of the top Ritz value that ends the iteration (default 1e-13). */
  readonly tol?: number;
  /** Seed of the random Lanczos start vector (default 1). */
  readonly seed?: number;
  /**
   * The most numbers (float64 entries) this call may store (default 2^26, 512 MiB): the
   * Jacobians, `(T − 1) · width` (D² dense), plus up to 66 Lanczos vectors of `T · D`. Beyond it:
   * `MEMORY_BUDGET`.
   */
  readonly memoryBudget?: number;
  /**
   * The exact Jacobian as a strategy whose structure holds it (default: the dynamics'
   * `jacobianStrategy`, else `full()` — dense). The A_t are stored in that structure,
   * (T − 1)·width numbers, and applied through its `apply` and `transpose` capabilities.
   */
  readonly jacobian?: Strategy;
}

/** What {@link meritConditioning} returns. */
export interface MeritConditioning {
  /**
   * The PL constant of the merit `L = ½‖r‖²` at this trajectory: `μ = σ_min(J)²`
   * (predictability paper, Proposition 1). Underflows to 0 on long chaotic trajectories
   * (μ ~ e^{−2λ(T−1)}); `log10SqrtMu` stays finite.
   */
  readonly mu: number;
  /** `√μ = σ_min(J) = 1 / ‖J⁻¹‖₂` — the quantity Theorem 2 bounds (compare with `plBounds`). */
  readonly sqrtMu: number;
  /** `log₁₀ √μ`, computed in log space: finite even when `mu` and `sqrtMu` underflow to 0. */
  readonly log10SqrtMu: number;
  /** True when `T · D ≤ exactLimit` and the iteration converged: `mu` is σ_min(J)² to `tol`. */
  readonly exact: boolean;
  /** Whether the Lanczos iteration met its stopping rule (also above `exactLimit`). */
  readonly converged: boolean;
  /** Products with `J⁻ᵀJ⁻¹` computed (0 when T = 1, where J = I). */
  readonly iterations: number;
}

/**
 * The exact conditioning of the merit function at one trajectory: μ = σ_min(J)², where J
 * is the TD × TD residual Jacobian of `r_t(s) = s_t − f_t(s_{t−1})` — block lower
 * bidiagonal, identity blocks on the diagonal and `−A_t = −∂f_t/∂s(s_{t−1})` below it
 * (predictability paper, Proposition 1: the merit is μ-PL with this μ on the set of
 * trajectories where J is evaluated). Theorem 2 bounds √μ through the Lyapunov exponent;
 * this computes it.
 *
 * J is never formed: √μ = 1/‖J⁻¹‖₂, and J⁻¹ is the linear recurrence
 * `x_t = A_t x_{t−1} + y_t` (J⁻¹ = Σ_k N^k, eq. 20), so {@link inverseNorm} finds
 * ‖J⁻¹‖₂ by Lanczos on `J⁻ᵀJ⁻¹` with O(T·D²) work per step, in log space — μ ~ e^{−2λT}
 * on chaotic trajectories is far below float64's range, and `log10SqrtMu` still reports it.
 *
 * The A_t come from `dyn.jacobian` when the dynamics have one, else from D JVPs per step
 * (the dynamics' own, or central finite differences of `step`), and are stored densely
 * once: `(T − 1) · D²` numbers. `s0` is checked but does not enter: A_1 multiplies s_0,
 * which is not an unknown. T = 1 gives J = I and μ = 1.
 *
 * @param dyn the dynamics.
 * @param s0 the initial state (D numbers).
 * @param states the trajectory `s_1 … s_T`, row-major `[T][D]` (row t − 1 holds s_t), e.g.
 *   a sequential rollout or a solver's iterate.
 * @example
 * ```ts
 * const dyn = logisticMap({ r: 4 });
 * const states = sequentialRollout(dyn, Float64Array.of(0.3), 3000, new Float64Array(3000));
 * const c = meritConditioning(dyn, [0.3], states);
 * c.mu;          // 0 — underflows: σ_min(J) ≈ 2^{−3000}
 * c.log10SqrtMu; // ≈ −3000 · log₁₀ 2 ≈ −903
 * ```
 * @throws {UnrollError} `INVALID_ARGUMENT` (not a Dynamics, bad options),
 *   `LENGTH_MISMATCH` (states not T·D numbers with T ≥ 1), `DIMENSION_MISMATCH` (s0 not D
 *   numbers), `NON_FINITE` (s0, states or a Jacobian entry not finite), `MEMORY_BUDGET`
 *   (the dense Jacobians exceed `memoryBudget`).
 */
export function meritConditioning(dyn: Dynamics, s0: ArrayLike<number>, states: FloatArray, options?: MeritConditioningOptions): MeritConditioning {
  const label = 'meritConditioning';
  checkDynamics(label, dyn, theoryDynamics);
  const D = dyn.dim;
  const given: unknown = states;
  if (!isFloatArray(given) && !Array.isArray(given)) {
    throw new UnrollError('INVALID_ARGUMENT', `${label}: states must be the trajectory s_1 … s_T, row-major [T][D] (a Float64Array), got ${describeValue(given)}.`);
  }
  const len = given.length;
  if (len === 0 || len % D !== 0) {
    throw new UnrollError(
      'LENGTH_MISMATCH',
      `${label}: states must hold T·D numbers (T ≥ 1 rows of D = ${D}), got ${String(len)}; pass the trajectory s_1 … s_T row-major, without s_0.`,
    );
  }
  const T = len / D;
  checkInitialState(label, s0, D);
  for (let i = 0; i < len; i++) {
    const v: unknown = given[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new UnrollError(
        'NON_FINITE',
        `${label}: states[${i}] (step ${Math.floor(i / D) + 1}) is ${describeValue(v)}; the trajectory must be finite — pass a converged or sequential trajectory.`,
      );
    }
  }
  const opts = checkOptions(label, options, '{ exactLimit: 4096, maxIterations: 30 }');
  // Defaults apply to absent options only: null is refused like any other wrong type.
  const { exactLimit = 4096, maxIterations: budgetIterations = 30, tol = 1e-13, seed = 1, memoryBudget = 2 ** 26, jacobian: jacobianOption }: { exactLimit?: unknown; maxIterations?: unknown; tol?: unknown; seed?: unknown; memoryBudget?: unknown; jacobian?: unknown } = opts;
  const strategy: unknown = jacobianOption ?? dyn.jacobianStrategy ?? full();
  checkStrategy(label, 'jacobian', strategy, 'full(), or an exact strategy such as diagonal() for a diagonal system');
  if (typeof exactLimit !== 'number' || !(exactLimit >= 0)) throw new UnrollError('INVALID_ARGUMENT', `${label}: exactLimit must be ≥ 0 (Infinity forces the full run), got ${describeValue(exactLimit)}.`);
  if (typeof budgetIterations !== 'number' || !Number.isInteger(budgetIterations) || budgetIterations < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `${label}: maxIterations must be a positive integer, got ${describeValue(budgetIterations)}.`);
  }
  if (typeof tol !== 'number' || !(tol > 0) || !Number.isFinite(tol)) throw new UnrollError('INVALID_ARGUMENT', `${label}: tol must be positive and finite, got ${describeValue(tol)}.`);
  checkSeed(label, 'seed', seed, seedPromise);
  if (typeof memoryBudget !== 'number' || !(memoryBudget > 0)) throw new UnrollError('INVALID_ARGUMENT', `${label}: memoryBudget must be a positive number of float64 entries, got ${describeValue(memoryBudget)}.`);

  const trajectoryStates: FloatArray = isFloatArray(given) ? given : Float64Array.from(given as readonly number[]);
  if (T === 1) return { mu: 1, sqrtMu: 1, log10SqrtMu: 0, exact: true, converged: true, iterations: 0 };

  const N = T * D;
  // The A_t live in the Jacobian's own structure: W numbers each (D² dense, D diagonal, …).
  const structure = strategy.structure(D);
  const D2 = structure.width;
  const transpose = structure.transpose?.bind(structure);
  if (transpose === undefined) {
    throw new UnrollError('UNSUPPORTED', `${label}: the Jacobian's structure '${structure.name}' has no transpose capability, which J⁻ᵀ needs; give it transpose(a, ao, out, oo), or use a dense jacobian (full()).`);
  }
  const small = N <= exactLimit;
  // Lanczos needs N steps to span the space with full reorthogonalization; its plain
  // recurrence (used past 64 steps) may need more on clustered spectra: 2N is generous.
  const maxIterations = small ? 2 * N : budgetIterations;
  // Jacobians, the recurrences' two TD-vectors and exponent rows, and the Lanczos vectors
  // inverseNorm keeps (at most 66: its 64 fully reorthogonalized steps plus two).
  const stored = (T - 1) * D2 + 2 * N + 2 * T + Math.min(maxIterations, 66) * N;
  if (stored > memoryBudget) {
    throw new UnrollError(
      'MEMORY_BUDGET',
      `${label}: ${T} steps of dimension ${D} need ${stored} numbers — the Jacobians A_t in '${structure.name}' ((T−1)·width = ${(T - 1) * D2}) and the Lanczos vectors — over memoryBudget = ${memoryBudget}. Use a shorter trajectory (a window of the steps), fewer maxIterations, a compact exact jacobian, or raise memoryBudget.`,
    );
  }
  checkArrayLength(label, `the Jacobians A_t ((T−1)·width = ${T - 1}·${D2})`, (T - 1) * D2, 'use a shorter trajectory (a window of the steps)');
  checkArrayLength(label, `the Lanczos vectors (${Math.min(maxIterations, 66)}·T·D = ${Math.min(maxIterations, 66)}·${N})`, Math.min(maxIterations, 66) * N, 'use a shorter trajectory (a window of the steps) or fewer maxIterations');

  const A = new Float64Array((T - 1) * D2);
  const lin = strategy.prepare(dyn);
  for (let t = 2; t <= T; t++) {
    // A_t = ∂f_t/∂s at s_{t−1}, which is row t − 2 of the trajectory.
    const ao = (t - 2) * D2;
    lin.fill(t, trajectoryStates, (t - 2) * D, A, ao);
    for (let k = 0; k < D2; k++) {
      if (!Number.isFinite(A[ao + k])) {
        throw new UnrollError(
          'NON_FINITE',
          `${label}: the Jacobian of step ${t} at s_${t - 1} has a non-finite entry (${String(A[ao + k])}); the dynamics must be differentiable along the trajectory.`,
        );
      }
    }
  }
  const transposed = new Float64Array(Math.max(1, D2));
  const op: BlockBidiagonal = {
    dim: D,
    steps: T,
    apply(t, x, xo, out, oo) {
      structure.apply(A, (t - 2) * D2, x, xo, out, oo);
    },
    applyTranspose(t, x, xo, out, oo) {
      transpose(A, (t - 2) * D2, transposed, 0);
      structure.apply(transposed, 0, x, xo, out, oo);
    },
  };
  const result = inverseNorm(op, { tol, seed, maxIterations });
  const logNorm = result.logNorm;
  return {
    mu: Math.exp(-2 * logNorm),
    sqrtMu: Math.exp(-logNorm),
    log10SqrtMu: -logNorm / Math.LN10,
    exact: small && result.converged,
    converged: result.converged,
    iterations: result.iterations,
  };
}
