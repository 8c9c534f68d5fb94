import type { Dynamics } from '@unroll/linearize';
import type { FloatArray } from '@unroll/scan';

/**
 * The merit L(s)/T = ½‖r(s)‖²/T of a trajectory, residuals r_t = s_t − f_t(s_{t−1})
 * recomputed from scratch: an independent check of the number a solver reports.
 */
export function meritPerStep(dyn: Dynamics, s0: ArrayLike<number>, states: FloatArray, T: number): number {
  const D = dyn.dim;
  const start = Float64Array.from(s0);
  const f = new Float64Array(D);
  let sum = 0;
  for (let t = 1; t <= T; t++) {
    if (t === 1) dyn.step(1, start, 0, f, 0);
    else dyn.step(t, states, (t - 2) * D, f, 0);
    for (let i = 0; i < D; i++) sum += (states[(t - 1) * D + i] - f[i]) ** 2;
  }
  return (0.5 * sum) / T;
}
