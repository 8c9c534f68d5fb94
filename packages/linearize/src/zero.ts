import { zero as zeroStructure, type FloatArray } from '@unroll/scan';
import { noCalls } from './derivatives.js';
import { defineStrategy, type Strategy } from './strategy.js';

/**
 * Jacobi: Ã_t = 0. Stores nothing and evaluates no derivative; an iteration is the map
 * `s_t ← f_t(s_{t−1}^{(i)})` for all t at once (unifying-framework paper §3).
 */
export function zero(): Strategy {
  return defineStrategy({
    name: 'zero',
    structure: (D) => zeroStructure(D),
    prepare: (dyn) => {
      const block = dyn.block;
      return {
        source: 'zero (no derivative)',
        cost: { storedPerStep: 0, calls: noCalls },
        fill() {
          // Nothing stored.
        },
        // Nothing stored either: the block is f alone.
        ...(block === undefined ? {} : { fillBlock: (t0: number, n: number, prev: FloatArray, po: number, f: FloatArray, fo: number) => { block.step(t0, n, prev, po, f, fo); } }),
      };
    },
  });
}
