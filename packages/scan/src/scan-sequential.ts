import type { FloatArray } from './float-array.js';
import type { Monoid } from './monoid.js';

/**
 * In-place inclusive scan, left to right: `x_i ← x_{i−1} ∘ x_i`. n − 1 combines — the
 * exact reference every other scan algorithm is tested against.
 */
export function scanSequentialInPlace(x: FloatArray, n: number, monoid: Monoid): void {
  const w = monoid.width;
  for (let i = 1; i < n; i++) monoid.combine(x, (i - 1) * w, x, i * w, x, i * w);
}
