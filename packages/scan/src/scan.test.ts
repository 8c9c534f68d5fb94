import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fill, maxRelErr, uniform } from '../test/helpers.js';
import { UnrollError, scan, sumMonoid, type Monoid, type ScanAlgorithm, type ScanOptions } from './index.js';

const algorithms: ScanAlgorithm[] = ['sequential', 'blelloch', 'chunked', 'auto'];

/** 2×2 matrix product, packed row-major: associative and not commutative. */
const matrix2: Monoid = {
  width: 4,
  combine(a, ao, b, bo, out, oo) {
    const [a0, a1, a2, a3] = [a[ao], a[ao + 1], a[ao + 2], a[ao + 3]];
    const [b0, b1, b2, b3] = [b[bo], b[bo + 1], b[bo + 2], b[bo + 3]];
    out[oo] = b0 * a0 + b1 * a2;
    out[oo + 1] = b0 * a1 + b1 * a3;
    out[oo + 2] = b2 * a0 + b3 * a2;
    out[oo + 3] = b2 * a1 + b3 * a3;
  },
};

/** Independent fold: prefix i is x_i·(…·(x_1·x_0)), recomputed from scratch per i. */
function naiveMatrixPrefixes(x: Float64Array): number[] {
  const n = x.length / 4;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let p = [x[0], x[1], x[2], x[3]];
    for (let j = 1; j <= i; j++) {
      const b = [x[4 * j], x[4 * j + 1], x[4 * j + 2], x[4 * j + 3]];
      p = [b[0] * p[0] + b[1] * p[2], b[0] * p[1] + b[1] * p[3], b[2] * p[0] + b[3] * p[2], b[2] * p[1] + b[3] * p[3]];
    }
    out.push(...p);
  }
  return out;
}

