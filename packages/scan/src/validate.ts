import { UnrollError } from './unroll-error.js';

/** Throws unless D is a positive integer. */
export function assertDim(where: string, D: number): void {
  if (!Number.isInteger(D) || D < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}(D): D must be a positive integer, got ${String(D)}.`);
  }
}
