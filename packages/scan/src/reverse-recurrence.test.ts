import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { pairRotation } from '../test/fixtures/rotation-structure.mjs';
import { fill, matvec, maxRelErr, randomMatrices, toDense, uniform } from '../test/helpers.js';
import { blockDiagonal, defineStructure, dense, diagonal, identity, linearRecurrence, permutation, sharedFloatArray, shutdownThreads, zero, type FloatArray, type RecurrenceKernel, type Structure } from './index.js';
import { genericKernel } from './generic-kernel.js';
import { threadedRunCount } from './threaded-recurrence.js';

function structures(D: number): Structure[] {
  const list = [dense(D), diagonal(D), identity(D), zero(D), blockDiagonal(D, 1), permutation(D), defineStructure({ ...diagonal(D), name: 'custom-diagonal' })];
  if (D % 2 === 0) list.push(blockDiagonal(D, 2), pairRotation(D));
  return list;
}

function problem(s: Structure, T: number, seed: number) {
  const rand = uniform(seed);
  let A: Float64Array;
  if (s.sample === undefined) A = randomMatrices(s, T, rand, 0.95);
  else {
    A = new Float64Array(T * s.width);
    for (let t = 0; t < T; t++) s.sample(() => (rand() + 1) / 2, A, t * s.width);
  }
  return { A, b: fill(T * s.dim, rand), s0: Array.from(fill(s.dim, rand)) };
}

/** The reverse recurrence written out by hand on dense matrices: out[T−1] = A[T−1]·s0 + b[T−1], out[t] = A[t]·out[t+1] + b[t]. */
function handReverse(s: Structure, A: FloatArray, b: FloatArray, s0: readonly number[]): number[] {
  const D = s.dim;
  const T = b.length / D;
  const out = new Array<number>(T * D);
  let next: number[] = [...s0];
  for (let t = T - 1; t >= 0; t--) {
    const row = matvec(toDense(s, A, t * s.width), next).map((v, i) => v + b[t * D + i]);
    for (let i = 0; i < D; i++) out[t * D + i] = row[i];
    next = row;
  }
  return out;
}

/** The rows of a packed [T][width] array in reverse order. */
function flipRows(x: FloatArray, width: number): Float64Array {
  const T = width === 0 ? 0 : x.length / width;
  const y = new Float64Array(x.length);
  for (let t = 0; t < T; t++) y.set(x.slice(t * width, (t + 1) * width), (T - 1 - t) * width);
  return y;
}

afterAll(async () => {
  await shutdownThreads();
});

const algorithms = ['auto', 'sequential', 'blelloch', 'chunked'] as const;
const code = (c: string, message: RegExp) => expect.objectContaining({ code: c, message: expect.stringMatching(message) as string }) as Error;

