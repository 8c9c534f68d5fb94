import { checkDynamics, type Dynamics } from '@unroll/linearize';
import { checkArrayLength, describeValue, isFloatArray, UnrollError, type FloatArray } from '@unroll/scan';
import { checkInitialState, theoryDynamics } from './arguments.js';

/** A validated trajectory: s_0 and s_1 … s_T of a dynamics, as float64. */
export interface Trajectory {
  readonly D: number;
  readonly T: number;
  readonly s0: Float64Array;
  /** Row t − 1 holds s_t ([T][D] row-major). */
  readonly states: FloatArray;
}

/** What {@link trajectoryShape} checked: D, T and s_0, and the states when they were given. */
export interface TrajectoryShape {
  readonly D: number;
  readonly T: number;
  readonly s0: Float64Array;
  /** The given trajectory, or undefined when a step count was given (roll it out with {@link trajectoryStates}). */
  readonly states: FloatArray | undefined;
}

/**
 * s_1 … s_T by the plain loop s_t = f_t(s_{t−1}).
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` (not a Dynamics, T not an integer ≥ 1),
 *   `DIMENSION_MISMATCH` / `NON_FINITE` (s0 not D finite numbers), `MEMORY_BUDGET`
 *   (T·D beyond 2^28 numbers).
 */
export function rollout(dyn: Dynamics, s0: ArrayLike<number>, T: number): Float64Array {
  const steps: unknown = T;
  if (typeof steps !== 'number') {
    throw new UnrollError('INVALID_ARGUMENT', `rollout(dyn, s0, T): T must be an integer ≥ 1 (the number of steps), got ${describeValue(steps)}.`);
  }
  const shape = trajectoryShape('rollout(dyn, s0, T)', dyn, s0, steps);
  return rolloutUnchecked(dyn, shape.s0, shape.T);
}

/** {@link rollout} without the checks, for arguments already validated. */
function rolloutUnchecked(dyn: Dynamics, start: Float64Array, T: number): Float64Array {
  const D = dyn.dim;
  const out = new Float64Array(T * D);
  for (let t = 1; t <= T; t++) {
    if (t === 1) dyn.step(1, start, 0, out, 0);
    else dyn.step(t, out, (t - 2) * D, out, (t - 1) * D);
  }
  return out;
}

/**
 * Checks (dyn, s0, states) the way every theory function needs them, without rolling
 * anything out: `states` is a trajectory `[T][D]` (checked: whole rows, finite) or a step
 * count T (checked: an integer ≥ 1 whose T·D numbers can be allocated). A plain array of
 * numbers is copied to a Float64Array.
 */
export function trajectoryShape(where: string, dyn: unknown, s0: unknown, states: unknown): TrajectoryShape {
  checkDynamics(where, dyn, theoryDynamics);
  const D = dyn.dim;
  const start = checkInitialState(where, s0, D);
  if (typeof states === 'number') {
    if (!Number.isInteger(states) || states < 1) throw new UnrollError('INVALID_ARGUMENT', `${where}: T must be an integer ≥ 1, got ${String(states)}.`);
    checkArrayLength(where, `the rollout of T = ${states} steps (T·D = ${states}·${D})`, states * D, 'pass a shorter T, or study a window of the sequence');
    return { D, T: states, s0: start, states: undefined };
  }
  if (!isFloatArray(states) && !Array.isArray(states)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: states must be the trajectory s_1 … s_T ([T][D] row-major, s_0 not included) or a step count T, got ${describeValue(states)}.`);
  }
  const given = states as FloatArray | readonly unknown[];
  if (given.length === 0 || given.length % D !== 0) {
    throw new UnrollError('LENGTH_MISMATCH', `${where}: states must hold T ≥ 1 rows of ${D} numbers ([T][D] row-major, s_0 not included), got ${given.length} numbers.`);
  }
  for (let i = 0; i < given.length; i++) {
    const v = given[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new UnrollError('NON_FINITE', `${where}: states[${i}] is not finite (${describeValue(v)}); pass a converged trajectory.`);
  }
  const s = isFloatArray(given) ? given : Float64Array.from(given as readonly number[]);
  return { D, T: given.length / D, s0: start, states: s };
}

/** The states of a checked trajectory: the given ones, or the rollout of T steps from s_0 (which must stay finite). */
export function trajectoryStates(where: string, dyn: Dynamics, shape: TrajectoryShape): FloatArray {
  if (shape.states !== undefined) return shape.states;
  const rolled = rolloutUnchecked(dyn, shape.s0, shape.T);
  if (rolled.some((v) => !Number.isFinite(v))) throw new UnrollError('NON_FINITE', `${where}: the rollout from s0 left the finite numbers; shorten T or pick another s0.`);
  return rolled;
}

/**
 * Checks (dyn, s0, states) the way every theory function needs them; `states` may be a
 * step count, in which case the trajectory is rolled out here.
 */
export function trajectory(where: string, dyn: Dynamics, s0: ArrayLike<number>, states: FloatArray | number): Trajectory {
  const shape = trajectoryShape(where, dyn, s0, states);
  return { D: shape.D, T: shape.T, s0: shape.s0, states: trajectoryStates(where, dyn, shape) };
}
