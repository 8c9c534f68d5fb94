import { identity as identityStructure, type FloatArray } from '@unroll/scan';
import { noCalls } from './derivatives.js';
import { defineStrategy, type Strategy } from './strategy.js';

/**
 * Picard: Ã_t = I. Stores nothing and evaluates no derivative; the scan is a prefix sum
 * `s_t = s_{t−1} + (f_t(s_{t−1}^{(i)}) − s_{t−1}^{(i)})` (unifying-framework paper §3).
 */
export function identity(): Strategy {
  return defineStrategy({
    name: 'identity',
    structure: (D) => identityStructure(D),
    prepare: (dyn) => {
      const block = dyn.block;
      return {
        source: 'identity (no derivative)',
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
