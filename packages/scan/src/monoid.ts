import type { FloatArray } from './float-array.js';
import { UnrollError } from './unroll-error.js';
import { describe, maxArrayLength } from './validate.js';

/**
 * An associative operation on fixed-width elements packed in one typed array.
 *
 * `combine` writes `b ∘ a` — the element for "first a, then b" — to `(out, oo)`.
 * It must be associative: `c ∘ (b ∘ a) = (c ∘ b) ∘ a`. No identity element is needed:
 * every scan in unroll is inclusive.
 *
 * `out` may be the same region as `a` or as `b` (same array, same offset); scans combine
 * in place. It never partially overlaps either.
 */
export interface Monoid {
  /** Numbers per element. */
  readonly width: number;
  /** `out ← b ∘ a` (a first). */
  combine(a: FloatArray, ao: number, b: FloatArray, bo: number, out: FloatArray, oo: number): void;
}

/**
 * Element-wise addition of `width`-vectors: its scan is the running sum. The simplest
 * monoid, and the one a prefix-sum (Picard's scan) is made of.
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` unless `width` is a positive integer.
 */
export function sumMonoid(width: number): Monoid {
  if (typeof width !== 'number' || !Number.isInteger(width) || width < 1 || width > maxArrayLength) {
    throw new UnrollError('INVALID_ARGUMENT', `sumMonoid(width): width must be a positive integer (numbers per element), got ${describe(width)}.`);
  }
  return {
    width,
    combine(a, ao, b, bo, out, oo) {
      for (let i = 0; i < width; i++) out[oo + i] = a[ao + i] + b[bo + i];
    },
  };
}
