// Independent references for the tests: plain dense linear algebra on number[][], written
// without any of the package's kernels, so a bug there cannot hide in the reference.
import fc from 'fast-check';
import type { FloatArray, Structure } from '../src/index.js';

export type Matrix = number[][];

/** The dense D×D matrix a packed structured matrix represents, read through `apply` on basis vectors. */
export function toDense(s: Structure, a: FloatArray, ao: number): Matrix {
  const D = s.dim;
  const m: Matrix = Array.from({ length: D }, () => new Array<number>(D).fill(0));
  const e = new Float64Array(D);
  const col = new Float64Array(D);
  for (let j = 0; j < D; j++) {
    e.fill(0);
    e[j] = 1;
    s.apply(a, ao, e, 0, col, 0);
    for (let i = 0; i < D; i++) m[i][j] = col[i]!;
  }
  return m;
}

export function matmul(B: Matrix, A: Matrix): Matrix {
  const n = B.length;
  const k = A.length;
  const m = A[0].length;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: m }, (_, j) => {
      let acc = 0;
      for (let l = 0; l < k; l++) acc += B[i][l] * A[l][j];
      return acc;
    }),
  );
}

export function matvec(A: Matrix, x: ArrayLike<number>): number[] {
  return A.map((row) => row.reduce((acc, v, j) => acc + v * x[j], 0));
}

/** s_t = A_t s_{t−1} + b_t, with each A_t read back as a dense matrix. */
export function referenceRecurrence(s: Structure, A: FloatArray, b: FloatArray, s0: ArrayLike<number>): number[] {
  const D = s.dim;
  const T = b.length / D;
  const out: number[] = [];
  let prev = Array.from(s0);
  for (let t = 0; t < T; t++) {
    const At = s.width === 0 ? toDense(s, A, 0) : toDense(s, A, t * s.width);
    const next = matvec(At, prev).map((v, i) => v + b[t * D + i]);
    out.push(...next);
    prev = next;
  }
  return out;
}

/** max |a_i − b_i| / max(1, |b_i|). */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let e = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(d <= e)) e = Number.isNaN(d) ? Infinity : d;
  }
  return e;
}

/** A seeded generator of uniform floats in [lo, hi), for data too large to draw through fast-check. */
export function uniform(seed: number, lo = -1, hi = 1): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    // xorshift32: good enough for test data, identical on every platform.
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return lo + ((hi - lo) * x) / 4294967296;
  };
}

export function fill(n: number, rand: () => number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rand();
  return a;
}

/** Random packed matrices for structure `s` whose dense forms have spectral radius ≲ `scale`. */
export function randomMatrices(s: Structure, T: number, rand: () => number, scale = 0.9): Float64Array {
  const W = s.width;
  const a = new Float64Array(T * W);
  // Entries of a dense row scaled by 1/√(row length) keep products bounded.
  const rowLength = W === 0 ? 1 : W / s.dim;
  const k = scale / Math.sqrt(rowLength);
  for (let i = 0; i < a.length; i++) a[i] = k * rand();
  return a;
}

export const seedArb = fc.integer({ min: 1, max: 2 ** 31 - 1 });
