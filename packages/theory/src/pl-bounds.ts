import { checkInteger, checkRecord, describeValue, UnrollError } from '@unroll/scan';

/** Lower and upper bounds on one quantity. */
export interface Bounds {
  readonly lower: number;
  readonly upper: number;
}

/** What {@link plBounds} returns: bounds on √μ and μ, and their base-10 logs (finite even where μ underflows). */
export interface PlBounds {
  readonly sqrtMu: Bounds;
  readonly mu: Bounds;
  readonly log10SqrtMu: Bounds;
  readonly log10Mu: Bounds;
}

/**
 * ln((e^λ − 1)/(e^{λT} − 1)) for any λ and T ≥ 1 without overflow or cancellation: the
 * geometric sum Σ_{k<T} e^{λk} inverted (its limit λ → 0 is −ln T).
 */
export function logInverseGeometricSum(lambda: number, T: number): number {
  const where = 'logInverseGeometricSum(lambda, T)';
  const rate: unknown = lambda;
  if (typeof rate !== 'number' || !Number.isFinite(rate)) throw new UnrollError('INVALID_ARGUMENT', `${where}: lambda (λ) must be a finite number, got ${describeValue(rate)}.`);
  checkInteger(where, 'T', T, 1, Number.MAX_SAFE_INTEGER, 'bounds');
  if (lambda === 0 || T === 1) return -Math.log(T);
  if (lambda > 0) {
    // e^x − 1 = e^x (1 − e^{−x}): ln = x + ln(−expm1(−x)), exact for huge x too.
    const ln = (x: number) => x + Math.log(-Math.expm1(-x));
    return ln(lambda) - ln(lambda * T);
  }
  return Math.log(-Math.expm1(lambda)) - Math.log(-Math.expm1(lambda * T));
}

/**
 * Bounds on the PL constant μ of the DEER merit ½‖r(s)‖² from the largest Lyapunov
 * exponent λ (predictability paper, Theorem 2, eq. 11):
 *
 *   (1/a)·(e^λ − 1)/(e^{λT} − 1) ≤ √μ ≤ min((1/b)·e^{−λ(T−1)}, 1),
 *
 * where a ≥ 1 and b ≤ 1 bound the transient over- and undershoot of Jacobian products,
 * b e^{λk} ≤ ‖J_{t+k−1}⋯J_t‖ ≤ a e^{λk} (eq. 10; measure them with `lyapunovRegularity`).
 * The cap 1 holds because J has identity diagonal blocks (J e_T = e_T for the last block).
 * Computed in log space, so T = 10⁶ with λ of either sign is fine: read `log10SqrtMu`
 * when `sqrtMu` underflows to 0.
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` for a non-finite λ, T not an integer ≥ 1,
 * a < 1 or b ∉ [0, 1].
 */
export function plBounds(options: { lle: number; T: number; a?: number; b?: number }): PlBounds {
  checkRecord('plBounds(options)', 'options', options, '{ lle: 0.1, T: 1000 }');
  // Defaults apply to absent a and b only: null is refused like any other wrong type.
  const { lle: lambda, T, a = 1, b = 1 }: { lle: unknown; T: unknown; a?: unknown; b?: unknown } = options;
  if (typeof lambda !== 'number' || !Number.isFinite(lambda)) throw new UnrollError('INVALID_ARGUMENT', `plBounds: lle must be finite, got ${describeValue(lambda)}.`);
  if (typeof T !== 'number' || !Number.isInteger(T) || T < 1) throw new UnrollError('INVALID_ARGUMENT', `plBounds: T must be an integer ≥ 1, got ${describeValue(T)}.`);
  if (typeof a !== 'number' || !(a >= 1) || !Number.isFinite(a)) throw new UnrollError('INVALID_ARGUMENT', `plBounds: a bounds overshoot and must be finite and ≥ 1, got ${describeValue(a)}.`);
  if (typeof b !== 'number' || !(b >= 0 && b <= 1)) throw new UnrollError('INVALID_ARGUMENT', `plBounds: b bounds undershoot and must be in [0, 1] (0: no upper bound but 1), got ${describeValue(b)}.`);
  const lnLower = -Math.log(a) + logInverseGeometricSum(lambda, T);
  const lnUpper = Math.min(-Math.log(b) - lambda * (T - 1), 0);
  const ln10 = Math.LN10;
  return {
    sqrtMu: { lower: Math.exp(lnLower), upper: Math.exp(lnUpper) },
    mu: { lower: Math.exp(2 * lnLower), upper: Math.exp(2 * lnUpper) },
    log10SqrtMu: { lower: lnLower / ln10, upper: lnUpper / ln10 },
    log10Mu: { lower: (2 * lnLower) / ln10, upper: (2 * lnUpper) / ln10 },
  };
}
