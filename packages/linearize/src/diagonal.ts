import { diagonal as diagonalStructure } from '@unroll/scan';
import { resolveDerivatives } from './derivatives.js';
import { defineStrategy, describe, type Strategy } from './strategy.js';

/**
 * Quasi-DEER: Ã_t = diag(∂f_t/∂s (s_{t−1})), D numbers per step, a D-multiply scan step
 * (unifying-framework paper §2, thesis §4.1). Obtained in closed form when the dynamics
 * have a `diagonal`, else read off a closed-form `jacobian`, else from D JVPs — the
 * linearizer's `source` says which.
 */
export function diagonal(): Strategy {
  return defineStrategy({
    name: 'diagonal',
    structure: (D) => diagonalStructure(D),
    prepare(dyn) {
      const { diagonal: diag, jvp } = resolveDerivatives(dyn);
      return {
        source: describe('diagonal', diag.source, jvp.source, dyn.dim),
        cost: { storedPerStep: dyn.dim, calls: diag.calls },
        fill: diag.fn,
        // f and the diagonal from one pass over the block (the dynamics' own, when it has one).
        ...(dyn.block?.stepDiagonal === undefined ? {} : { fillBlock: dyn.block.stepDiagonal.bind(dyn.block) }),
      };
    },
  });
}
