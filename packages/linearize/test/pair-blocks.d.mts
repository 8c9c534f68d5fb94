import type { Strategy } from '@unroll/linearize';
import type { Structure } from '@unroll/scan';

/** 2×2 blocks [[a, b], [c, d]] on the diagonal, packed [a, b, c, d] per pair (see pair-blocks.mjs). */
export function pairBlocks(D: number): Structure;
/** Ã_t = the 2×2 position/momentum blocks of the Jacobian. */
export const pairStrategy: Strategy;
