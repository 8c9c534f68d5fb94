/**
 * max_i |a_i − b_i| over entries [from, to) (default: all of `a`; `b` may be longer). A NaN
 * anywhere gives NaN: a diverged iterate must not look close.
 */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>, from = 0, to = a.length): number {
  let m = 0;
  for (let i = from; i < to; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return Number.NaN;
    if (d > m) m = d;
  }
  return m;
}
