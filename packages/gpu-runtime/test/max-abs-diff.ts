/** max_i |a_i − b_i|, Infinity when any difference is NaN or the lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return Number.isNaN(w) ? Infinity : w;
}
