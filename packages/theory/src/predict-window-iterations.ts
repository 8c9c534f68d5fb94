import { checkInteger, checkRecord, describeValue, UnrollError } from '@unroll/scan';
import { checkPositive } from './arguments.js';

/** Options of {@link predictWindowIterations}. */
export interface PredictWindowIterationsOptions {
  /**
   * ε ≥ 0: max_t ‖A_t − Ã_t‖_∞, the part of the true Jacobian A_t the method leaves out of
   * its LDS (Picard: ‖A_t − I‖_∞, for SGD η‖H_t‖_∞; quasi-DEER: the off-diagonal part).
   */
  readonly neglected: number;
  /**
   * r: max_t ‖Ã_t‖_∞, the size of what the method keeps (default 1, Picard's identity;
   * quasi-DEER: max |(A_t)_ii|). Values below 1 count as 1.
   */
  readonly kept?: number;
  /** p: the steps solved together (a window, or the whole sequence T), an integer ≥ 1. */
  readonly window: number;
  /** E₀ ≥ 0: the initial guess's max-abs error over the window, max_t |s_t⁽⁰⁾ − s*_t|. */
  readonly initialError: number;
  /** The solver's tolerance on the max-abs change (stop `'delta'`), > 0. */
  readonly tol: number;
}

/** What {@link predictWindowIterations} returns. */
export interface PredictedWindowIterations {
  /** Solves by which stop `'delta'` must have stopped, counting the one whose change drops below `tol`; in [1, p]. */
  readonly iterations: number;
  /** The bound reached p: the window's exactness after p iterations, not the bound, decides the count. */
  readonly capped: boolean;
  /** ln B_i for i = 0 … p − 1: the bound on the max-abs error after i iterations (−∞ where it is 0). */
  readonly logErrorBound: Float64Array;
}

/**
 * An upper bound, to first order, on the iterations of a fixed-point method over a window
 * of p steps, from the part of the Jacobian it neglects. The error e⁽ⁱ⁾ = s⁽ⁱ⁾ − s* of the
 * LDS iteration obeys, linearized, e_t^{(i+1)} = Ã_t e_{t−1}^{(i+1)} + (A_t − Ã_t) e_{t−1}^{(i)}
 * with e_0 = 0 (unifying-framework paper, eq. 15: J̃⁻¹(J̃ − J) is strictly block lower
 * triangular, hence nilpotent). With ‖Ã_t‖_∞ ≤ r (r ≥ 1) and ‖A_t − Ã_t‖_∞ ≤ ε, induction on i
 * gives ‖e_t^{(i)}‖_∞ ≤ r^t (ε/r)^i C(t − 1, i) E₀, so every step of the window is within
 *
 *   B_i = r^p (ε/r)^i C(p − 1, i) E₀,   B_p = 0 (exact after p iterations).
 *
 * The change δ_i = ‖s⁽ⁱ⁾ − s⁽ⁱ⁻¹⁾‖_∞ ≤ B_{i−1} + B_i, so a solve stopping on
 * `max-abs change < tol` stops by the first i with B_{i−1} + B_i < tol, and by p at the latest.
 *
 * Where Proposition 3's rate γ = ‖J̃⁻¹‖·‖J̃ − J‖ has Picard's ‖J̃_P⁻¹‖ ≈ 2p/π (Lemma 2) and so
 * reaches 1 once εp ≳ π/2, B_i falls like (εp)^i/i!, faster than any fixed rate: on the SGD
 * windows of `unroll demo`'s case study 7 it is 1.5× (p = 35) to 4× (p = 1000) Picard's
 * measured count, where γ's count is the cap. For Picard on
 * s_t = a s_{t−1} + b (0 < a < 1) from a guess off by E₀ at every step the changes are
 * exactly B_{i−1} + B_i with ε = 1 − a, so the bound is the count itself.
 *
 * @example
 * ```ts
 * predictWindowIterations({ neglected: 0.05, window: 35, initialError: 1, tol: 1e-8 }).iterations; // 15
 * ```
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` when options is not an object, `neglected`,
 * `kept` or `initialError` is negative or not finite (NaN included), `tol` is not finite
 * and > 0, or `window` is not an integer ≥ 1.
 */
export function predictWindowIterations(options: PredictWindowIterationsOptions): PredictedWindowIterations {
  const where = 'predictWindowIterations';
  checkRecord(`${where}(options)`, 'options', options, '{ neglected: 0.05, window: 35, initialError: 1, tol: 1e-8 }');
  const { neglected, kept = 1, window, initialError, tol }: { neglected: unknown; kept?: unknown; window: unknown; initialError: unknown; tol: unknown } = options;
  const nonNegative = (name: string, x: unknown, what: string): number => {
    if (typeof x !== 'number' || !(x >= 0) || !Number.isFinite(x)) throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be a finite number ≥ 0 (${what}), got ${describeValue(x)}.`);
    return x;
  };
  const eps = nonNegative('neglected', neglected, 'max_t ‖A_t − Ã_t‖_∞, the part of the Jacobian the method leaves out');
  const r = Math.max(1, nonNegative('kept', kept, 'max_t ‖Ã_t‖_∞; omit it for Picard'));
  const e0 = nonNegative('initialError', initialError, 'max |s⁽⁰⁾ − s*| over the window');
  checkPositive(where, 'tol', tol);
  checkInteger(where, 'window', window, 1, 2 ** 28, 'bounds');
  const p = window;
  // In logs: C(999, 500) alone overflows a double. C(p − 1, i) = C(p − 1, i − 1)·(p − i)/i.
  const logB = new Float64Array(p);
  logB[0] = p * Math.log(r) + Math.log(e0);
  for (let i = 1; i < p; i++) logB[i] = (logB[i - 1] ?? 0) + Math.log(eps / r) + Math.log(p - i) - Math.log(i);
  const at = (i: number) => (i < p ? logB[i] ?? -Infinity : -Infinity);
  const logTol = Math.log(tol);
  for (let i = 1; i <= p; i++) {
    const x = at(i - 1), y = at(i);
    const hi = Math.max(x, y);
    // ln(B_{i−1} + B_i); −∞ when both vanish (ε = 0 or past p).
    const logSum = hi === -Infinity ? -Infinity : hi + Math.log1p(Math.exp(Math.min(x, y) - hi));
    if (logSum < logTol) return { iterations: i, capped: false, logErrorBound: logB };
  }
  return { iterations: p, capped: true, logErrorBound: logB };
}
