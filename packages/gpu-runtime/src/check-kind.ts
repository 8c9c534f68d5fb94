import { UnrollError } from '@unroll/scan';
import { describe, maxIndex, positiveInteger } from './check-input.js';
import { maxDenseDim } from './dense-limit.js';
import type { ScanKind } from './scan-kernels.js';

/** Checks a scan kind and its dimension D (dense: D ≤ 16 on the GPU). */
export function checkKind(where: string, kind: unknown, D: unknown): asserts kind is ScanKind {
  if (kind !== 'diagonal' && kind !== 'identity' && kind !== 'dense') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: kind must be 'diagonal', 'identity' or 'dense', got ${describe(kind)}.`);
  }
  const d = positiveInteger(where, 'D', D, maxIndex);
  if (kind === 'dense' && d > maxDenseDim) {
    throw new UnrollError('UNSUPPORTED', `${where}: dense elements on the GPU need D ≤ ${maxDenseDim} (one D×D matrix per thread), got ${d}; use a diagonal approximation or the CPU scan.`);
  }
}
