/**
 * max(m, a) that keeps NaN: once either is NaN the result is NaN and stays NaN.
 *
 * The idiom `if (!(a <= m)) m = a` propagates a NaN `a` but then loses it as soon as a
 * later finite value arrives (`!(x <= NaN)` is true), which let a NaN trajectory pass as
 * converged. Every maximum over changes or residuals in the solvers goes through here.
 */
export function nanMax(m: number, a: number): number {
  return m !== m || a <= m ? m : a;
}
