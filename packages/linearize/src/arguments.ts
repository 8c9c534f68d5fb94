import { UnrollError, isFloatArray } from '@unroll/scan';
import type { Dynamics } from './dynamics.js';
import type { Strategy } from './strategy.js';

/**
 * Argument checks shared by this package's entry points. Each runs before anything is
 * allocated or called, and throws an `UnrollError` whose message names the argument and
 * says what to pass instead.
 */

/**
 * The most numbers one array made by this package may hold (2^28 float64 = 2 GiB):
 * larger requests are refused with `MEMORY_BUDGET` before anything is allocated.
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
function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

/**
 * An options object: `undefined` stands for `{}`; anything else that is not a plain
 * object (null, a number, an array) is refused, naming `options`.
 */
export function checkOptions<O extends object>(where: string, opts: O | undefined, example: string): O {
  const given: unknown = opts;
  if (given === undefined) return {} as O;
  if (!isRecord(given)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: options must be an object such as ${example} (or omitted), got ${describeValue(given)}.`);
  }
  return given as O;
}

/** Throws unless `x` is an object (a spec or params argument), naming it. */
export function checkRecord(where: string, name: string, x: unknown, example: string): asserts x is Record<string, unknown> {
  if (!isRecord(x)) throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be an object such as ${example}, got ${describeValue(x)}.`);
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
      : min <= Number.MIN_SAFE_INTEGER ? 'an integer'
      : `an integer ≥ ${min}`;
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be ${kind}, got ${describeValue(x)}.`);
  }
}

/** Throws `MEMORY_BUDGET` when `count` numbers are more than one array of this package may hold. */
export function checkArrayLength(where: string, what: string, count: number, instead: string): void {
  if (!(count <= maxArrayLength)) {
    throw new UnrollError('MEMORY_BUDGET', `${where}: ${what} would need ${count} numbers, more than the ${maxArrayLength} (2^28) one array may hold; ${instead}.`);
  }
}

/** Throws unless `dim` is a positive integer small enough for a D-vector to be allocated. */
export function checkDim(where: string, name: string, dim: unknown): asserts dim is number {
  checkInteger(where, name, dim, 1);
  checkArrayLength(where, `a state of ${name} = ${dim}`, dim, `pass a smaller ${name}`);
}

/**
 * Throws unless `dyn` is a Dynamics: an object with a positive integer `dim`, a `step`
 * function, and functions (or nothing) for `jacobian`, `diagonal` and `jvp`.
 */
export function checkDynamics(where: string, dyn: unknown): asserts dyn is Dynamics {
  if (typeof dyn !== 'object' || dyn === null || typeof (dyn as { step?: unknown }).step !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: dynamics must be a Dynamics ({ dim, step, … }) — build one with defineDynamics; got ${describeValue(dyn)}.`);
  }
  checkDim(where, 'dynamics.dim', (dyn as { dim?: unknown }).dim);
  for (const fn of ['jacobian', 'diagonal', 'jvp'] as const) {
    const f = (dyn as Record<string, unknown>)[fn];
    if (f !== undefined && typeof f !== 'function') {
      throw new UnrollError('INVALID_ARGUMENT', `${where}: dynamics.${fn} must be a function or absent, got ${describeValue(f)}.`);
    }
  }
}

/** Throws unless `s` is a Strategy: an object with a non-empty `name` and `structure` and `prepare` functions. */
export function checkStrategy(where: string, name: string, s: unknown): asserts s is Strategy {
  const ok =
    typeof s === 'object' &&
    s !== null &&
    typeof (s as { name?: unknown }).name === 'string' &&
    typeof (s as { structure?: unknown }).structure === 'function' &&
    typeof (s as { prepare?: unknown }).prepare === 'function';
  if (!ok) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be a Strategy ({ name, structure, prepare }) such as full() or diagonal(), got ${describeValue(s)}.`);
  }
}

/**
 * Throws unless `x` is an array (or typed array) of `length` finite numbers; returns a
 * float64 copy. A wrong length is `DIMENSION_MISMATCH`, a NaN or ±Infinity `NON_FINITE`.
 */
export function checkState(where: string, name: string, x: unknown, length: number): Float64Array {
  if (typeof x !== 'object' || x === null || typeof (x as { length?: unknown }).length !== 'number') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be an array of ${length} numbers, got ${describeValue(x)}.`);
  }
  const a = x as ArrayLike<unknown>;
  if (a.length !== length) throw new UnrollError('DIMENSION_MISMATCH', `${where}: ${name} has ${a.length} entries but dim is ${length}.`);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const v = a[i];
    if (typeof v !== 'number') throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name}[${i}] is ${describeValue(v)}; pass ${length} finite numbers.`);
    if (!Number.isFinite(v)) throw new UnrollError('NON_FINITE', `${where}: ${name}[${i}] is ${describeValue(v)}; pass ${length} finite numbers.`);
    out[i] = v;
  }
  return out;
}
