import { isFloatArray } from './float-array.js';
import { UnrollError } from './unroll-error.js';

/**
 * Argument checks shared by the unroll packages: each throws UnrollError naming the
 * argument. Every check runs before anything is allocated or called; `where` is the
 * call the message starts with (`'lorenz96'`, `'finiteTimeLyapunov'`), and the message
 * says what to pass instead.
 */

/**
 * The most numbers one array made by a package built on this one may hold (2^28 float64
 * = 2 GiB): larger requests are refused by {@link checkArrayLength} with `MEMORY_BUDGET`
 * before anything is allocated.
 */
export const maxCheckedArrayLength = 2 ** 28;

/** How a value prints in a message: numbers as they are, strings quoted (cut at 40 characters), objects by kind. */
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

/** Throws unless `x` is an object (a spec, params or options argument), naming it. */
export function checkRecord(where: string, name: string, x: unknown, example: string): asserts x is Record<string, unknown> {
  if (!isRecord(x)) throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be an object such as ${example}, got ${describeValue(x)}.`);
}

/**
 * An object argument that may be omitted (`options` unless `name` says otherwise):
 * `undefined` stands for `{}`; anything else that is not an object (null, a number, an
 * array) is refused, naming it.
 */
export function checkOptions<O extends object>(where: string, opts: O | undefined, example: string, name = 'options'): O {
  const given: unknown = opts;
  if (given === undefined) return {} as O;
  checkRecord(where, name, given, `${example} (or omitted)`);
  return given as O;
}

/** Throws unless `x` is a function. */
export function checkFunction(where: string, name: string, x: unknown, signature: string): asserts x is (...args: never[]) => unknown {
  if (typeof x !== 'function') throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be a function ${signature}, got ${describeValue(x)}.`);
}

/**
 * Throws unless `x` is an integer in [min, max]. The message says what is wanted in
 * words (`a positive integer`, `a non-negative integer`) or, with `wording: 'bounds'`,
 * as a bound (`an integer ≥ 1`).
 */
export function checkInteger(
  where: string,
  name: string,
  x: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  wording: 'words' | 'bounds' = 'words',
): asserts x is number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
    const kind =
      max !== Number.MAX_SAFE_INTEGER ? `an integer in [${min}, ${max}]`
      : wording === 'bounds' ? `an integer ≥ ${min}`
      : min === 1 ? 'a positive integer'
      : min === 0 ? 'a non-negative integer'
      : min <= Number.MIN_SAFE_INTEGER ? 'an integer'
      : `an integer ≥ ${min}`;
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be ${kind}, got ${describeValue(x)}.`);
  }
}

/**
 * Throws unless `x` is a seed: a safe integer. `promise` is what the message says a seed
 * is for.
 */
export function checkSeed(
  where: string,
  name: string,
  x: unknown,
  promise = 'the same seed gives the same numbers on every platform',
): asserts x is number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be an integer (${promise}), got ${describeValue(x)}.`);
  }
}

/** The domain of a real parameter: bounds, each closed unless marked open. */
export interface Domain {
  /** Lower bound (none when absent). */
  readonly min?: number;
  /** Upper bound (none when absent). */
  readonly max?: number;
  /** Exclude `min` itself (`x > min`); default false (`x ≥ min`). */
  readonly minOpen?: boolean;
  /** Exclude `max` itself (`x < max`); default false (`x ≤ max`). */
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

/** Throws `MEMORY_BUDGET` when `count` numbers are more than one array may hold ({@link maxCheckedArrayLength}). */
export function checkArrayLength(where: string, what: string, count: number, instead: string): void {
  if (!(count <= maxCheckedArrayLength)) {
    throw new UnrollError('MEMORY_BUDGET', `${where}: ${what} would need ${count} numbers, more than the ${maxCheckedArrayLength} (2^28) one array may hold; ${instead}.`);
  }
}
