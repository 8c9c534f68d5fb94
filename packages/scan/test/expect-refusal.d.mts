import type { UnrollError } from '@unroll/scan';

/** Calls `f` and returns the UnrollError it throws (failing the test on anything else). */
export function refusal(f: () => unknown): UnrollError;
/** Expects `f` to throw an UnrollError with `code` whose message matches every pattern. */
export function expectRefusal(f: () => unknown, code: string, ...patterns: RegExp[]): void;
