import { UnrollError, checkArrayLength, describeValue } from '@unroll/scan';

/**
 * Argument checks of the system factories' own (the generic ones are in @unroll/scan, the
 * Dynamics check in @unroll/linearize). Each runs before anything is allocated
 * or called, and throws an `UnrollError` whose message names the argument (or the params
 * field) and says what to pass instead.
 */

/** Throws unless `x` is one of `choices`, listing them. */
export function checkOneOf<C extends string>(where: string, name: string, x: unknown, choices: readonly C[]): asserts x is C {
  if (typeof x !== 'string' || !(choices as readonly string[]).includes(x)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describeValue(x)}.`);
  }
}

/** True for an array or a typed array (something with a numeric length and indices). */
export function isArrayLike(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && typeof (x as { length?: unknown }).length === 'number');
}

/**
 * A float64 copy of an array of finite numbers. With `length`, a different length is
 * `code` (`DIMENSION_MISMATCH` by default); a non-number is `INVALID_ARGUMENT`, NaN or
 * ±Infinity `NON_FINITE`.
 */
export function checkNumbers(
  where: string,
  name: string,
  x: unknown,
  length?: number,
  code: 'DIMENSION_MISMATCH' | 'LENGTH_MISMATCH' = 'DIMENSION_MISMATCH',
): Float64Array {
  if (!isArrayLike(x)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be an array of ${length === undefined ? '' : `${length} `}numbers, got ${describeValue(x)}.`);
  }
  if (length !== undefined && x.length !== length) {
    throw new UnrollError(code, `${where}: ${name} has ${x.length} entries, expected ${length}.`);
  }
  checkArrayLength(where, name, x.length, `pass a shorter ${name}`);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (typeof v !== 'number') throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name}[${i}] is ${describeValue(v)}; pass finite numbers.`);
    if (!Number.isFinite(v)) throw new UnrollError('NON_FINITE', `${where}: ${name}[${i}] is ${describeValue(v)}; pass finite numbers.`);
    out[i] = v;
  }
  return out;
}

/**
 * Throws unless `x` is a non-empty list of distinct integer indices in [0, n) — observed
 * coordinates, data rows.
 */
export function checkIndices(where: string, name: string, x: unknown, n: number, distinct: boolean, noun = 'integers'): asserts x is readonly number[] {
  const ok =
    isArrayLike(x) &&
    x.length > 0 &&
    Array.from(x).every((i) => typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < n) &&
    (!distinct || new Set(Array.from(x)).size === x.length);
  if (!ok) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be a non-empty list of ${distinct ? 'distinct ' : ''}${noun} in [0, ${n}), got ${describeValue(x)}.`);
  }
}

/**
 * Throws unless `out` is a Float64Array of at least `length` numbers — an output buffer a
 * caller hands in (a short one would silently drop writes, a Float32Array round them).
 * O(1): cheap enough for per-step calls.
 */
export function checkOut(where: string, name: string, out: unknown, length: number): void {
  if (!(out instanceof Float64Array)) {
    throw new UnrollError(
      out instanceof Float32Array ? 'DTYPE_MISMATCH' : 'INVALID_ARGUMENT',
      `${where}: ${name} must be a Float64Array of ${length} numbers, got ${describeValue(out)}.`,
    );
  }
  if (out.length < length) throw new UnrollError('LENGTH_MISMATCH', `${where}: ${name} has ${out.length} numbers, but ${length} are written; pass new Float64Array(${length}).`);
}
