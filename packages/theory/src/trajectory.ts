import type { Dynamics } from '@unroll/linearize';
import { UnrollError, type FloatArray } from '@unroll/scan';

/** A validated trajectory: s_0 and s_1 … s_T of a dynamics, as float64. */
export interface Trajectory {
  readonly D: number;
  readonly T: number;
  readonly s0: Float64Array;
  /** Row t − 1 holds s_t ([T][D] row-major). */
  readonly states: FloatArray;
}

/** s_1 … s_T by the plain loop s_t = f_t(s_{t−1}). */
export function rollout(dyn: Dynamics, s0: ArrayLike<number>, T: number): Float64Array {
  const D = dyn.dim;
  const out = new Float64Array(T * D);
  const start = Float64Array.from(s0);
  for (let t = 1; t <= T; t++) {
    if (t === 1) dyn.step(1, start, 0, out, 0);
    else dyn.step(t, out, (t - 2) * D, out, (t - 1) * D);
  }
  return out;
}

/**
 * Checks (dyn, s0, states) the way every theory function needs them; `states` may be a
 * step count, in which case the trajectory is rolled out here.
 */
export function trajectory(where: string, dyn: Dynamics, s0: ArrayLike<number>, states: FloatArray | number): Trajectory {
  const D = dyn.dim;
  if (s0.length !== D) throw new UnrollError('DIMENSION_MISMATCH', `${where}: s0 has ${s0.length} entries but the dynamics has dim ${D}.`);
  const start = Float64Array.from(s0);
  if (start.some((v) => !Number.isFinite(v))) throw new UnrollError('NON_FINITE', `${where}: s0 must be finite.`);
  if (typeof states === 'number') {
    if (!Number.isInteger(states) || states < 1) throw new UnrollError('INVALID_ARGUMENT', `${where}: T must be an integer ≥ 1, got ${String(states)}.`);
    const rolled = rollout(dyn, start, states);
    if (rolled.some((v) => !Number.isFinite(v))) throw new UnrollError('NON_FINITE', `${where}: the rollout from s0 left the finite numbers; shorten T or pick another s0.`);
    return { D, T: states, s0: start, states: rolled };
  }
  if (states.length === 0 || states.length % D !== 0) {
    throw new UnrollError('LENGTH_MISMATCH', `${where}: states must hold T ≥ 1 rows of ${D} numbers ([T][D] row-major, s_0 not included), got ${states.length} numbers.`);
  }
  for (let i = 0; i < states.length; i++) {
    if (!Number.isFinite(states[i] ?? Number.NaN)) throw new UnrollError('NON_FINITE', `${where}: states[${i}] is not finite; pass a converged trajectory.`);
  }
  return { D, T: states.length / D, s0: start, states };
}
