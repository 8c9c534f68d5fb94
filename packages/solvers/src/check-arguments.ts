import { UnrollError, describeValue as describe } from '@unroll/scan';

/**
 * Argument checks shared by the solvers' entry points. Each runs before anything is
 * allocated or called, and its message names the argument and what to pass instead.
 */

/** Throws unless T is a positive integer. */
export function checkSteps(where: string, T: unknown): asserts T is number {
  if (typeof T !== 'number' || !Number.isInteger(T) || T < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: T must be a positive integer number of steps, got ${describe(T)}.`);
  }
}

/** Throws unless s0 is an array of D finite numbers. */
export function checkInitialState(where: string, s0: unknown, D: number): asserts s0 is ArrayLike<number> {
  if (typeof s0 !== 'object' || s0 === null || typeof (s0 as { length?: unknown }).length !== 'number') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: s0 must be an array of D = ${D} numbers (the initial state), got ${describe(s0)}.`);
  }
  const x = s0 as ArrayLike<unknown>;
  if (x.length !== D) throw new UnrollError('DIMENSION_MISMATCH', `${where}: s0 has ${x.length} entries but the dynamics have dim ${D}.`);
  for (let i = 0; i < D; i++) {
    const v = x[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new UnrollError('NON_FINITE', `${where}: s0[${i}] is ${describe(v)}; the initial state must be ${D} finite numbers.`);
    }
  }
}

/** Largest typed array V8 makes, in elements. */
const maxTypedArrayLength = 2 ** 32;

/**
 * Throws `MEMORY_BUDGET` when `count` numbers cannot be one typed array. Allocations that
 * pass this and still fail (the machine is out of memory) are turned into the same error
 * by `allocating`.
 */
export function checkArrayLength(where: string, what: string, count: number): void {
  if (!(count <= maxTypedArrayLength)) {
    throw new UnrollError('MEMORY_BUDGET', `${where}: ${what} would need ${count} numbers, more than one typed array holds (2^32); solve a shorter T, or in windows of the sequence.`);
  }
}

/** Runs `allocate`, turning an allocation failure (RangeError) into `MEMORY_BUDGET`. */
export function allocating<R>(where: string, what: string, allocate: () => R): R {
  try {
    return allocate();
  } catch (error) {
    if (error instanceof RangeError) {
      throw new UnrollError('MEMORY_BUDGET', `${where}: could not allocate ${what} (${error.message}); use a shorter T, a window, or dtype 'float32'.`, { cause: error });
    }
    throw error;
  }
}
