import { UnrollError, describeValue as describe, isFloatArray, type Dtype, type FloatArray } from '@unroll/scan';
import type { IterationInfo, SolveOptions } from './solve-options.js';

/**
 * The run controls of a solve — everything in `SolveOptions` that is not the method or
 * its parameters — validated once and resolved to their defaults. Every backend reads
 * these, never the raw options, so the CPU and the GPU accept and refuse the same input
 * with the same words.
 */
export interface RunControls {
  /** Tolerance of the stopping rule (`SolveOptions.tol`; 1e-8 in float64, 1e-5 in float32 by default). */
  readonly tol: number;
  /** Max-abs residual a `'delta'` stop must also meet (the reset trap: on a chaotic system, resets can
   * freeze a wrong trajectory whose step-to-step change is below tol). */
  readonly residualTol: number;
  /** The stopping rule (`SolveOptions.stop`, default `'delta'`). */
  readonly stop: 'delta' | 'merit';
  /** Already capped at T for the methods that are exact after T iterations (all but ELK with λ > 0). */
  readonly maxIterations: number;
  /** Reset non-finite or huge entries to the initial guess (default true). */
  readonly reset: boolean;
  /** Magnitude beyond which an entry is reset (default 1e8). */
  readonly resetThreshold: number;
  /** True for `fallback: 'sequential'`. */
  readonly fallback: boolean;
  /** The initial trajectory: a named guess, or the caller's `[T][D]` array (checked for length and dtype). */
  readonly init: 'zeros' | 'random' | 'jacobi' | FloatArray;
  /** Seed of `init: 'random'` (default 0). */
  readonly seed: number;
  /** Bytes the Ã_t may take (default 1 GiB); beyond it, `MEMORY_BUDGET`. */
  readonly memoryBudget: number;
  /** Threads of the inner linear recurrence (`linearRecurrence`'s `threads`; 1 by default). */
  readonly threads: number;
  /** The caller's per-iteration callback; returning `false` stops the run. */
  readonly onIteration: ((info: IterationInfo) => void | boolean) | undefined;
  /** Checked between iterations; when it fires the solve throws `ABORTED`. */
  readonly signal: AbortSignal | undefined;
  /** How a step's change is measured against `tol`: max |Δ| (default) or (1/D)‖Δ‖² (PASO eq. 9). */
  readonly change: 'max-abs' | 'mean-square';
  /** Where steps entering a sliding window start: the initial guess (default) or the previous window's last state (PASO §4.6). */
  readonly windowEntry: 'guess' | 'previous';
  /** Leading entries of each step the change is measured over; undefined: all D (PASO's eq. 9 measures the n weights only). */
  readonly changeEntries: number | undefined;
  /** How far a window advances: past the converged steps (default), or one further — PASO's stride (Algorithm 1, line 8). */
  readonly windowAdvance: 'converged' | 'first-unconverged';
}

/** The option keys `SolveOptions` knows (a misspelt key is refused, not ignored). */
export const solveOptionKeys: readonly (keyof SolveOptions)[] = [
  'method',
  'tol',
  'stop',
  'residualTol',
  'maxIterations',
  'init',
  'window',
  'seed',
  'reset',
  'resetThreshold',
  'dtype',
  'fallback',
  'onIteration',
  'signal',
  'memoryBudget',
  'threads',
  'backend',
  'change',
  'windowEntry',
  'changeEntries',
  'windowAdvance',
];

const GiB = 2 ** 30;

/**
 * Checks that `opts` is an options object (or undefined) whose keys are all in `known`.
 * @returns the options, `{}` for undefined.
 */
