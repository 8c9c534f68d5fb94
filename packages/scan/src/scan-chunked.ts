import type { FloatArray } from './float-array.js';
import type { Monoid } from './monoid.js';

/**
 * In-place inclusive scan in three phases over chunks of `chunkSize` elements:
 * 1. scan each chunk on its own (independent: one chunk per thread);
 * 2. scan the chunks' last elements — the carries — sequentially (n / chunkSize of them);
 * 3. fix up: fold the previous chunk's carry into every element of each later chunk
 *    (independent again).
 * About 2n combines. This is the CPU-parallel scheme; here it runs on one thread, and
 * `linearRecurrence(…, { threads })` runs its recurrence-specialised form across workers.
 */
export function scanChunkedInPlace(x: FloatArray, n: number, monoid: Monoid, chunkSize: number): void {
  if (n < 2) return;
  const w = monoid.width;
  const c = Math.max(1, Math.floor(chunkSize));
  // Phase 1: local scans.
  for (let start = 0; start < n; start += c) {
    const end = Math.min(n, start + c);
    for (let i = start + 1; i < end; i++) monoid.combine(x, (i - 1) * w, x, i * w, x, i * w);
  }
  // Phase 2: scan of the carries (each chunk's last element), in place.
  for (let start = c; start < n; start += c) {
    const last = Math.min(n, start + c) - 1;
    monoid.combine(x, (start - 1) * w, x, last * w, x, last * w);
  }
  // Phase 3: fix-up. Element `start − 1` now holds the prefix through the previous chunk.
  for (let start = c; start < n; start += c) {
    const last = Math.min(n, start + c) - 1;
    for (let i = start; i < last; i++) monoid.combine(x, (start - 1) * w, x, i * w, x, i * w);
  }
}

/** The chunk size `scan` uses when none is given: about √n, so both phases are short. */
export function defaultChunkSize(n: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(n)));
}
