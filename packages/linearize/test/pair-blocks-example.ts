// The worked example of the README ("Custom structures and strategies"), kept here so the
// README's code is the tested code. Keep the two in sync.
import { defineStrategy, defineStructure, resolveDerivatives, type Structure } from '../src/index.js';

/** 2×2 blocks on the diagonal, for states laid out as (q₁, p₁, q₂, p₂, …). */
export function pairBlocks(D: number): Structure {
  const pairs = D / 2;
  return defineStructure({
    name: 'pair-blocks',
    dim: D,
    width: 4 * pairs, // [a, b, c, d] per pair: the block [[a, b], [c, d]]
    compose(A, ao, B, bo, out, oo) {
      // out = B·A, block by block
      for (let k = 0; k < 4 * pairs; k += 4) {
        const [a, b, c, d] = [A[ao + k], A[ao + k + 1], A[ao + k + 2], A[ao + k + 3]];
        const [e, f, g, h] = [B[bo + k], B[bo + k + 1], B[bo + k + 2], B[bo + k + 3]];
        out[oo + k] = e * a + f * c;
        out[oo + k + 1] = e * b + f * d;
        out[oo + k + 2] = g * a + h * c;
        out[oo + k + 3] = g * b + h * d;
      }
    },
    apply(A, ao, x, xo, out, oo) {
      for (let k = 0; k < pairs; k++) {
        const q = x[xo + 2 * k], p = x[xo + 2 * k + 1];
        out[oo + 2 * k] = A[ao + 4 * k] * q + A[ao + 4 * k + 1] * p;
        out[oo + 2 * k + 1] = A[ao + 4 * k + 2] * q + A[ao + 4 * k + 3] * p;
      }
    },
    identity(out, oo) {
      for (let k = 0; k < 4 * pairs; k += 4) {
        out[oo + k] = 1;
        out[oo + k + 1] = 0;
        out[oo + k + 2] = 0;
        out[oo + k + 3] = 1;
      }
    },
    scale(A, ao, s, out, oo) {
      for (let i = 0; i < 4 * pairs; i++) out[oo + i] = s * A[ao + i];
    },
  });
}

/** Ã_t = the 2×2 position/momentum blocks of the Jacobian: exact within a pair, no coupling across. */
export const pairStrategy = defineStrategy({
  name: 'pair-blocks',
  structure: pairBlocks,
  prepare(dyn) {
    const D = dyn.dim;
    const J = new Float64Array(D * D); // scratch, allocated once per solve
    const { jacobian } = resolveDerivatives(dyn);
    return {
      source: `2×2 blocks of the ${jacobian.source} jacobian`,
      cost: { storedPerStep: 2 * D, calls: jacobian.calls },
      fill(t, prev, po, out, oo) {
        jacobian.fn(t, prev, po, J, 0);
        for (let k = 0; k < D / 2; k++) {
          const r = 2 * k;
          out[oo + 4 * k] = J[r * D + r];
          out[oo + 4 * k + 1] = J[r * D + r + 1];
          out[oo + 4 * k + 2] = J[(r + 1) * D + r];
          out[oo + 4 * k + 3] = J[(r + 1) * D + r + 1];
        }
      },
    };
  },
});
