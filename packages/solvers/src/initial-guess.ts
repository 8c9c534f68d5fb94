import { checkDynamics, type Dynamics } from '@unroll/linearize';
import { allocate, describeValue as describe, dtypeOf, isFloatArray, mulberry32, UnrollError, type Dtype, type FloatArray } from '@unroll/scan';
import { allocating, checkArrayLength, checkInitialState, checkSteps } from './check-arguments.js';
import { checkOptionsObject, solveOptionKeys } from './run-controls.js';
import type { SolveOptions } from './solve-options.js';

/** The initial trajectory s^{(0)}, `[T][D]` in `dtype` (a fresh array: resets restore from it). */
export function initialGuess(dyn: Dynamics, s0: Float64Array, T: number, dtype: Dtype, optsIn?: SolveOptions): FloatArray {
  const where = 'initialGuess';
  checkDynamics(where, dyn);
  checkSteps(where, T);
  const D = dyn.dim;
  checkInitialState(where, s0, D);
  const dtypeGiven: unknown = dtype;
  if (dtypeGiven !== 'float64' && dtypeGiven !== 'float32') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: dtype must be 'float64' or 'float32', got ${describe(dtypeGiven)}.`);
  }
  const opts = checkOptionsObject(where, optsIn, solveOptionKeys);
  checkArrayLength(where, `the initial trajectory (T·D = ${T}·${D})`, T * D);
  const init = opts.init ?? 'zeros';
  const guess = allocating(where, `the initial trajectory (T·D = ${T}·${D} numbers)`, () => allocate(dtype, T * D));
  if (isFloatArray(init)) {
    if (init.length !== T * D) {
      throw new UnrollError('LENGTH_MISMATCH', `solve: init has ${init.length} numbers; a warm start needs T·D = ${T}·${D} = ${T * D}.`);
    }
    if (dtypeOf(init) !== dtype) {
      throw new UnrollError('DTYPE_MISMATCH', `solve: init is ${dtypeOf(init)} but dtype is ${dtype}.`);
    }
    for (let i = 0; i < init.length; i++) {
      if (!Number.isFinite(init[i])) throw new UnrollError('NON_FINITE', `solve: init[${i}] is ${String(init[i])}; a warm start must be finite (resets would restore that value).`);
    }
    guess.set(init);
    return guess;
  }
  switch (init) {
    case 'zeros':
      return guess;
    case 'random': {
      // Standard normal by Box–Muller over mulberry32 uniforms: the same seed, the same guess.
      const seed: unknown = opts.seed ?? 0;
      if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new UnrollError('INVALID_ARGUMENT', `${where}: seed must be an integer, got ${describe(seed)}.`);
      const next = mulberry32(seed);
      for (let i = 0; i < guess.length; i += 2) {
        const u = (next() + 1) / 4294967297;
        const v = next() / 4294967296;
        const r = Math.sqrt(-2 * Math.log(u));
        guess[i] = r * Math.cos(2 * Math.PI * v);
        if (i + 1 < guess.length) guess[i + 1] = r * Math.sin(2 * Math.PI * v);
      }
      return guess;
    }
    case 'jacobi': {
      // One Jacobi sweep over the zero trajectory: s_1 = f_1(s_0), s_t = f_t(0).
      const zeros = allocate(dtype, D);
      for (let t = 0; t < T; t++) dyn.step(t + 1, t === 0 ? s0 : zeros, 0, guess, t * D);
      return guess;
    }
    default:
      throw new UnrollError('INVALID_ARGUMENT', `solve: init must be 'zeros', 'random', 'jacobi' or a [T][D] float array, got ${String(init)}.`);
  }
}
