import type { Dynamics } from '@unroll/linearize';
import { UnrollError } from '@unroll/scan';
import { prepareRun } from './prepare-run.js';
import { sequentialRollout } from './sequential-rollout.js';
import type { SolveOptions, SolveResult } from './solve-options.js';

/**
 * Evaluates `s_t = f_t(s_{t−1})`, t = 1 … T, by the fixed-point iteration of the chosen
 * method (DESIGN.md §1): linearize at the current trajectory, solve the linear
 * recurrence with a scan, repeat — at most T times, since every method fixes at least
 * one more leading step per iteration.
 *
 * @example
 * ```ts
 * const { states, iterations, converged } = solve(dynamics, [0, 0], 1000, { method: 'quasi-deer' });
 * ```
 * @throws {UnrollError} for bad arguments (see `SolveOptions`), `MEMORY_BUDGET`, and
 *   `ABORTED` when `signal` fires. Divergence is not an error: it ends with
 *   `converged: false` (or the sequential fallback).
 */
export function solve(dyn: Dynamics, s0: ArrayLike<number>, T: number, opts: SolveOptions = {}): SolveResult {
  const prepared = prepareRun(dyn, s0, T, opts);
  if ('sequential' in prepared) {
    return sequentialResult(dyn, prepared.start, T, prepared.sequential);
  }
  const { run } = prepared;
  while (run.step()) throwIfAborted(opts.signal);
  return run.result();
}

/** The result of `method: 'sequential'`. */
export function sequentialResult(dyn: Dynamics, start: Parameters<typeof sequentialRollout>[1], T: number, out: Parameters<typeof sequentialRollout>[3]): SolveResult {
  return {
    states: sequentialRollout(dyn, start, T, out),
    iterations: 0,
    converged: true,
    method: 'sequential',
    fellBack: false,
    trace: { delta: [], merit: [], resets: [] },
  };
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    throw new UnrollError('ABORTED', 'solve: aborted by its signal.', { cause: signal.reason });
  }
}
