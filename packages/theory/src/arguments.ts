import type { Dynamics, Strategy } from '@unroll/linearize';
import { UnrollError, isFloatArray } from '@unroll/scan';

/**
 * Argument checks shared by the theory functions. Each runs before anything is allocated
 * or called, and throws an `UnrollError` whose message names the argument (or option)
 * and says what to pass instead.
 */

/**
 * The most numbers one array made by this package may hold (2^28 float64 = 2 GiB): a
 * trajectory, Jacobian store or Lanczos basis that would need more is refused with
 * `MEMORY_BUDGET` before anything is allocated, whatever `memoryBudget` says.
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

/** Throws unless `x` is an object (a required options argument), naming it. */
export function checkRecord(where: string, name: string, x: unknown, example: string): asserts x is Record<string, unknown> {
  if (!isRecord(x)) throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be an object such as ${example}, got ${describeValue(x)}.`);
}

/**
 * An options argument that may be omitted: `undefined` stands for `{}`; anything else
 * that is not an object (null, a number, an array) is refused, naming `options`.
 */
export function checkOptions<O extends object>(where: string, opts: O | undefined, example: string): O {
  const given: unknown = opts;
  if (given === undefined) return {} as O;
  checkRecord(where, 'options', given, `${example} (or omitted)`);
  return given as O;
}

/** Throws unless `x` is a function. */
export function checkFunction(where: string, name: string, x: unknown, signature: string): asserts x is (...args: never[]) => unknown {
  if (typeof x !== 'function') throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be a function ${signature}, got ${describeValue(x)}.`);
}

/** Throws unless `x` is an integer in [min, max]. */
export function checkInteger(where: string, name: string, x: unknown, min: number, max = Number.MAX_SAFE_INTEGER): asserts x is number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be an integer ${range}, got ${describeValue(x)}.`);
  }
}

/** Throws unless `x` is a seed: an integer (the same seed gives the same result). */
export function checkSeed(where: string, x: unknown): asserts x is number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: seed must be an integer (the same seed gives the same result), got ${describeValue(x)}.`);
  }
}

/** Throws unless `x` is a finite number greater than 0. */
export function checkPositive(where: string, name: string, x: unknown): asserts x is number {
  if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be finite and > 0, got ${describeValue(x)}.`);
  }
}

/** Throws `MEMORY_BUDGET` when `count` numbers are more than one array of this package may hold. */
export function checkArrayLength(where: string, what: string, count: number, instead: string): void {
  if (!(count <= maxArrayLength)) {
    throw new UnrollError('MEMORY_BUDGET', `${where}: ${what} would need ${count} numbers, more than the ${maxArrayLength} (2^28) one array may hold; ${instead}.`);
  }
}

/**
 * Throws unless `dyn` is a Dynamics: an object with a positive integer `dim` (within the
 * array limit), a `step` function, and functions (or nothing) for its derivatives.
 */
export function checkDynamics(where: string, dyn: unknown): asserts dyn is Dynamics {
  if (typeof dyn !== 'object' || dyn === null || typeof (dyn as { step?: unknown }).step !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: the first argument must be a Dynamics ({ dim, step, … }); build one with defineDynamics; got ${describeValue(dyn)}.`);
  }
  const dim = (dyn as { dim?: unknown }).dim;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: the dynamics' dim must be a positive integer, got ${describeValue(dim)}.`);
  }
  checkArrayLength(where, `a state of the dynamics' dim = ${dim}`, dim, 'use dynamics of smaller dim');
  for (const fn of ['jacobian', 'diagonal', 'jvp'] as const) {
    const f = (dyn as Record<string, unknown>)[fn];
    if (f !== undefined && typeof f !== 'function') {
      throw new UnrollError('INVALID_ARGUMENT', `${where}: the dynamics' ${fn} must be a function or absent, got ${describeValue(f)}.`);
    }
  }
}

/** Throws unless `s` is a Strategy: an object with a `name` and `structure` and `prepare` functions. */
export function checkStrategy(where: string, s: unknown): asserts s is Strategy {
  const ok =
    isRecord(s) && typeof s['name'] === 'string' && typeof s['structure'] === 'function' && typeof s['prepare'] === 'function';
  if (!ok) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: strategy must be a Strategy ({ name, structure, prepare }) such as full(), diagonal() or identity() from @unroll/linearize, got ${describeValue(s)}.`);
  }
}

/**
 * A float64 copy of the initial state: an array of D finite numbers. A wrong length is
 * `DIMENSION_MISMATCH`, NaN or ±Infinity `NON_FINITE`, anything else `INVALID_ARGUMENT`.
 */
export function checkInitialState(where: string, s0: unknown, D: number): Float64Array {
  if (typeof s0 !== 'object' || s0 === null || typeof (s0 as { length?: unknown }).length !== 'number') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: s0 must be an array of D = ${D} numbers (the initial state), got ${describeValue(s0)}.`);
  }
  const x = s0 as ArrayLike<unknown>;
  if (x.length !== D) throw new UnrollError('DIMENSION_MISMATCH', `${where}: s0 has ${x.length} entries but the dynamics has dim ${D}.`);
  const out = new Float64Array(D);
  for (let i = 0; i < D; i++) {
    const v = x[i];
    if (typeof v !== 'number') throw new UnrollError('INVALID_ARGUMENT', `${where}: s0[${i}] is ${describeValue(v)}; the initial state must be ${D} finite numbers.`);
    if (!Number.isFinite(v)) throw new UnrollError('NON_FINITE', `${where}: s0 must be finite: s0[${i}] is ${describeValue(v)}.`);
    out[i] = v;
  }
  return out;
}
