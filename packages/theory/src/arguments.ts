import type { DynamicsNaming } from '@unroll/linearize';
import { UnrollError, describeValue } from '@unroll/scan';

/**
 * Argument checks of the theory functions' own (the generic ones are in @unroll/scan, the
 * Dynamics and Strategy checks in @unroll/linearize). Each runs before anything is allocated
 * or called, and throws an `UnrollError` whose message names the argument (or option)
 * and says what to pass instead.
 */

/** What a theory function's message says a seed is for (with `checkSeed` of @unroll/scan). */
export const seedPromise = 'the same seed gives the same result';

/**
 * How a theory function's messages name its Dynamics argument (with `checkDynamics` of
 * @unroll/linearize): "the first argument", "the dynamics' dim".
 */
export const theoryDynamics: DynamicsNaming = {
  argument: 'the first argument',
  what: '({ dim, step, … }); build one with defineDynamics;',
  field: (key) => `the dynamics' ${key}`,
  smaller: 'use dynamics of smaller dim',
};

/** Throws unless `x` is a finite number greater than 0. */
export function checkPositive(where: string, name: string, x: unknown): asserts x is number {
  if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be finite and > 0, got ${describeValue(x)}.`);
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
