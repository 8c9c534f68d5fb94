import { UnrollError, checkArrayLength, checkInteger, describeValue } from '@unroll/scan';

/**
 * Argument checks of this package's own (the generic ones are in @unroll/scan, the
 * Dynamics and Strategy checks in ./dynamics-checks.ts). Each runs before anything is
 * allocated or called, and throws an `UnrollError` whose message names the argument and
 * says what to pass instead.
 */

/** Throws unless `dim` is a positive integer small enough for a D-vector to be allocated. */
export function checkDim(where: string, name: string, dim: unknown): asserts dim is number {
  checkInteger(where, name, dim, 1);
  checkArrayLength(where, `a state of ${name} = ${dim}`, dim, `pass a smaller ${name}`);
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
