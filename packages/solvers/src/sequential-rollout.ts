import type { Dynamics } from '@unroll/linearize';
import type { FloatArray } from '@unroll/scan';

/** s_t = f_t(s_{t−1}) for t = 1 … T into `out` (`[T][D]`): the exact reference every method converges to. */
export function sequentialRollout(dyn: Dynamics, s0: FloatArray, T: number, out: FloatArray): FloatArray {
  const D = dyn.dim;
  if (T > 0) dyn.step(1, s0, 0, out, 0);
  for (let t = 1; t < T; t++) dyn.step(t + 1, out, (t - 1) * D, out, t * D);
  return out;
}
