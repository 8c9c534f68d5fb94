import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as scanPackage from './index.js';
import {
  UnrollError,
  affineMonoid,
  allocate,
  blockDiagonal,
  checkStructureLaws,
  defineStructure,
  dense,
  diagonal,
  dtypeOf,
  identity,
  isFloatArray,
  isShared,
  linearRecurrence,
  mulberry32,
  permutation,
  scan,
  sharedFloatArray,
  shutdownThreads,
  sumMonoid,
  zero,
} from './index.js';
import { threadPoolState } from './thread-pool.js';

afterAll(async () => {
  await shutdownThreads();
});

/** Matches an UnrollError with this code whose message matches `message`. */
function unroll(code: string, message: RegExp): Error {
  return expect.objectContaining({ name: 'UnrollError', code, message: expect.stringMatching(message) as string }) as Error;
}

/** Calls `f` with arguments it does not declare (as untyped JavaScript callers do). */
function call(f: (...args: never[]) => unknown, ...args: unknown[]): () => unknown {
  return () => (f as (...a: unknown[]) => unknown)(...args);
}

const x4 = new Float64Array([1, 2, 3, 4]);
const A = new Float64Array([0.5, 0.5]);
const b = new Float64Array([1, 1]);

describe('bad arguments', () => {
  it('scan(elements, monoid, opts) names a missing or malformed argument in an INVALID_ARGUMENT', () => {
    expect(call(scan, null, sumMonoid(1))).toThrow(unroll('INVALID_ARGUMENT', /scan: elements must be a Float64Array or Float32Array, got null/));
    expect(call(scan, [1, 2], sumMonoid(1))).toThrow(unroll('INVALID_ARGUMENT', /elements must be .* got an Array\(2\)/));
    expect(call(scan, x4, null)).toThrow(unroll('INVALID_ARGUMENT', /scan: monoid must be a Monoid, got null; pass a Monoid such as sumMonoid/));
    expect(call(scan, x4)).toThrow(unroll('INVALID_ARGUMENT', /monoid must be a Monoid, got undefined/));
    expect(call(scan, x4, { width: 1 })).toThrow(unroll('INVALID_ARGUMENT', /monoid.combine must be a function, got undefined/));
    expect(call(scan, x4, { width: NaN, combine: () => undefined })).toThrow(unroll('INVALID_ARGUMENT', /monoid.width must be a positive integer, got NaN/));
    expect(call(scan, x4, sumMonoid(1), null)).toThrow(unroll('INVALID_ARGUMENT', /scan: options must be an object \(or left out\), got null/));
    expect(call(scan, x4, sumMonoid(1), 'chunked')).toThrow(unroll('INVALID_ARGUMENT', /options must be an object .* got the string 'chunked'/));
    expect(call(scan, x4, sumMonoid(1), { algorithm: 3 })).toThrow(unroll('INVALID_ARGUMENT', /unknown algorithm 3/));
    expect(call(scan, x4, sumMonoid(1), { out: [0, 0, 0, 0] })).toThrow(unroll('LENGTH_MISMATCH', /out must be a float array of length 4, got an Array\(4\)/));
    expect(Array.from(scan(x4, sumMonoid(1), undefined))).toEqual([1, 3, 6, 10]);
  });

  it('linearRecurrence(structure, A, b, s0, opts) names a missing or malformed argument, never a TypeError', () => {
    expect(call(linearRecurrence, null, A, b, [0])).toThrow(unroll('INVALID_ARGUMENT', /linearRecurrence: structure must be a Structure, got null; pass a Structure such as dense\(D\)/));
    expect(call(linearRecurrence, undefined, A, b, [0])).toThrow(unroll('INVALID_ARGUMENT', /structure must be a Structure, got undefined/));
    expect(call(linearRecurrence, 'diagonal', A, b, [0])).toThrow(unroll('INVALID_ARGUMENT', /structure must be a Structure, got the string 'diagonal'/));
    expect(call(linearRecurrence, { dim: 1, width: 1 }, A, b, [0])).toThrow(unroll('INVALID_ARGUMENT', /structure.name must be a string/));
    expect(call(linearRecurrence, { ...diagonal(1), apply: null }, A, b, [0])).toThrow(unroll('INVALID_ARGUMENT', /structure.apply must be a function, got null/));
    expect(call(linearRecurrence, diagonal(1), null, b, [0])).toThrow(unroll('INVALID_ARGUMENT', /A must be a Float64Array or Float32Array, got null/));
    expect(call(linearRecurrence, diagonal(1), A, [1, 1], [0])).toThrow(unroll('INVALID_ARGUMENT', /b must be a Float64Array or Float32Array of T·D numbers, got an Array\(2\)/));
    expect(call(linearRecurrence, diagonal(1), A, b, null)).toThrow(unroll('INVALID_ARGUMENT', /s0 must be an array \(or typed array\) of D = 1 finite numbers, got null/));
    expect(call(linearRecurrence, diagonal(1), A, b)).toThrow(unroll('INVALID_ARGUMENT', /s0 must be an array .* got undefined/));
    expect(call(linearRecurrence, diagonal(1), A, b, 0)).toThrow(unroll('INVALID_ARGUMENT', /s0 must be an array .* got 0/));
    expect(call(linearRecurrence, diagonal(1), A, b, ['1'])).toThrow(unroll('INVALID_ARGUMENT', /s0\[0\] is the string '1'; s0 must hold D = 1 finite numbers/));
    expect(call(linearRecurrence, diagonal(1), A, b, [null])).toThrow(unroll('INVALID_ARGUMENT', /s0\[0\] is null/));
    expect(call(linearRecurrence, diagonal(1), A, b, [0], null)).toThrow(unroll('INVALID_ARGUMENT', /linearRecurrence: options must be an object \(or left out\), got null/));
    expect(call(linearRecurrence, diagonal(1), A, b, [0], 2)).toThrow(unroll('INVALID_ARGUMENT', /options must be an object .* got 2/));
    expect(call(linearRecurrence, diagonal(1), A, b, [0], new Float64Array(2))).toThrow(unroll('INVALID_ARGUMENT', /options must be an object .* got a Float64Array/));
    expect(call(linearRecurrence, diagonal(1), A, b, [0], [1])).toThrow(unroll('INVALID_ARGUMENT', /options must be an object .* got an Array\(1\)/));
    expect(call(linearRecurrence, diagonal(1), A, b, [0], { out: [0, 0] })).toThrow(unroll('LENGTH_MISMATCH', /out must be a float array of T·D = 2 numbers, got an Array\(2\)/));
    expect(call(linearRecurrence, diagonal(1), A, b, [0], { algorithm: null })).toThrow(unroll('INVALID_ARGUMENT', /unknown algorithm null/));
    expect(Array.from(linearRecurrence(diagonal(1), A, b, [0], undefined))).toEqual([1, 1.5]);
  });

  it('linearRecurrence(…, { threads: 2 }) checks everything before it starts a worker or allocates', async () => {
    await shutdownThreads();
    const memory = new Float64Array(3);
    const bad = [
      () => linearRecurrence(diagonal(1), A, memory.subarray(1), [0], { threads: 2, parallelThreshold: 0, out: memory.subarray(0, 2) }),
      () => linearRecurrence(diagonal(1), A, b, [0], { threads: 2, parallelThreshold: NaN }),
      () => linearRecurrence(diagonal(1), A, b, [NaN], { threads: 2, parallelThreshold: 0 }),
      call(linearRecurrence, diagonal(1), A, b, [0], { threads: 2, out: new Float32Array(2) }),
    ];
    for (const f of bad) expect(f).toThrow(UnrollError);
    expect(threadPoolState()).toMatchObject({ workers: 0, stagingBytes: 0 });
  });

  it('structure factories dense, diagonal, identity, zero and blockDiagonal refuse missing, NaN, negative and huge sizes with INVALID_ARGUMENT', () => {
    for (const factory of [dense, diagonal, identity, zero]) {
      for (const D of [undefined, null, NaN, -1, 0, 2.5, '3', 2 ** 33, Infinity]) {
        expect(call(factory, D)).toThrow(unroll('INVALID_ARGUMENT', /\(D\): D must be a positive integer/));
      }
    }
    // A dense matrix of D = 10^9 would be 10^18 numbers: refused up front, nothing allocated.
    expect(call(dense, 1e9)).toThrow(unroll('INVALID_ARGUMENT', /dense\(1000000000\): one dense .* use diagonal\(D\)/));
    expect(call(blockDiagonal, 4, null)).toThrow(unroll('INVALID_ARGUMENT', /block size B must be a positive integer that divides D, got null/));
    expect(call(blockDiagonal, 4)).toThrow(unroll('INVALID_ARGUMENT', /got undefined/));
    expect(call(blockDiagonal, null, 2)).toThrow(unroll('INVALID_ARGUMENT', /blockDiagonal\(D\): D must be a positive integer .*got null/));
    expect(call(blockDiagonal, 2 ** 30, 2 ** 15)).toThrow(unroll('INVALID_ARGUMENT', /more than one array can hold/));
  });

  it('defineStructure(spec) and checkStructureLaws(structure, opts) refuse null, undefined and malformed input by name', () => {
    expect(call(defineStructure, null)).toThrow(unroll('INVALID_ARGUMENT', /defineStructure\(spec\): spec must be an object .* got null/));
    expect(call(defineStructure)).toThrow(unroll('INVALID_ARGUMENT', /got undefined/));
    expect(call(defineStructure, { ...diagonal(2), dim: NaN })).toThrow(unroll('INVALID_ARGUMENT', /dim must be a positive integer, got NaN/));
    expect(call(defineStructure, { ...diagonal(2), width: '2' })).toThrow(unroll('INVALID_ARGUMENT', /width must be a non-negative integer, got the string '2'/));
    expect(call(checkStructureLaws, null)).toThrow(unroll('INVALID_ARGUMENT', /checkStructureLaws: structure must be a Structure, got null/));
    expect(call(checkStructureLaws, diagonal(2), null)).toThrow(unroll('INVALID_ARGUMENT', /checkStructureLaws: options must be an object/));
    expect(call(checkStructureLaws, diagonal(2), { trials: NaN })).toThrow(unroll('INVALID_ARGUMENT', /trials must be a positive integer, got NaN/));
    expect(call(checkStructureLaws, diagonal(2), { seed: 'x' })).toThrow(unroll('INVALID_ARGUMENT', /seed must be a finite number/));
    expect(call(checkStructureLaws, diagonal(2), { tolerance: -1 })).toThrow(unroll('INVALID_ARGUMENT', /tolerance must be a finite non-negative number, got -1/));
    expect(call(checkStructureLaws, diagonal(2), { tolerance: Infinity })).toThrow(unroll('INVALID_ARGUMENT', /tolerance must be/));
    expect(call(checkStructureLaws, diagonal(2), new Float64Array(2))).toThrow(unroll('INVALID_ARGUMENT', /options must be an object .* got a Float64Array/));
    expect(call(checkStructureLaws, diagonal(2), { tolerance: NaN })).toThrow(unroll('INVALID_ARGUMENT', /tolerance must be/));
    expect(call(checkStructureLaws, diagonal(2), { sample: 3 })).toThrow(unroll('INVALID_ARGUMENT', /sample must be a function/));
    expect(checkStructureLaws(diagonal(2), undefined).ok).toBe(true);
  });

  it('affineMonoid(structure) and sumMonoid(width) refuse what is not a structure or a width; a structure too large to hold is MEMORY_BUDGET', () => {
    expect(call(affineMonoid)).toThrow(unroll('INVALID_ARGUMENT', /affineMonoid: structure must be a Structure, got undefined/));
    expect(call(affineMonoid, null)).toThrow(unroll('INVALID_ARGUMENT', /got null/));
    expect(call(affineMonoid, { dim: 2 })).toThrow(unroll('INVALID_ARGUMENT', /structure.name must be a string/));
    const huge = defineStructure({ ...diagonal(1), name: 'huge', width: 2 ** 32 });
    expect(() => affineMonoid(huge)).toThrow(unroll('MEMORY_BUDGET', /affineMonoid\(huge\(1\)\): could not allocate/));
    for (const width of [undefined, null, NaN, 0, -1, 1.5, '1']) {
      expect(call(sumMonoid, width)).toThrow(unroll('INVALID_ARGUMENT', /sumMonoid\(width\): width must be a positive integer/));
    }
  });

  it('allocate, sharedFloatArray, dtypeOf, isShared and mulberry32 refuse wrong types and sizes before allocating', () => {
    for (const f of [allocate, sharedFloatArray]) {
      expect(call(f, 'float16', 3)).toThrow(unroll('INVALID_ARGUMENT', /dtype must be 'float64' or 'float32', got the string 'float16'/));
      expect(call(f, undefined, 3)).toThrow(unroll('INVALID_ARGUMENT', /dtype must be .* got undefined/));
      for (const length of [-1, 1.5, NaN, undefined, null, '3', 2 ** 33]) {
        expect(call(f, 'float64', length)).toThrow(unroll('INVALID_ARGUMENT', /length must be a non-negative integer/));
      }
      expect(f('float32', 0)).toHaveLength(0);
    }
    expect(call(dtypeOf, null)).toThrow(unroll('INVALID_ARGUMENT', /dtypeOf\(x\): x must be a Float64Array or Float32Array, got null/));
    expect(call(dtypeOf, [1])).toThrow(unroll('INVALID_ARGUMENT', /got an Array\(1\)/));
    expect(call(isShared, null)).toThrow(unroll('INVALID_ARGUMENT', /isShared\(x\): x must be a Float64Array or Float32Array, got null/));
    expect(call(isShared, new Uint8Array(2))).toThrow(unroll('INVALID_ARGUMENT', /got a Uint8Array/));
    expect(isFloatArray(null)).toBe(false);
    for (const seed of [undefined, null, NaN, Infinity, '1', {}]) {
      expect(call(mulberry32, seed)).toThrow(unroll('INVALID_ARGUMENT', /mulberry32\(seed\): seed must be a finite number/));
    }
    expect(mulberry32(-1.5)()).toBe(mulberry32(2 ** 32 - 1)()); // taken modulo 2^32, as documented
  });

  it('every exported function throws only UnrollError, whatever it is given (property)', () => {
    // The shared argument checks take the calling package's own strings (where, name,
    // example) besides the value they check, so they are left out of this property.
    const argumentChecks = ['checkArrayLength', 'checkFunction', 'checkInteger', 'checkNumber', 'checkOptions', 'checkRecord', 'checkSeed', 'describeValue', 'isRecord'];
    for (const name of argumentChecks) expect(typeof (scanPackage as Record<string, unknown>)[name]).toBe('function');
    const functions: [string, (...args: unknown[]) => unknown][] = [];
    for (const [name, v] of Object.entries(scanPackage)) {
      if (typeof v === 'function' && name !== 'UnrollError' && name !== 'shutdownThreads' && !argumentChecks.includes(name)) {
        functions.push([name, v as (...args: unknown[]) => unknown]);
      }
    }
    expect(functions.map(([name]) => name).sort()).toEqual(
      [
        'affineMonoid', 'allocate', 'blockDiagonal', 'blockDiagonalKalman', 'checkStructureLaws', 'checkStructureModule', 'defineStructure', 'dense', 'denseKalman', 'diagonal',
        'diagonalKalman', 'dtypeOf', 'identity', 'isFloatArray', 'isShared', 'linearRecurrence', 'mulberry32', 'permutation', 'scan', 'setWarningHandler', 'sharedFloatArray', 'sumMonoid', 'warnOnce', 'zero',
      ].sort(),
    );
    // Valid values mixed in, so calls get past their first check.
    const value = fc.oneof(
      fc.anything({ withTypedArray: true, withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, maxDepth: 2 }),
      fc.constantFrom<unknown>(diagonal(2), dense(2), identity(1), permutation(3), sumMonoid(1), new Float64Array(4), new Float32Array(2), [0, 0], 'float64', 2, { threads: 2 }, { reverse: true }, {}),
    );
    fc.assert(
      fc.property(fc.constantFrom(...functions), fc.array(value, { maxLength: 5 }), ([, f], args) => {
        try {
          f(...args);
        } catch (error) {
          if (!(error instanceof UnrollError)) throw error;
          expect(error.message.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
