import type { Dynamics } from '@unroll/linearize';
import { UnrollError, allocate } from '@unroll/scan';
import { allocating } from './check-arguments.js';
import { planSolve, startRun, type SolvePlan } from './prepare-run.js';
import { isAllFinite, rolloutInBlocks } from './sequential-rollout.js';
import type { SolveOptions, SolveResult } from './solve-options.js';

/**
 * Evaluates `s_t = f_t(s_{t−1})`, t = 1 … T, by the fixed-point iteration of the chosen
 * method (DESIGN.md §1): linearize at the current trajectory, solve the linear
 * recurrence with a scan, repeat — at most T times, since every method fixes at least
 * one more leading step per iteration.
 *
 * `converged: true` always means every state is finite and the final iterate passed the
 * stopping rule's residual check; a system whose own rollout overflows or turns NaN is
 * never reported converged.
 *
 * @example
 * ```ts
 * const { states, iterations, converged } = solve(dynamics, [0, 0], 1000, { method: 'quasi-deer' });
 * ```
 * @throws {UnrollError} for bad arguments (see `SolveOptions`), `MEMORY_BUDGET`, and
 *   `ABORTED` when `signal` fires. Divergence is not an error: it ends with
 *   `converged: false` (or the sequential fallback). An error thrown by the dynamics
 *   themselves is rethrown as it is.
 */
export function solve(dyn: Dynamics, s0: ArrayLike<number>, T: number, opts: SolveOptions = {}): SolveResult {
  const plan = planSolve('solve', dyn, s0, T, opts);
  throwIfAborted(plan.opts.signal);
  if (plan.run === undefined) return drain(sequentialResult('solve', plan));
  const run = startRun('solve', plan);
  while (run.step()) throwIfAborted(plan.opts.signal);
  return run.result();
}

/**
 * The result of `method: 'sequential'`, as resumable work (see `FixedPointRun.iterate`):
 * the rollout, converged when it is finite.
 */
export function* sequentialResult(where: string, plan: SolvePlan): Generator<void, SolveResult, void> {
  const { dyn, T, start } = plan;
  const dtype = start instanceof Float32Array ? 'float32' : 'float64';
  const states = allocating(where, `the trajectory (T·D = ${T}·${dyn.dim} numbers)`, () => allocate(dtype, T * dyn.dim));
  yield* rolloutInBlocks(dyn, start, T, states, Math.max(1, Math.floor(2 ** 10 / dyn.dim)));
  return {
    states,
    iterations: 0,
    converged: isAllFinite(states, 0, states.length),
    method: 'sequential',
    fellBack: false,
    trace: { delta: [], merit: [], resets: [] },
  };
}

/** Runs resumable work to its end at once. */
export function drain<R>(work: Generator<void, R, void>): R {
  for (;;) {
    const next = work.next();
    if (next.done === true) return next.value;
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    throw new UnrollError('ABORTED', 'solve: aborted by its signal.', { cause: signal.reason });
  }
}
