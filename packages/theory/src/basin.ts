import { checkRecord, describeValue, UnrollError } from '@unroll/scan';
import { checkPositive } from './arguments.js';

/** Throws unless `v` is a finite number ≥ 0. */
function nonNegative(where: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be finite and ≥ 0, got ${describeValue(v)}.`);
}

/**
 * Radius of DEER's basin of quadratic convergence in residual norm, 2μ/L: Gauss–Newton on
 * the merit obeys ‖r_{i+1}‖ ≤ (L/2μ)‖r_i‖² (predictability paper, App. H, eq. 36), which
 * contracts once ‖r_i‖ < 2μ/L. Theorem 5 states the safer μ/L, inside which every step at
 * least halves the residual; that is half this radius. L is the Lipschitz constant of the
 * dynamics' Jacobian (Theorem 3: also that of the residual Jacobian); μ the merit's PL
 * constant (`meritConditioning`, or `plBounds` from the LLE).
 */
export function quadraticBasinRadius(options: { mu: number; lipschitz: number }): number {
  checkRecord('quadraticBasinRadius(options)', 'options', options, '{ mu: 1e-3, lipschitz: 2 }');
  const { mu, lipschitz } = options;
  nonNegative('quadraticBasinRadius', 'mu', mu);
  nonNegative('quadraticBasinRadius', 'lipschitz', lipschitz);
  return lipschitz === 0 ? Infinity : (2 * mu) / lipschitz;
}

/** Options of {@link predictIterations}. */
export interface PredictIterationsOptions {
  /** PL constant μ of the merit. */
  readonly mu: number;
  /** Lipschitz constant L of the Jacobian (0 for linear dynamics: one iterate is exact). */
  readonly lipschitz: number;
  /** ‖r(s⁽⁰⁾)‖: the residual norm of the initial guess. */
  readonly residual: number;
  /** Linear rate β ∈ (0, 1) of the first phase (Theorem 4). */
  readonly beta: number;
  /** Overshoot χ ≥ 1 of the first phase (default 1: the two-phase model's assumption). */
  readonly chi?: number;
  /** Residual norm to reach (default 1e-10). */
  readonly tol?: number;
  /** Sequence length: no method needs more than T iterations (default ∞). */
  readonly T?: number;
}

/** What {@link predictIterations} returns. */
export interface PredictedIterations {
  /** Total predicted iterations, at least 1 and at most T. */
  readonly iterations: number;
  /** Phase 1: linear-rate steps to reach the basin μ/L (eq. 37). */
  readonly linearPhase: number;
  /** Phase 2: quadratic steps from the basin to `tol`. */
  readonly quadraticPhase: number;
}

/**
 * DEER's iteration count under the two-phase model of the predictability paper (App. J.1):
 * first ‖r_i‖ ≤ χβⁱ‖r_0‖ shrinks linearly until it enters the basin μ/L, which takes
 * k = log(χL‖r_0‖/μ)/log(1/β) steps (eq. 37) — logarithmic in 1/μ, hence linear in λT for
 * chaotic systems; then u_{j+1} ≤ u_j² for u = (L/2μ)‖r‖ (eq. 36) starting at u ≤ ½ takes
 * ⌈log₂ log₂(2μ/(L·tol))⌉ more steps. Never more than T.
 */
export function predictIterations(options: PredictIterationsOptions): PredictedIterations {
  const where = 'predictIterations';
  checkRecord('predictIterations(options)', 'options', options, '{ mu, lipschitz, residual, beta: 0.5 }');
  // Defaults apply to absent chi, tol and T only: null is refused like any other wrong type.
  const { mu, lipschitz, residual, beta, chi = 1, tol = 1e-10, T = Infinity } = options;
  checkPositive(where, 'tol', tol);
  nonNegative(where, 'mu', mu);
  nonNegative(where, 'residual', residual);
  nonNegative(where, 'lipschitz', lipschitz);
  const rate: unknown = beta;
  if (typeof rate !== 'number' || !(rate > 0 && rate < 1)) throw new UnrollError('INVALID_ARGUMENT', `${where}: beta must be in (0, 1), got ${describeValue(rate)}.`);
  const overshoot: unknown = chi;
  if (typeof overshoot !== 'number' || !(overshoot >= 1) || !Number.isFinite(overshoot)) throw new UnrollError('INVALID_ARGUMENT', `${where}: chi must be finite and ≥ 1, got ${describeValue(overshoot)}.`);
  const steps: unknown = T;
  if (typeof steps !== 'number' || !(steps >= 1) || !(Number.isInteger(steps) || steps === Infinity)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: T must be an integer ≥ 1 (or Infinity, the default), got ${describeValue(steps)}.`);
  }
  const cap = (k: number) => Math.max(1, Math.min(T, k));
  if (residual <= tol) return { iterations: 1, linearPhase: 0, quadraticPhase: 0 };
  if (lipschitz === 0) return { iterations: 1, linearPhase: 0, quadraticPhase: 1 }; // linear dynamics: Newton is exact at once
  if (mu === 0) return { iterations: cap(Infinity), linearPhase: Infinity, quadraticPhase: 0 };
  const basin = mu / lipschitz;
  const linearPhase = Math.max(0, Math.ceil(Math.log((chi * residual) / basin) / Math.log(1 / beta)));
  const depth = Math.log2((2 * basin) / tol);
  const quadraticPhase = depth > 1 ? Math.ceil(Math.log2(depth)) : 1;
  return { iterations: cap(linearPhase + quadraticPhase), linearPhase, quadraticPhase };
}
