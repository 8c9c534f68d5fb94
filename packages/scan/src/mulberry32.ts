import { UnrollError } from './unroll-error.js';
import { describe } from './validate.js';

/**
 * mulberry32: a small, fast, seeded generator of 32-bit unsigned integers, identical on
 * every platform — what unroll uses wherever a seed must reproduce the same numbers
 * (law checks, Hutchinson probes, random test data). Not for cryptography; period 2³².
 *
 * @example
 * ```ts
 * import { mulberry32 } from '@unroll/scan';
 *
 * const next = mulberry32(42);
 * next(); // → 2581720956 — the same on every platform
 * const u = next() / 2 ** 32; // uniform in [0, 1)
 * ```
 * @throws {UnrollError} `INVALID_ARGUMENT` unless `seed` is a finite number (it is
 * taken modulo 2^32: `seed >>> 0`).
 */
export function mulberry32(seed: number): () => number {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new UnrollError('INVALID_ARGUMENT', `mulberry32(seed): seed must be a finite number (an integer, used modulo 2^32), got ${describe(seed)}.`);
  }
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
