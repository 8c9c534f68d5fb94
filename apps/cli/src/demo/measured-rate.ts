/**
 * The linear rate a solve showed: the geometric mean of δ_{i+1}/δ_i over its max-abs
 * changes, (δ_n/δ_1)^{1/(n−1)}. What Proposition 3 of the unifying-framework paper bounds
 * by γ, and what `predictIterationsAtRate` turns back into a count. NaN for fewer than
 * two changes or a change that is not a positive finite number (nothing to fit).
 */
export function measuredRate(deltas: readonly number[]): number {
  const n = deltas.length;
  const first = deltas[0] ?? Number.NaN, last = deltas[n - 1] ?? Number.NaN;
  if (n < 2 || !(first > 0) || !(last > 0) || !Number.isFinite(first) || !Number.isFinite(last)) return Number.NaN;
  return (last / first) ** (1 / (n - 1));
}
