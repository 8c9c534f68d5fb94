import type { Dynamics } from '@unroll/linearize';
import { UnrollError, isFloatArray } from '@unroll/scan';

/**
 * Argument checks shared by the system factories. Each runs before anything is allocated
 * or called, and throws an `UnrollError` whose message names the argument (or the params
 * field) and says what to pass instead.
 */

/**
 * The most numbers one array made by this package may hold (2^28 float64 = 2 GiB): a
 * system whose weights, Jacobian scratch or inputs would need more is refused with
 * `MEMORY_BUDGET` before anything is allocated.
 */
export const maxArrayLength = 2 ** 28;

/** How a value prints in a message. */
export function describeValue(x: unknown): string {
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint' || typeof x === 'undefined') return String(x);
  if (typeof x === 'symbol') return x.toString();
  if (typeof x === 'string') return `'${x.length > 40 ? `${x.slice(0, 40)}…` : x}'`;
  if (typeof x === 'function') return 'a function';
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (isFloatArray(x)) return `a ${x.constructor.name} of length ${x.length}`;
  return 'an object';
}

/** True for an object that is not null, an array or a typed array. */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

/** Throws unless `x` is an object (a params or options argument), naming it. */
export function checkRecord(where: string, name: string, x: unknown, example: string): asserts x is Record<string, unknown> {
  if (!isRecord(x)) throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be an object such as ${example}, got ${describeValue(x)}.`);
}

/**
 * A params or options argument that may be omitted: `undefined` stands for `{}`; anything
 * else that is not an object (null, a number, an array) is refused, naming it.
 */
export function optionalRecord<O extends object>(where: string, name: string, x: O | undefined, example: string): O {
  const given: unknown = x;
  if (given === undefined) return {} as O;
  checkRecord(where, name, given, `${example} (or omitted)`);
  return given as O;
}

/** Throws unless `x` is a function. */
export function checkFunction(where: string, name: string, x: unknown, signature: string): asserts x is (...args: never[]) => unknown {
  if (typeof x !== 'function') throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be a function ${signature}, got ${describeValue(x)}.`);
}

/** Throws unless `x` is an integer in [min, max]. */
export function checkInteger(where: string, name: string, x: unknown, min: number, max = Number.MAX_SAFE_INTEGER): asserts x is number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
    const kind =
      max !== Number.MAX_SAFE_INTEGER ? `an integer in [${min}, ${max}]`
      : min === 1 ? 'a positive integer'
      : min === 0 ? 'a non-negative integer'
      : `an integer ≥ ${min}`;
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be ${kind}, got ${describeValue(x)}.`);
  }
}

/** Throws unless `x` is a seed: an integer (same seed → same numbers on every platform). */
export function checkSeed(where: string, name: string, x: unknown): asserts x is number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be an integer (the same seed gives the same numbers on every platform), got ${describeValue(x)}.`);
  }
}

/** The domain of a real parameter: bounds, each closed unless marked open. */
export interface Domain {
  readonly min?: number;
  readonly max?: number;
  readonly minOpen?: boolean;
  readonly maxOpen?: boolean;
}

/** Throws unless `x` is a finite number inside `domain`. */
export function checkNumber(where: string, name: string, x: unknown, domain: Domain = {}): asserts x is number {
  const { min, max, minOpen = false, maxOpen = false } = domain;
  const inside =
    typeof x === 'number' &&
    Number.isFinite(x) &&
    (min === undefined || (minOpen ? x > min : x >= min)) &&
    (max === undefined || (maxOpen ? x < max : x <= max));
  if (!inside) {
    const bounds =
      min !== undefined && max !== undefined ? ` in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}`
      : min !== undefined ? ` ${minOpen ? '>' : '≥'} ${min}`
      : max !== undefined ? ` ${maxOpen ? '<' : '≤'} ${max}`
      : '';
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be a finite number${bounds}, got ${describeValue(x)}.`);
  }
}

/** Throws unless `x` is one of `choices`, listing them. */
export function checkOneOf<C extends string>(where: string, name: string, x: unknown, choices: readonly C[]): asserts x is C {
  if (typeof x !== 'string' || !(choices as readonly string[]).includes(x)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describeValue(x)}.`);
  }
}

/** Throws `MEMORY_BUDGET` when `count` numbers are more than one array of this package may hold. */
export function checkArrayLength(where: string, what: string, count: number, instead: string): void {
  if (!(count <= maxArrayLength)) {
    throw new UnrollError('MEMORY_BUDGET', `${where}: ${what} would need ${count} numbers, more than the ${maxArrayLength} (2^28) one array may hold; ${instead}.`);
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
 * Throws unless `dyn` is a Dynamics: an object with a positive integer `dim` (within the
 * array limit) and a `step` function.
 */
export function checkDynamics(where: string, name: string, dyn: unknown): asserts dyn is Dynamics {
  if (typeof dyn !== 'object' || dyn === null || typeof (dyn as { step?: unknown }).step !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be a Dynamics ({ dim, step, jacobian, … }) such as lorenz63(), got ${describeValue(dyn)}.`);
  }
  const dim = (dyn as { dim?: unknown }).dim;
  checkInteger(where, `${name}.dim`, dim, 1);
  checkArrayLength(where, `a state of ${name}.dim = ${dim}`, dim, `pass a smaller ${name}`);
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
