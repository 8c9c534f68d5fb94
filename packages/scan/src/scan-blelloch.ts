import type { FloatArray } from './float-array.js';
import type { Monoid } from './monoid.js';

/**
 * In-place inclusive scan by the work-efficient up-sweep / down-sweep (Blelloch 1990;
 * the inclusive form of Brent–Kung), for any n — no padding to a power of two and no
 * identity element.
 *
 * Up-sweep: at stride d = 1, 2, 4, …, element `i = k·2d − 1` becomes the reduction of the
 * 2d elements ending at i. Down-sweep: at stride d = …, 2, 1, element `i = (2k+1)·d − 1 + d`
 * (an odd multiple of d, past the first block) takes the prefix ending at `i − d`, which
 * is complete by then. About 2n combines in 2·log₂n rounds; each round's combines are
 * independent of one another — the shape a GPU or a thread pool runs in parallel.
 */
export function scanBlellochInPlace(x: FloatArray, n: number, monoid: Monoid): void {
  if (n < 2) return;
  const w = monoid.width;
  let top = 1;
  for (let d = 1; d < n; d *= 2) {
    for (let i = 2 * d - 1; i < n; i += 2 * d) monoid.combine(x, (i - d) * w, x, i * w, x, i * w);
    top = d;
  }
  for (let d = top; d >= 1; d = Math.floor(d / 2)) {
    for (let i = 3 * d - 1; i < n; i += 2 * d) monoid.combine(x, (i - d) * w, x, i * w, x, i * w);
  }
}