export function checkOptionsObject<O extends object>(where: string, opts: O | undefined, known: readonly string[]): O {
  const given: unknown = opts;
  if (given === undefined) return {} as O;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: options must be an object such as { method: 'quasi-deer' } (or omitted), got ${describe(given)}.`);
  }
  for (const key of Object.keys(given)) {
    if (!known.includes(key)) {
      throw new UnrollError('INVALID_ARGUMENT', `${where}: unknown option '${key}'; the options are ${known.join(', ')}.`);
    }
  }
  return given as O;
}

/**
 * Validates and resolves the run controls of `opts` for a solve of T steps in `dtype`.
 * Undefined fields take their documented defaults (tol 1e-8 in float64, 1e-5 in float32).
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` naming the option and what to pass instead.
 */
export function resolveRunControls(where: string, opts: SolveOptions, T: number, dtype: Dtype, exactAfterT = true): RunControls {
  const tol = opts.tol ?? (dtype === 'float32' ? 1e-5 : 1e-8);
  positiveFinite(where, 'tol', tol);
  const residualTol = opts.residualTol ?? Math.sqrt(tol);
  positiveFinite(where, 'residualTol', residualTol);
  const requested = opts.maxIterations ?? T;
  if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: maxIterations must be a positive integer, got ${describe(opts.maxIterations)}.`);
  }
  const stop: unknown = opts.stop ?? 'delta';
  if (stop !== 'delta' && stop !== 'merit') throw new UnrollError('INVALID_ARGUMENT', `${where}: stop must be 'delta' or 'merit', got ${describe(stop)}.`);
  const reset: unknown = opts.reset ?? true;
  if (typeof reset !== 'boolean') throw new UnrollError('INVALID_ARGUMENT', `${where}: reset must be true or false, got ${describe(reset)}.`);
  const resetThreshold = opts.resetThreshold ?? 1e8;
  positiveFinite(where, 'resetThreshold', resetThreshold);
  const fallback: unknown = opts.fallback ?? 'none';
  if (fallback !== 'sequential' && fallback !== 'none') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: fallback must be 'sequential' or 'none', got ${describe(fallback)}.`);
  }
  const init: unknown = opts.init ?? 'zeros';
  if (init !== 'zeros' && init !== 'random' && init !== 'jacobi' && !isFloatArray(init)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: init must be 'zeros', 'random', 'jacobi' or a [T][D] Float64Array/Float32Array, got ${describe(init)}.`);
  }
  const seed = opts.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new UnrollError('INVALID_ARGUMENT', `${where}: seed must be an integer, got ${describe(seed)}.`);
  const memoryBudget = opts.memoryBudget ?? GiB;
  if (typeof memoryBudget !== 'number' || !(memoryBudget > 0)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: memoryBudget must be a positive number of bytes (Infinity for no limit), got ${describe(memoryBudget)}.`);
  }
  const threads = opts.threads ?? 1;
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: threads must be a positive integer, got ${describe(threads)}.`);
  }
  const onIteration: unknown = opts.onIteration;
  if (onIteration !== undefined && typeof onIteration !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: onIteration must be a function (info) => void | boolean, got ${describe(onIteration)}.`);
  }
  const signal: unknown = opts.signal;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof (signal as { aborted?: unknown }).aborted !== 'boolean')) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: signal must be an AbortSignal (e.g. new AbortController().signal), got ${describe(signal)}.`);
  }
  const change: unknown = opts.change ?? 'max-abs';
  if (change !== 'max-abs' && change !== 'mean-square') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: change must be 'max-abs' (max |Δ| < tol) or 'mean-square' ((1/D)‖Δ‖² < tol, PASO eq. 9), got ${describe(change)}.`);
  }
  const windowEntry: unknown = opts.windowEntry ?? 'guess';
  if (windowEntry !== 'guess' && windowEntry !== 'previous') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: windowEntry must be 'guess' or 'previous' (steps entering a window start from the previous window's last state, PASO §4.6), got ${describe(windowEntry)}.`);
  }
  if (windowEntry === 'previous' && opts.window === undefined) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: windowEntry applies to sliding windows; give window too (e.g. { window: 35, windowEntry: 'previous' }).`);
  }
  const changeEntries: unknown = opts.changeEntries;
  if (changeEntries !== undefined && (typeof changeEntries !== 'number' || !Number.isInteger(changeEntries) || changeEntries < 1)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: changeEntries must be a positive integer — the leading entries of each step the change is measured over (e.g. the P weights of a [θ, m, v] optimizer state) — or omitted for all D, got ${describe(changeEntries)}.`);
  }
  const windowAdvance: unknown = opts.windowAdvance ?? 'converged';
  if (windowAdvance !== 'converged' && windowAdvance !== 'first-unconverged') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: windowAdvance must be 'converged' (past the converged steps) or 'first-unconverged' (one step further, PASO's stride, Algorithm 1 line 8), got ${describe(windowAdvance)}.`);
  }
  if (windowAdvance !== 'converged' && opts.window === undefined) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: windowAdvance applies to sliding windows; give window too (e.g. { window: 35, windowAdvance: 'first-unconverged' }).`);
  }
  return {
    change,
    windowEntry,
    changeEntries,
    windowAdvance,
    tol,
    residualTol,
    stop,
    // A recurrence-based method is exact after T iterations, so more are never needed; ELK's
    // damped Kalman step (λ > 0) is not (thesis §4.2: each row only moves a fraction
    // 1/(1 + λ)-ish of the way), so its cap is the caller's.
    maxIterations: exactAfterT ? Math.min(T, requested) : requested,
    reset,
    resetThreshold,
    fallback: fallback === 'sequential',
    init,
    seed,
    memoryBudget,
    threads,
    onIteration: opts.onIteration,
    signal: opts.signal,
  };
}

function positiveFinite(where: string, name: string, x: unknown): void {
  if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be a positive finite number, got ${describe(x)}.`);
  }
}
