import type { RecurrenceKernel } from './recurrence-kernel.js';
import type { Structure } from './structure.js';

/**
 * Recurrence loops for any structure, through its `apply` and `compose` — what a
 * structure without a `kernel` capability runs with, on the main thread and in workers
 * alike, and the reference `checkStructureLaws` holds every claimed kernel to. Slower than
 * a specialised kernel by a function call per step; allocates its scratch once. Like the
 * built-in kernels, `run` and `runReverse` read `b_t` before they write `s_t`, so `out`
 * may be `b` itself.
 */
export function genericKernel(structure: Structure): RecurrenceKernel {
  const D = structure.dim;
  const W = structure.width;
  const tmpM = new Float64Array(W);
  const tmpC = new Float64Array(D);
  return {
    dim: D,
    width: W,
    aggregateCost: 1,
    run(A, b, prev, po, out, t0, t1) {
      let src = prev;
      let so = po;
      for (let t = t0; t < t1; t++) {
        const ro = t * D;
        // Through scratch, so b_t is read before s_t is written: out may be b (in place).
        structure.apply(A, t * W, src, so, tmpC, 0);
        for (let i = 0; i < D; i++) out[ro + i] = tmpC[i] + b[ro + i];
        src = out;
        so = ro;
      }
    },
    runReverse(A, b, next, no, out, t0, t1) {
      let src = next;
      let so = no;
      for (let t = t1 - 1; t >= t0; t--) {
        const ro = t * D;
        structure.apply(A, t * W, src, so, tmpC, 0);
        for (let i = 0; i < D; i++) out[ro + i] = tmpC[i] + b[ro + i];
        src = out;
        so = ro;
      }
    },
    aggregate(A, b, t0, t1, m, mo, c, co) {
      for (let i = 0; i < W; i++) m[mo + i] = A[t0 * W + i];
      for (let i = 0; i < D; i++) c[co + i] = b[t0 * D + i];
      for (let t = t0 + 1; t < t1; t++) {
        structure.compose(m, mo, A, t * W, tmpM, 0);
        structure.apply(A, t * W, c, co, tmpC, 0);
        for (let i = 0; i < W; i++) m[mo + i] = tmpM[i];
        for (let i = 0; i < D; i++) c[co + i] = tmpC[i] + b[t * D + i];
      }
    },
  };
}
