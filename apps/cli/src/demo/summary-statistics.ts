/**
 * The summaries the case studies print over seeds and sequences. NaN is explicit: a NaN
 * among the values makes the summary NaN (a failed run is never averaged away), and an
 * empty list has no summary (NaN).
 */

/** The median (the mean of the two middle values for an even count); NaN if empty or any value is NaN. */
export function median(values: readonly number[]): number {
  if (values.length === 0 || values.some(Number.isNaN)) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/** The arithmetic mean; NaN if empty or any value is NaN. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
