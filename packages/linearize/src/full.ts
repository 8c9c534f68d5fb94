import { dense } from '@unroll/scan';
import { resolveDerivatives } from './derivatives.js';
import { defineStrategy, describe, type Strategy } from './strategy.js';

/**
 * DEER / Newton: Ã_t is the full Jacobian `∂f_t/∂s (s_{t−1})` (Newton's row of the
 * unifying framework's Table 1), stored
 * dense (D² numbers per step). Closed form when the dynamics have one, else D JVPs
 * (closed-form or finite-difference). Newton converges in one iteration on linear
 * dynamics and quadratically near the solution; each scan step is a D³ product.
 */
export function full(): Strategy {
  return defineStrategy({
    name: 'full',
    structure: (D) => dense(D),
    prepare(dyn) {
      const { jacobian, jvp } = resolveDerivatives(dyn);
      return {
        source: describe('jacobian', jacobian.source, jvp.source, dyn.dim),
        cost: { storedPerStep: dyn.dim * dyn.dim, calls: jacobian.calls },
        fill: jacobian.fn,
        // f and the Jacobian from one pass over the block (the dynamics' own, when it has one).
        ...(dyn.block?.stepJacobian === undefined ? {} : { fillBlock: dyn.block.stepJacobian.bind(dyn.block) }),
      };
    },
  });
}
