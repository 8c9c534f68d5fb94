// @unroll/scan: one associative scan, several algorithms, the same answer.
import { affineMonoid, diagonal, linearRecurrence, scan, sumMonoid } from '@unroll/scan';

/** Needs nothing from its runner: it is instant. */
export async function run() {
  const prefix = scan(new Float64Array([1, 2, 3, 4]), sumMonoid(1));
  // s_t = 0.9 s_{t−1} + 1 in D = 3 coordinates, T = 1000, packed [T][D]
  const T = 1000, D = 3;
  const A = new Float64Array(T * D).fill(0.9);
  const b = new Float64Array(T * D).fill(1);
  const reference = linearRecurrence(diagonal(D), A, b, [0, 0, 0], { algorithm: 'sequential' });
  // The same recurrence as a scan of affine elements (A_t, b_t): element t is (A_t, b_t).
  const monoid = affineMonoid(diagonal(D));
  const rows = [];
  for (const algorithm of ['sequential', 'blelloch', 'chunked']) {
    const elements = new Float64Array(T * 2 * D);
    for (let t = 0; t < T; t++) { elements.set(A.slice(t * D, (t + 1) * D), t * 2 * D); elements.set(b.slice(t * D, (t + 1) * D), t * 2 * D + D); }
    scan(elements, monoid, { algorithm, out: elements });
    let diff = 0;
    for (let t = 0; t < T; t++) for (let i = 0; i < D; i++) diff = Math.max(diff, Math.abs((elements[t * 2 * D + D + i] ?? NaN) - (reference[t * D + i] ?? NaN)));
    rows.push([algorithm, elements[(T - 1) * 2 * D + D] ?? NaN, diff]);
  }
  const data = [];
  for (let t = 1; t <= 60; t++) data.push({ t, s_t: reference[(t - 1) * D] ?? NaN });
  return {
    summary: [`scan([1, 2, 3, 4], sumMonoid(1)) = [${Array.from(prefix).join(', ')}]`, `s_T = ${reference[(T - 1) * D]} (the fixed point is 1 / (1 − 0.9) = 10).`],
    tables: [{ title: 'The affine scan by each algorithm against linearRecurrence', columns: ['algorithm', 's_T', 'max difference'], rows }],
    figures: [{ title: 's_t = 0.9 s_{t−1} + 1, the first 60 steps', x: 't', y: 's_t', data }],
  };
}
