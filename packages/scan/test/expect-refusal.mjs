// The refusal helpers of every package's malformed-argument tests (plain JavaScript, so
// other packages' tests import it by path). It imports UnrollError by the package's name,
// as the packages under test do, so `instanceof` compares the same class.
import { expect } from 'vitest';
import { UnrollError } from '@unroll/scan';

/** Calls `f` and returns the UnrollError it throws (failing the test on anything else). */
export function refusal(f) {
  try {
    f();
  } catch (error) {
    if (error instanceof UnrollError) return error;
    throw new Error(`expected an UnrollError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected an UnrollError, but the call returned');
}

/** Expects `f` to throw an UnrollError with `code` whose message matches every pattern. */
export function expectRefusal(f, code, ...patterns) {
  const e = refusal(f);
  expect(e.code).toBe(code);
  for (const p of patterns) expect(e.message).toMatch(p);
}
