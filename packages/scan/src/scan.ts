import { dtypeOf, allocate, isFloatArray, type FloatArray } from './float-array.js';
import type { Monoid } from './monoid.js';
import { scanBlellochInPlace } from './scan-blelloch.js';
import { defaultChunkSize, scanChunkedInPlace } from './scan-chunked.js';
import { scanSequentialInPlace } from './scan-sequential.js';
import { UnrollError } from './unroll-error.js';
import { assertMonoid, describe, optionsOf, overlap, quoted } from './validate.js';

/**
 * How `scan` orders its combines. All give the same result up to floating-point
 * reassociation.
 * - `sequential` — left to right, n − 1 combines. The fastest on one CPU thread.
 * - `blelloch` — work-efficient up-sweep / down-sweep, 2·log₂n rounds of independent combines.
 * - `chunked` — local scans, scan of chunk carries, fix-up (the multi-core CPU scheme).
 * - `auto` — `sequential` (on one thread nothing beats it).
 */
export type ScanAlgorithm = 'auto' | 'sequential' | 'blelloch' | 'chunked';

/** Options of {@link scan}. */
export interface ScanOptions {
  /** Combine order; default `'auto'`. */
  readonly algorithm?: ScanAlgorithm;
  /** Where to write the result (same length and dtype as `elements`; may be `elements` itself for an in-place scan). Default: a new array. */
  readonly out?: FloatArray;
  /** Chunk length for `'chunked'` (elements per chunk, a positive integer). Default ⌈√n⌉. */
  readonly chunkSize?: number;
}

const algorithms: readonly ScanAlgorithm[] = ['auto', 'sequential', 'blelloch', 'chunked'];

/**
 * Inclusive scan of packed elements: element i of the result is `x_i ∘ … ∘ x_1 ∘ x_0`
 * (x_0 applied first). `elements` holds n elements of `monoid.width` numbers each.
 *
 * `out` may be `elements` itself (an in-place scan); an `out` that shares only part of
 * its memory with `elements` is refused.
 *
 * @example
 * ```ts
 * import { scan, sumMonoid } from '@unroll/scan';
 *
 * scan(new Float64Array([1, 2, 3, 4]), sumMonoid(1)); // → Float64Array [1, 3, 6, 10]
 * ```
 * @throws {UnrollError} `LENGTH_MISMATCH` when the length is not a positive multiple of
 * the width, or `out` differs in length; `DTYPE_MISMATCH` when `out` has another dtype;
 * `INVALID_ARGUMENT` for a missing or malformed monoid, options that are not an object,
 * an unknown algorithm, a `chunkSize` that is not a positive integer, or an `out` that
 * partially overlaps `elements`. Everything is checked before anything is allocated.
 */
export function scan(elements: FloatArray, monoid: Monoid, opts?: ScanOptions): FloatArray {
  if (!isFloatArray(elements)) {
    throw new UnrollError('INVALID_ARGUMENT', `scan: elements must be a Float64Array or Float32Array, got ${describe(elements)}.`);
  }
  assertMonoid('scan', monoid);
  const { algorithm = 'auto', out, chunkSize } = optionsOf('scan', opts);
  const w = monoid.width;
  if (elements.length === 0 || elements.length % w !== 0) {
    throw new UnrollError(
      'LENGTH_MISMATCH',
      `scan: elements.length (${elements.length}) must be a positive multiple of monoid.width (${w}); pack n elements of ${w} numbers each.`,
    );
  }
  if (!algorithms.includes(algorithm)) {
    throw new UnrollError('INVALID_ARGUMENT', `scan: unknown algorithm ${quoted(algorithm)}; use one of ${algorithms.join(', ')}.`);
  }
  if (chunkSize !== undefined && (typeof chunkSize !== 'number' || !Number.isInteger(chunkSize) || chunkSize < 1)) {
    throw new UnrollError('INVALID_ARGUMENT', `scan: chunkSize must be a positive integer (elements per chunk) or left out, got ${describe(chunkSize)}.`);
  }
  if (out !== undefined) {
    if (!isFloatArray(out) || out.length !== elements.length) {
      throw new UnrollError('LENGTH_MISMATCH', `scan: out must be a float array of length ${elements.length}, got ${describe(out)}${isFloatArray(out) ? ` of length ${out.length}` : ''}.`);
    }
    if (dtypeOf(out) !== dtypeOf(elements)) {
      throw new UnrollError('DTYPE_MISMATCH', `scan: out is ${dtypeOf(out)} but elements are ${dtypeOf(elements)}; use the same dtype.`);
    }
    if (overlap(out, elements) === 'partial') {
      throw new UnrollError('INVALID_ARGUMENT', 'scan: out shares part of its memory with elements; pass elements itself (an in-place scan) or a separate out array.');
    }
  }
  const n = elements.length / w;
  let x: FloatArray;
  if (out === undefined) {
    x = allocate(dtypeOf(elements), elements.length);
    x.set(elements);
  } else {
    if (overlap(out, elements) === 'none') out.set(elements);
    x = out;
  }
  switch (algorithm) {
    case 'blelloch':
      scanBlellochInPlace(x, n, monoid);
      break;
    case 'chunked':
      scanChunkedInPlace(x, n, monoid, chunkSize ?? defaultChunkSize(n));
      break;
    default:
      scanSequentialInPlace(x, n, monoid);
  }
  return x;
}
