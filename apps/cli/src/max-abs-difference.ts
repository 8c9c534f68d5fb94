import type { FloatArray } from '@unroll/scan';

/** max_i |a_i − b_i| over the first `n` entries (default: all of `a`); a NaN anywhere gives NaN. */
export function maxAbsDifference(a: FloatArray, b: FloatArray, n = a.length): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return Number.NaN;
    if (d > m) m = d;
  }
  return m;
}
