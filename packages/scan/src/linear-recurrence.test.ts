import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fill, maxRelErr, randomMatrices, referenceRecurrence, uniform } from '../test/helpers.js';
import {
  UnrollError,
  blockDiagonal,
  defineStructure,
  dense,
  diagonal,
  identity,
  isShared,
  linearRecurrence,
  sharedFloatArray,
  shutdownThreads,
  zero,
  type Structure,
} from './index.js';
import { threadedRunCount } from './threaded-recurrence.js';

afterAll(async () => {
  await shutdownThreads();
});

function structures(D: number): Structure[] {
  const list = [dense(D), diagonal(D), identity(D), zero(D), blockDiagonal(D, 1)];
  if (D % 2 === 0) list.push(blockDiagonal(D, 2));
  return list;
}

/** A problem whose states stay O(1): contracting transitions for dense-like structures. */
function problem(s: Structure, T: number, seed: number, scale = 0.9) {
  const rand = uniform(seed);
  const A = randomMatrices(s, T, rand, scale);
  const b = fill(T * s.dim, rand);
  const s0 = Array.from(fill(s.dim, rand));
  return { A, b, s0 };
}

describe('linearRecurrence', () => {
  it('linearRecurrence equals the dense step-by-step reference, for every structure and algorithm', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 2 ** 30 }), (D, T, seed) => {
        for (const s of structures(D)) {
          const { A, b, s0 } = problem(s, T, seed);
          const ref = referenceRecurrence(s, A, b, s0);
          for (const algorithm of ['auto', 'sequential', 'blelloch', 'chunked'] as const) {
            expect(maxRelErr(linearRecurrence(s, A, b, s0, { algorithm }), ref)).toBeLessThan(1e-11);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('threads > 1 gives the single-thread states within rounding, for every built-in structure', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 3 }),
        fc.integer({ min: 12, max: 3000 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (D, threads, T, seed) => {
          for (const s of structures(D)) {
            // Transitions near 1 in size so every carry matters to the last row.
            const { A, b, s0 } = problem(s, T, seed, 1);
            const one = linearRecurrence(s, A, b, s0);
            const runs = threadedRunCount();
            const many = linearRecurrence(s, A, b, s0, { threads, parallelThreshold: 0 });
            expect(threadedRunCount()).toBe(runs + 1); // the threaded path ran
            expect(maxRelErr(many, one)).toBeLessThan(1e-9);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('threads > 1 carries s0 through every segment: a pure running sum is exact', () => {
    // identity transitions with b = 1: s_t = s0 + t, exactly representable.
    const T = 100_003;
    const b = new Float64Array(T).fill(1);
    for (const threads of [2, 3, 4]) {
      const runs = threadedRunCount();
      const s = linearRecurrence(identity(1), new Float64Array(0), b, [5], { threads, parallelThreshold: 0 });
      expect(threadedRunCount()).toBe(runs + 1);
      for (const t of [1, 2, T / 2, T - 1, T]) expect(s[Math.floor(t) - 1]).toBe(5 + Math.floor(t));
    }
  });

  it('threads > 1 works on large T, in float32, with shared inputs read in place and an out given', () => {
    const D = 16, T = 2 ** 16;
    const rand = uniform(99);
    const A = sharedFloatArray('float32', T * D);
    const b = sharedFloatArray('float32', T * D);
    for (let i = 0; i < A.length; i++) {
      A[i] = 0.5 + 0.5 * rand();
      b[i] = rand();
    }
    const s0 = Array.from(fill(D, rand));
    const one = linearRecurrence(diagonal(D), A, b, s0);
    const out = new Float32Array(T * D);
    const many = linearRecurrence(diagonal(D), A, b, s0, { threads: 2, out, parallelThreshold: 0 });
    expect(many).toBe(out);
    expect(maxRelErr(many, one)).toBeLessThan(1e-5);
    expect(many).toBeInstanceOf(Float32Array);
  });

  it('threads > 1 reused on the same shared buffers sees their new contents every call (as a solver loop does)', async () => {
    const D = 3, T = 5000;
    const A = sharedFloatArray('float64', T * D);
    const b = sharedFloatArray('float64', T * D);
    const out = sharedFloatArray('float64', T * D);
    const otherOut = sharedFloatArray('float64', T * D);
    for (let call = 0; call < 6; call++) {
      const rand = uniform(1000 + call);
      for (let i = 0; i < A.length; i++) {
        A[i] = 0.9 + 0.2 * rand();
        b[i] = rand();
      }
      const s0 = [call, -call, 1];
      const target = call % 3 === 2 ? otherOut : out; // switching arrays rebinds the workers
      linearRecurrence(diagonal(D), A, b, s0, { threads: 2, out: target, parallelThreshold: 0 });
      expect(maxRelErr(target, linearRecurrence(diagonal(D), A, b, s0))).toBeLessThan(1e-9);
      if (call === 3) await shutdownThreads(); // and a fresh pool starts after a shutdown
    }
  });

  it('threads > 1 stays on one thread below parallelThreshold (waking workers would cost more)', () => {
    const { A, b, s0 } = problem(diagonal(2), 100, 1);
    const runs = threadedRunCount();
    linearRecurrence(diagonal(2), A, b, s0, { threads: 2 });
    expect(threadedRunCount()).toBe(runs);
    const threaded = linearRecurrence(diagonal(2), A, b, s0, { threads: 2, parallelThreshold: 0 });
    expect(threadedRunCount()).toBe(runs + 1);
    // Threads do not change what comes back: an ordinary array, as on one thread.
    expect(isShared(threaded)).toBe(false);
    linearRecurrence(diagonal(2), A, b, s0, { threads: 2, parallelThreshold: Infinity });
    expect(threadedRunCount()).toBe(runs + 1);
  });

  it('linearRecurrence(diagonal(1), …) gives the README example: s_t = 0.5 s_{t−1} + 1 from 0 is 1, 1.5, 1.75', () => {
    const s = linearRecurrence(diagonal(1), new Float64Array([0.5, 0.5, 0.5]), new Float64Array([1, 1, 1]), [0]);
    expect(Array.from(s)).toEqual([1, 1.5, 1.75]);
  });

  it('linearRecurrence handles T = 1 and D = 1, including with threads', () => {
    const s = linearRecurrence(diagonal(1), new Float64Array([2]), new Float64Array([3]), [4], { threads: 2 });
    expect(Array.from(s)).toEqual([11]);
    const d = linearRecurrence(dense(2), new Float64Array([0, 1, 1, 0]), new Float64Array([1, 0]), [2, 3]);
    expect(Array.from(d)).toEqual([4, 2]);
    expect(Array.from(linearRecurrence(zero(2), new Float64Array(0), new Float64Array([1, 2, 3, 4]), [9, 9]))).toEqual([1, 2, 3, 4]);
  });

  it('linearRecurrence(float32) rounds like a float32 loop and stays Float32Array', () => {
    const s = diagonal(3);
    const { A, b, s0 } = problem(s, 501, 7);
    const got = linearRecurrence(s, Float32Array.from(A), Float32Array.from(b), s0);
    expect(got).toBeInstanceOf(Float32Array);
    expect(maxRelErr(got, linearRecurrence(s, A, b, s0))).toBeLessThan(1e-5);
  });

  it('linearRecurrence writes into out when given and returns it', () => {
    const s = dense(3);
    const { A, b, s0 } = problem(s, 10, 3);
    const out = new Float64Array(30);
    expect(linearRecurrence(s, A, b, s0, { out })).toBe(out);
    expect(maxRelErr(out, referenceRecurrence(s, A, b, s0))).toBeLessThan(1e-12);
  });

  it('linearRecurrence rejects bad input with typed errors that say what to do', () => {
    const code = (c: string) => expect.objectContaining({ code: c }) as Error;
    const A = new Float64Array(6);
    const b = new Float64Array(6);
    expect(() => linearRecurrence(diagonal(2), new Float64Array(5), b, [0, 0])).toThrow(code('LENGTH_MISMATCH'));
    expect(() => linearRecurrence(diagonal(2), A, new Float64Array(5), [0, 0])).toThrow(code('LENGTH_MISMATCH'));
    expect(() => linearRecurrence(diagonal(2), A, new Float64Array(0), [0, 0])).toThrow(/T ≥ 1/);
    expect(() => linearRecurrence(diagonal(2), A, b, [0, 0, 0])).toThrow(code('DIMENSION_MISMATCH'));
    expect(() => linearRecurrence(diagonal(2), A, b, [0, NaN])).toThrow(code('NON_FINITE'));
    expect(() => linearRecurrence(diagonal(2), A, b, [Infinity, 0])).toThrow(/s0\[0\] is Infinity/);
    expect(() => linearRecurrence(diagonal(2), new Float32Array(6), b, [0, 0])).toThrow(code('DTYPE_MISMATCH'));
    expect(() => linearRecurrence(diagonal(2), A, b, [0, 0], { out: new Float32Array(6) })).toThrow(code('DTYPE_MISMATCH'));
    expect(() => linearRecurrence(diagonal(2), A, b, [0, 0], { out: new Float64Array(4) })).toThrow(code('LENGTH_MISMATCH'));
    expect(() => linearRecurrence(diagonal(2), A, b, [0, 0], { threads: 0 })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => linearRecurrence(diagonal(2), A, b, [0, 0], { threads: 1.5 })).toThrow(/threads must be a positive integer/);
    expect(() => linearRecurrence(dense(2), new Float64Array(3 * 4), b, [0, 0], { threads: 2, algorithm: 'blelloch' })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => linearRecurrence(diagonal(2), A, b, [0, 0], { algorithm: 'x' as never })).toThrow(/unknown algorithm/);
    expect(() => linearRecurrence(identity(2), [] as unknown as Float64Array, b, [0, 0])).toThrow(UnrollError);
  });

  it('linearRecurrence(…, { threads: 2 }) gives the same bits on 8 identical calls (float32 and float64; diagonal, identity, dense), within rounding of one thread', () => {
    // The split used to follow timings measured on earlier calls, so identical calls
    // rounded differently (2–6 distinct results over 8 calls in float32).
    const T = 100_000;
    for (const dtype of ['float32', 'float64'] as const) {
      for (const s of [diagonal(4), diagonal(1), identity(4), dense(4)]) {
        const { A, b, s0 } = problem(s, T, 17, 1);
        const cast = (x: Float64Array) => (dtype === 'float32' ? Float32Array.from(x) : x);
        const [A_, b_] = [cast(A), cast(b)];
        const runs = Array.from({ length: 8 }, () => linearRecurrence(s, A_, b_, s0, { threads: 2, parallelThreshold: 0 }));
        const distinct = new Set(runs.map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength).toString('base64')));
        expect(distinct.size, `${s.name}(${s.dim}) ${dtype}`).toBe(1);
        const one = linearRecurrence(s, A_, b_, s0);
        expect(maxRelErr(runs[0], one), `${s.name}(${s.dim}) ${dtype}`).toBeLessThan(dtype === 'float32' ? 1e-2 : 1e-9);
      }
    }
  });

  it('linearRecurrence(…, { threads }) decides threads or not from the problem alone: the default threshold gives the same path every call', () => {
    const { A, b, s0 } = problem(diagonal(8), 2 ** 17, 5);
    const decisions = Array.from({ length: 6 }, () => {
      const runs = threadedRunCount();
      linearRecurrence(diagonal(8), A, b, s0, { threads: 2 });
      return threadedRunCount() - runs;
    });
    expect(new Set(decisions).size).toBe(1);
  });

  it('linearRecurrence(…, { out: b }) overwrites b with the states in place, on every path and structure (custom ones too)', () => {
    const custom = defineStructure({ ...diagonal(3), name: 'my-diagonal' });
    for (const s of [...structures(2), dense(3), custom]) {
      const T = 2000;
      const { A, b, s0 } = problem(s, T, 23);
      const want = linearRecurrence(s, A, b, s0);
      const options = [{ algorithm: 'sequential' }, { algorithm: 'blelloch' }, { algorithm: 'chunked' }, ...(s === custom ? [] : [{ threads: 2, parallelThreshold: 0 }])] as const;
      for (const o of options) {
        for (const shared of [false, true]) {
          if (shared && !('threads' in o)) continue;
          const inPlace = shared ? sharedFloatArray('float64', b.length) : new Float64Array(b.length);
          inPlace.set(b);
          const got = linearRecurrence(s, A, inPlace, s0, { ...o, out: inPlace });
          expect(got).toBe(inPlace);
          expect(maxRelErr(got, want), `${s.name} ${JSON.stringify(o)} shared=${shared}`).toBeLessThan(1e-9);
        }
      }
      // Another view of exactly b's memory is b itself.
      const copy = Float64Array.from(b);
      linearRecurrence(s, A, copy, s0, { out: new Float64Array(copy.buffer) });
      expect(maxRelErr(copy, want)).toBeLessThan(1e-12);
    }
  });

  it('linearRecurrence(…, { out }) refuses an out that partially overlaps b, or overlaps A, with INVALID_ARGUMENT', () => {
    const D = 2, T = 50;
    const { A, b, s0 } = problem(diagonal(D), T, 3);
    const memory = new Float64Array((T + 1) * D);
    const bShifted = memory.subarray(D);
    bShifted.set(b);
    const outShifted = memory.subarray(0, T * D);
    for (const threads of [1, 2]) {
      const opts = { threads, parallelThreshold: 0, out: outShifted };
      expect(() => linearRecurrence(diagonal(D), A, bShifted, s0, opts)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
      expect(() => linearRecurrence(diagonal(D), A, bShifted, s0, opts)).toThrow(/out shares part of its memory with b.*separate out array/);
    }
    const A2 = Float64Array.from(A);
    expect(() => linearRecurrence(diagonal(D), A2, b, s0, { out: A2 })).toThrow(/out shares memory with A/);
    const both = new Float64Array(2 * T * D);
    both.set(A);
    expect(() => linearRecurrence(diagonal(D), both.subarray(0, T * D), b, s0, { out: both.subarray(T * D - 1, 2 * T * D - 1) })).toThrow(/out shares memory with A/);
    // Disjoint parts of one buffer are fine.
    const apart = new Float64Array(3 * T * D);
    apart.set(A, 0);
    apart.set(b, T * D);
    const got = linearRecurrence(diagonal(D), apart.subarray(0, T * D), apart.subarray(T * D, 2 * T * D), s0, { out: apart.subarray(2 * T * D) });
    expect(maxRelErr(got, linearRecurrence(diagonal(D), A, b, s0))).toBe(0);
  });

  it('linearRecurrence rejects threads and parallelThreshold that are NaN, negative, non-integer or of the wrong type, naming the option', () => {
    const A = new Float64Array(8).fill(0.5);
    const b = new Float64Array(8).fill(1);
    for (const threads of [NaN, -1, 0, 2.5, Infinity, '2', null, 66]) {
      expect(() => linearRecurrence(diagonal(1), A, b, [0], { threads: threads as number })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/threads must be/) as string }) as Error);
    }
    for (const parallelThreshold of [NaN, -1, 0.5, -Infinity, '0', null]) {
      expect(() => linearRecurrence(diagonal(1), A, b, [0], { threads: 2, parallelThreshold: parallelThreshold as number })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/parallelThreshold must be/) as string }) as Error,
      );
    }
    expect(Array.from(linearRecurrence(diagonal(1), A.subarray(0, 2), b.subarray(0, 2), [0], { threads: 2, parallelThreshold: Infinity }))).toEqual([1, 1.5]);
  });

  it('threads > 1 throws UNSUPPORTED where there are no worker threads (as in a browser page)', () => {
    const original = Object.getOwnPropertyDescriptor(process, 'getBuiltinModule');
    Object.defineProperty(process, 'getBuiltinModule', { value: undefined, configurable: true, writable: true });
    try {
      const b = new Float64Array(8).fill(1);
      expect(() => linearRecurrence(diagonal(1), b, b, [0], { threads: 2 })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }) as Error);
      expect(() => linearRecurrence(diagonal(1), b, b, [0], { threads: 2 })).toThrow(/use threads: 1/);
    } finally {
      if (original) Object.defineProperty(process, 'getBuiltinModule', original);
    }
  });

  it('threads > 1 refuses custom structures with UNSUPPORTED instead of silently running on one thread', () => {
    const custom = defineStructure({ ...diagonal(1), name: 'my-diagonal' });
    const A = new Float64Array(64).fill(0.5);
    const b = new Float64Array(64).fill(1);
    expect(() => linearRecurrence(custom, A, b, [0], { threads: 2 })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }) as Error);
    expect(maxRelErr(linearRecurrence(custom, A, b, [0]), linearRecurrence(diagonal(1), A, b, [0]))).toBe(0);
  });
});
