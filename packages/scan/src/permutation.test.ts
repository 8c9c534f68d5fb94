import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fill, matmul, matvec, maxRelErr, referenceRecurrence, toDense, uniform, type Matrix } from '../test/helpers.js';
import { affineMonoid, checkStructureLaws, dense, linearRecurrence, permutation, scan } from './index.js';

/** A random permutation of 0 … D−1 (fast-check shrinks it towards the identity). */
const permutationOf = (D: number) => fc.shuffledSubarray([...Array(D).keys()], { minLength: D, maxLength: D });
const problems = fc.integer({ min: 1, max: 7 }).chain((D) =>
  fc.record({ D: fc.constant(D), p: permutationOf(D), q: permutationOf(D), r: permutationOf(D), x: fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: D, maxLength: D }), y: fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: D, maxLength: D }) }),
);

/** The dense matrix of p written from the definition (P x)_i = x_{p(i)}: row i has its 1 in column p(i). */
function denseOf(p: readonly number[]): Matrix {
  return p.map((pi) => p.map((_, j) => (j === pi ? 1 : 0)));
}

const packed = (p: readonly number[]) => Float64Array.from(p);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);

describe('permutation(D)', () => {
  it('permutation(D).apply(p, x) is the dense P·x with (P x)_i = x_{p(i)}', () => {
    fc.assert(
      fc.property(problems, ({ D, p, x }) => {
        const out = new Float64Array(D);
        permutation(D).apply(packed(p), 0, Float64Array.from(x), 0, out, 0);
        expect(maxRelErr(out, matvec(denseOf(p), x))).toBe(0); // (−0 from a gather equals 0 from a sum)
        expect(toDense(permutation(D), packed(p), 0)).toEqual(denseOf(p));
      }),
    );
  });

  it('permutation(D).compose(A, B) is the dense B·A, and apply(compose(A, B), x) = B·(A·x)', () => {
    fc.assert(
      fc.property(problems, ({ D, p, q, x }) => {
        const s = permutation(D);
        const ba = new Float64Array(D);
        s.compose(packed(p), 0, packed(q), 0, ba, 0);
        expect(toDense(s, ba, 0)).toEqual(matmul(denseOf(q), denseOf(p)));
        const viaCompose = new Float64Array(D), ax = new Float64Array(D), bax = new Float64Array(D);
        s.apply(ba, 0, Float64Array.from(x), 0, viaCompose, 0);
        s.apply(packed(p), 0, Float64Array.from(x), 0, ax, 0);
        s.apply(packed(q), 0, ax, 0, bax, 0);
        expect(Array.from(viaCompose)).toEqual(Array.from(bax));
      }),
    );
  });

  it('permutation(D).compose is associative: (C·B)·A = C·(B·A), exactly', () => {
    fc.assert(
      fc.property(problems, ({ D, p, q, r }) => {
        const s = permutation(D);
        const [A, B, C] = [p, q, r].map(packed);
        const ba = new Float64Array(D), cb = new Float64Array(D), left = new Float64Array(D), right = new Float64Array(D);
        s.compose(A, 0, B, 0, ba, 0);
        s.compose(B, 0, C, 0, cb, 0);
        s.compose(ba, 0, C, 0, left, 0);
        s.compose(A, 0, cb, 0, right, 0);
        expect(Array.from(left)).toEqual(Array.from(right));
      }),
    );
  });

  it('permutation(D).identity is 0 … D−1 and a two-sided unit', () => {
    fc.assert(
      fc.property(problems, ({ D, p }) => {
        const s = permutation(D);
        const I = new Float64Array(D);
        s.identity(I, 0);
        expect(Array.from(I)).toEqual([...Array(D).keys()]);
        expect(toDense(s, I, 0)).toEqual(denseOf([...Array(D).keys()]));
        const ai = new Float64Array(D), ia = new Float64Array(D);
        s.compose(packed(p), 0, I, 0, ai, 0);
        s.compose(I, 0, packed(p), 0, ia, 0);
        expect(Array.from(ai)).toEqual(p);
        expect(Array.from(ia)).toEqual(p);
      }),
    );
  });

  it('permutation(D).transpose is the inverse permutation: ⟨A x, y⟩ = ⟨x, Aᵀ y⟩, Aᵀ is the dense transpose, and A·Aᵀ = I', () => {
    fc.assert(
      fc.property(problems, ({ D, p, x, y }) => {
        const s = permutation(D);
        const At = new Float64Array(D);
        s.transpose?.(packed(p), 0, At, 0);
        const P = denseOf(p);
        expect(toDense(s, At, 0)).toEqual(P[0].map((_, j) => P.map((row) => row[j])));
        const Ax = matvec(P, x);
        const Aty = new Float64Array(D);
        s.apply(At, 0, Float64Array.from(y), 0, Aty, 0);
        expect(dot(Ax, y)).toBeCloseTo(dot(x, Aty), 9);
        const viaApplyTranspose = new Float64Array(D);
        s.applyTranspose?.(packed(p), 0, Float64Array.from(y), 0, viaApplyTranspose, 0);
        expect(Array.from(viaApplyTranspose)).toEqual(Array.from(Aty));
        const product = new Float64Array(D);
        s.compose(At, 0, packed(p), 0, product, 0);
        expect(Array.from(product)).toEqual([...Array(D).keys()]);
      }),
    );
  });

  it('permutation(D) has no scale (k·P leaves the family) and passes checkStructureLaws with its own sampler', () => {
    for (const D of [1, 2, 3, 5, 8]) {
      const s = permutation(D);
      expect('scale' in s).toBe(false);
      expect(s.width).toBe(D);
      expect(checkStructureLaws(s, { seed: D }).failures).toEqual([]);
    }
  });

  it('permutation(D).sample draws valid permutations, each one about equally often', () => {
    const s = permutation(3);
    const rand = uniform(9);
    const counts = new Map<string, number>();
    const out = new Float64Array(3);
    for (let i = 0; i < 6000; i++) {
      s.sample?.(() => (rand() + 1) / 2, out, 0);
      const key = Array.from(out).join();
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['0,1,2', '0,2,1', '1,0,2', '1,2,0', '2,0,1', '2,1,0']);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });

  it('linearRecurrence(permutation(D), …) equals the dense recurrence on the same matrices, on every algorithm and in float32', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 2 ** 30 }), (D, T, seed) => {
        const s = permutation(D);
        const rand = uniform(seed);
        const A = new Float64Array(T * D);
        for (let t = 0; t < T; t++) s.sample?.(() => (rand() + 1) / 2, A, t * D);
        const b = fill(T * D, rand);
        const s0 = Array.from(fill(D, rand));
        const denseA = new Float64Array(T * D * D);
        for (let t = 0; t < T; t++) for (let i = 0; i < D; i++) denseA[t * D * D + i * D + A[t * D + i]] = 1;
        const want = linearRecurrence(dense(D), denseA, b, s0);
        expect(maxRelErr(want, referenceRecurrence(s, A, b, s0))).toBeLessThan(1e-12);
        for (const algorithm of ['auto', 'sequential', 'blelloch', 'chunked'] as const) {
          expect(maxRelErr(linearRecurrence(s, A, b, s0, { algorithm }), want)).toBeLessThan(1e-12);
        }
        const f32 = linearRecurrence(s, Float32Array.from(A), Float32Array.from(b), s0);
        expect(f32).toBeInstanceOf(Float32Array);
        expect(maxRelErr(f32, want)).toBeLessThan(1e-4);
      }),
      { numRuns: 60 },
    );
  });

  it('scan(…, affineMonoid(permutation(D))) composes the affine maps (P, b) like their dense forms', () => {
    const D = 4, T = 9;
    const s = permutation(D);
    const rand = uniform(4);
    const m = affineMonoid(s);
    const elements = new Float64Array(T * m.width);
    for (let t = 0; t < T; t++) {
      s.sample?.(() => (rand() + 1) / 2, elements, t * m.width);
      for (let i = 0; i < D; i++) elements[t * m.width + D + i] = rand();
    }
    const scanned = scan(elements, m);
    const last = (T - 1) * m.width;
    const x = [1, 2, 3, 4];
    let want = x;
    for (let t = 0; t < T; t++) want = matvec(toDense(s, elements, t * m.width), want).map((v, i) => v + elements[t * m.width + D + i]);
    const got = matvec(toDense(s, scanned, last), x).map((v, i) => v + scanned[last + D + i]);
    expect(maxRelErr(got, want)).toBeLessThan(1e-12);
  });

  it('linearRecurrence(permutation(2), …) gives the README example: swapping two coordinates each step', () => {
    const P = new Float64Array([1, 0, 1, 0, 1, 0]);
    expect(Array.from(linearRecurrence(permutation(2), P, new Float64Array(6), [1, 2]))).toEqual([2, 1, 1, 2, 2, 1]);
  });

  it('permutation(D) refuses a bad D', () => {
    expect(() => permutation(0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
    expect(() => permutation(1.5)).toThrow(/permutation\(D\): D must be a positive integer/);
  });
});
