import { checkDynamics, type Dynamics } from '@unroll/linearize';
import { UnrollError, dtypeOf, isFloatArray, type FloatArray } from '@unroll/scan';
import { checkInitialState, checkSteps } from './check-arguments.js';
import { runWork, type Work } from './resumable-work.js';

/**
 * s_t = f_t(s_{t−1}) for t = 1 … T into `out` (`[T][D]`): the exact reference every method
 * converges to. Non-finite values are computed and returned as they come — a rollout that
 * overflows is the true answer of that system, and `isAllFinite` tells it.
 *
 * @throws {UnrollError} for a malformed dynamics, a non-finite `s0`, T not a positive
 *   integer, or an `out` that is not a float array of T·D numbers.
 */
export function sequentialRollout(dyn: Dynamics, s0: FloatArray, T: number, out: FloatArray): FloatArray {
  const where = 'sequentialRollout';
  checkDynamics(where, dyn);
  checkSteps(where, T);
  checkInitialState(where, s0, dyn.dim);
  if (!isFloatArray(out) || out.length !== T * dyn.dim) {
    throw new UnrollError('LENGTH_MISMATCH', `${where}: out must be a Float64Array or Float32Array of T·D = ${T}·${dyn.dim} = ${T * dyn.dim} numbers, got ${isFloatArray(out) ? `${out.length}` : String(out)}.`);
  }
  if (isFloatArray(s0) && s0.buffer === out.buffer && s0.byteOffset < out.byteOffset + out.byteLength && out.byteOffset < s0.byteOffset + s0.byteLength) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: out overlaps s0; pass a separate ${dtypeOf(out) === 'float32' ? 'Float32Array' : 'Float64Array'} for out.`);
  }
  runWork(rolloutInBlocks(dyn, s0, T, out, T));
  return out;
}

/** The rollout as resumable work: yields after every `block` steps (see `Work`, resumable-work.ts). */
export function* rolloutInBlocks(dyn: Dynamics, s0: FloatArray, T: number, out: FloatArray, block: number): Work<void> {
  const D = dyn.dim;
  for (let from = 0; from < T; from += block) {
    const end = Math.min(T, from + block);
    for (let t = from; t < end; t++) {
      if (t === 0) dyn.step(1, s0, 0, out, 0);
      else dyn.step(t + 1, out, (t - 1) * D, out, t * D);
    }
    yield;
  }
}

/** True when x[from … to) holds no NaN or ±Infinity. */
export function isAllFinite(x: ArrayLike<number>, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}
