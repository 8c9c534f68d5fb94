import { blockDiagonalKernel } from './block-diagonal.js';
import type { BuiltinSpec } from './builtin-structures.js';
import { denseKernel } from './dense.js';
import { diagonalKernel } from './diagonal.js';
import { identityKernel } from './identity.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import { zeroKernel } from './zero.js';

/** The specialised recurrence kernel of a built-in structure. */
export function kernelFor(spec: BuiltinSpec): RecurrenceKernel {
  switch (spec.kind) {
    case 'dense':
      return denseKernel(spec.dim);
    case 'diagonal':
      return diagonalKernel(spec.dim);
    case 'identity':
      return identityKernel(spec.dim);
    case 'zero':
      return zeroKernel(spec.dim);
    case 'block-diagonal':
      return blockDiagonalKernel(spec.dim, spec.block);
  }
}