describe('linearRecurrence(…, { reverse: true })', () => {
  it('linearRecurrence(…, { reverse: true }) equals a hand-written reverse loop on dense matrices, for every structure and algorithm', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 2 ** 30 }), (D, T, seed) => {
        for (const s of structures(D)) {
          const { A, b, s0 } = problem(s, T, seed);
          const want = handReverse(s, A, b, s0);
          for (const algorithm of algorithms) {
            expect(maxRelErr(linearRecurrence(s, A, b, s0, { reverse: true, algorithm }), want), `${s.name}(${D}) ${algorithm}`).toBeLessThan(1e-11);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('linearRecurrence(…, { reverse: true }) is the forward recurrence on the flipped rows of A and b, flipped back — bit for bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 2 ** 30 }), (D, T, seed) => {
        for (const s of structures(D)) {
          const { A, b, s0 } = problem(s, T, seed);
          for (const algorithm of algorithms) {
            const reversed = linearRecurrence(s, A, b, s0, { reverse: true, algorithm });
            const viaFlip = flipRows(linearRecurrence(s, flipRows(A, s.width), flipRows(b, D), s0, { algorithm }), D);
            expect(Array.from(reversed), `${s.name}(${D}) ${algorithm}`).toEqual(Array.from(viaFlip));
          }
        }
      }),
      { numRuns: 30 },
    );
  });

  it('linearRecurrence(…, { reverse: true, out: b }) overwrites b in place on every structure and algorithm', () => {
    for (const s of structures(4)) {
      const { A, b, s0 } = problem(s, 300, 8);
      const want = linearRecurrence(s, A, b, s0, { reverse: true });
      for (const algorithm of algorithms) {
        const inPlace = Float64Array.from(b);
        expect(linearRecurrence(s, A, inPlace, s0, { reverse: true, algorithm, out: inPlace })).toBe(inPlace);
        expect(maxRelErr(inPlace, want), `${s.name} ${algorithm}`).toBeLessThan(1e-12);
      }
    }
  });

  it('linearRecurrence(…, { reverse: true }) in float32 rounds like float32 and stays Float32Array', () => {
    const s = diagonal(3);
    const { A, b, s0 } = problem(s, 400, 2);
    const got = linearRecurrence(s, Float32Array.from(A), Float32Array.from(b), s0, { reverse: true });
    expect(got).toBeInstanceOf(Float32Array);
    expect(maxRelErr(got, handReverse(s, A, b, s0))).toBeLessThan(1e-5);
  });

  it('linearRecurrence(…, { reverse: true }) on a structure whose kernel has no runReverse loops through apply instead', () => {
    const base = dense(3);
    const forwardOnly = defineStructure({
      ...base,
      name: 'forward-only',
      kernel: () => {
        const k: RecurrenceKernel = genericKernel(base);
        return { dim: k.dim, width: k.width, aggregateCost: k.aggregateCost, run: (...a) => { k.run(...a); }, aggregate: (...a) => { k.aggregate(...a); } };
      },
    });
    const { A, b, s0 } = problem(forwardOnly, 50, 3);
    expect(maxRelErr(linearRecurrence(forwardOnly, A, b, s0, { reverse: true }), handReverse(base, A, b, s0))).toBeLessThan(1e-12);
  });

  it('linearRecurrence(…, { reverse: true, threads }) runs on the workers: the threaded forward call on flipped arrays bit for bit, the sequential reverse within rounding', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 3 }), fc.integer({ min: 12, max: 3000 }), fc.integer({ min: 1, max: 2 ** 30 }), (D, threads, T, seed) => {
        for (const s of structures(D)) {
          if (s.module === undefined) continue;
          const { A, b, s0 } = problem(s, T, seed);
          const opts = { threads, parallelThreshold: 0 };
          const runs = threadedRunCount();
          const got = linearRecurrence(s, A, b, s0, { ...opts, reverse: true });
          expect(threadedRunCount()).toBe(runs + 1);
          const viaFlip = flipRows(linearRecurrence(s, flipRows(A, s.width), flipRows(b, D), s0, opts), D);
          expect(Array.from(got), `${s.name}(${D})`).toEqual(Array.from(viaFlip));
          expect(maxRelErr(got, linearRecurrence(s, A, b, s0, { reverse: true })), `${s.name}(${D})`).toBeLessThan(1e-9);
        }
      }),
      { numRuns: 15 },
    );
  });

  it('linearRecurrence(…, { reverse: true, threads: 2 }) on shared arrays, in place (out = b), leaves the inputs intact and writes the states', () => {
    const s = dense(3);
    const T = 5000;
    const { A, b, s0 } = problem(s, T, 12);
    const want = linearRecurrence(s, A, b, s0, { reverse: true });
    const sA = sharedFloatArray('float64', A.length);
    sA.set(A);
    const sb = sharedFloatArray('float64', b.length);
    sb.set(b);
    const out = sharedFloatArray('float64', b.length);
    linearRecurrence(s, sA, sb, s0, { reverse: true, threads: 2, parallelThreshold: 0, out });
    expect(maxRelErr(out, want)).toBeLessThan(1e-9);
    expect(Array.from(sA)).toEqual(Array.from(A));
    expect(Array.from(sb)).toEqual(Array.from(b));
    linearRecurrence(s, sA, sb, s0, { reverse: true, threads: 2, parallelThreshold: 0, out: sb });
    expect(maxRelErr(sb, want)).toBeLessThan(1e-9);
  });

  it('linearRecurrence(…, { reverse }) must be a boolean', () => {
    const s = diagonal(2);
    const { A, b, s0 } = problem(s, 10, 1);
    expect(Array.from(linearRecurrence(s, A, b, s0, { reverse: false }))).toEqual(Array.from(linearRecurrence(s, A, b, s0)));
    for (const reverse of ['yes', 1, null]) {
      expect(() => linearRecurrence(s, A, b, s0, { reverse: reverse as unknown as boolean })).toThrow(code('INVALID_ARGUMENT', /reverse must be true or false/));
    }
  });

  it('linearRecurrence(diagonal(1), …, { reverse: true }) gives the README example: s_t = 0.5 s_{t+1} + 1 from the end is 1.75, 1.5, 1', () => {
    expect(Array.from(linearRecurrence(diagonal(1), new Float64Array([0.5, 0.5, 0.5]), new Float64Array([1, 1, 1]), [0], { reverse: true }))).toEqual([1.75, 1.5, 1]);
  });
});