describe('scan', () => {
  it('scan(x, sumMonoid(w)) equals the running sums, for every algorithm and any length', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (w, n, chunkSize, seed) => {
          const x = fill(n * w, uniform(seed));
          const expected = new Float64Array(n * w);
          for (let i = 0; i < n; i++) {
            for (let k = 0; k < w; k++) expected[i * w + k] = (i > 0 ? expected[(i - 1) * w + k] : 0) + x[i * w + k];
          }
          for (const algorithm of algorithms) {
            const got = scan(x, sumMonoid(w), { algorithm, chunkSize });
            expect(maxRelErr(got, expected)).toBeLessThan(1e-12);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('scan(x, matrix product) keeps the order of a non-commutative monoid for every algorithm', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 2 ** 30 }), (n, seed) => {
        const x = fill(n * 4, uniform(seed));
        const expected = naiveMatrixPrefixes(x);
        for (const algorithm of algorithms) {
          expect(maxRelErr(scan(x, matrix2, { algorithm }), expected)).toBeLessThan(1e-12);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('scan leaves its input alone, and scans in place when out is the input', () => {
    const x = new Float64Array([1, 2, 3, 4, 5]);
    expect(Array.from(scan(x, sumMonoid(1), { algorithm: 'blelloch' }))).toEqual([1, 3, 6, 10, 15]);
    expect(Array.from(x)).toEqual([1, 2, 3, 4, 5]);
    const y = scan(x, sumMonoid(1), { algorithm: 'chunked', out: x, chunkSize: 2 });
    expect(y).toBe(x);
    expect(Array.from(x)).toEqual([1, 3, 6, 10, 15]);
  });

  it('scan of a single element returns a copy of it (T = 1)', () => {
    for (const algorithm of algorithms) {
      expect(Array.from(scan(new Float64Array([7, 8]), sumMonoid(2), { algorithm }))).toEqual([7, 8]);
    }
  });

  it('scan on Float32Array computes in float32 and agrees with float64 to single precision', () => {
    const x64 = fill(1001, uniform(3));
    const x32 = Float32Array.from(x64);
    for (const algorithm of algorithms) {
      const got = scan(x32, sumMonoid(1), { algorithm });
      expect(got).toBeInstanceOf(Float32Array);
      expect(maxRelErr(got, scan(x64, sumMonoid(1)))).toBeLessThan(1e-4);
    }
  });

  it('scan on a large input (n = 2^17 + 3) agrees across algorithms', () => {
    const x = fill(2 ** 17 + 3, uniform(11));
    const ref = scan(x, sumMonoid(1), { algorithm: 'sequential' });
    expect(maxRelErr(scan(x, sumMonoid(1), { algorithm: 'blelloch' }), ref)).toBeLessThan(1e-10);
    expect(maxRelErr(scan(x, sumMonoid(1), { algorithm: 'chunked' }), ref)).toBeLessThan(1e-10);
  });

  it('scan rejects lengths that are not a multiple of the width, with LENGTH_MISMATCH', () => {
    expect(() => scan(new Float64Array(5), sumMonoid(2))).toThrow(expect.objectContaining({ code: 'LENGTH_MISMATCH' }) as Error);
    expect(() => scan(new Float64Array(0), sumMonoid(1))).toThrow(UnrollError);
  });

  it('scan rejects an out of the wrong length or dtype, and unknown algorithms', () => {
    const x = new Float64Array(4);
    expect(() => scan(x, sumMonoid(1), { out: new Float64Array(3) })).toThrow(expect.objectContaining({ code: 'LENGTH_MISMATCH' }) as Error);
    expect(() => scan(x, sumMonoid(1), { out: new Float32Array(4) })).toThrow(expect.objectContaining({ code: 'DTYPE_MISMATCH' }) as Error);
    expect(() => scan(x, sumMonoid(1), { algorithm: 'fast' as ScanAlgorithm })).toThrow(/unknown algorithm 'fast'/);
    expect(() => scan([1, 2] as unknown as Float64Array, sumMonoid(1))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
  });
  it('scan(x, m, { chunkSize }) refuses NaN, 0, negative, fractional and non-number chunk sizes with INVALID_ARGUMENT naming chunkSize', () => {
    const x = new Float64Array([1, 2, 3, 4]);
    for (const chunkSize of [NaN, 0, -2, 1.5, Infinity, '2', null]) {
      for (const algorithm of ['chunked', 'sequential'] as const) {
        expect(() => scan(x, sumMonoid(1), { algorithm, chunkSize: chunkSize as number })).toThrow(
          expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/chunkSize must be a positive integer/) as string }) as Error,
        );
      }
    }
    expect(Array.from(scan(x, sumMonoid(1), { algorithm: 'chunked', chunkSize: 100 }))).toEqual([1, 3, 6, 10]);
    expect(Array.from(scan(x, sumMonoid(1), { algorithm: 'chunked', chunkSize: undefined } as unknown as ScanOptions))).toEqual([1, 3, 6, 10]);
  });

  it('scan(x, m, { out }) refuses an out that partially overlaps elements, and scans in place through another view of the same memory', () => {
    const memory = new Float64Array([1, 2, 3, 4, 5]);
    expect(() => scan(memory.subarray(1), sumMonoid(1), { out: memory.subarray(0, 4) })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/out shares part of its memory with elements/) as string }) as Error,
    );
    expect(Array.from(memory)).toEqual([1, 2, 3, 4, 5]); // refused before touching anything
    const view = new Float64Array(memory.buffer);
    for (const algorithm of algorithms) {
      memory.set([1, 2, 3, 4, 5]);
      expect(scan(memory, sumMonoid(1), { algorithm, out: view })).toBe(view);
      expect(Array.from(memory)).toEqual([1, 3, 6, 10, 15]);
    }
    // Disjoint halves of one buffer are separate arrays.
    const halves = new Float64Array([1, 2, 3, 0, 0, 0]);
    scan(halves.subarray(0, 3), sumMonoid(1), { out: halves.subarray(3) });
    expect(Array.from(halves)).toEqual([1, 2, 3, 1, 3, 6]);
  });
});
