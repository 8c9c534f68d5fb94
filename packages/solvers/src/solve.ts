import type { Dynamics } from '@unroll/linearize';
import { UnrollError } from '@unroll/scan';
import { planSolve } from './prepare-run.js';
import { refuseBackend } from './solve-backend.js';
import { runWork } from './resumable-work.js';
import { solveWork } from './solve-work.js';
import type { SolveOptions, SolveResult } from './solve-options.js';

/**
 * Evaluates `s_t = f_t(s_{t−1})`, t = 1 … T, by the fixed-point iteration of the chosen
 * method (the unifying framework's eq. 4): linearize at the current trajectory, solve the linear
 * recurrence with a scan, repeat — at most T times, since every method fixes at least
 * one more leading step per iteration.
 *
 * `converged: true` always means every state is finite and the final iterate passed the
 * stopping rule's residual check; a system whose own rollout overflows or turns NaN is
 * never reported converged.
 *
 * @example
 * ```ts
 * import { defineDynamics } from '@unroll/linearize';
 * import { solve } from '@unroll/solvers';
 *
 * // s_t = 0.5 tanh(s_{t−1}) + 1, coordinate by coordinate, with its exact diagonal Jacobian
 * const dynamics = defineDynamics({
 *   dim: 2,
 *   step: (t, s, so, out, oo) => { for (let i = 0; i < 2; i++) out[oo + i] = 0.5 * Math.tanh(s[so + i]) + 1; },
 *   diagonal: (t, s, so, out, oo) => { for (let i = 0; i < 2; i++) out[oo + i] = 0.5 * (1 - Math.tanh(s[so + i]) ** 2); },
 * });
 * const { states, iterations, converged } = solve(dynamics, [0, 0], 1000, { method: 'quasi-deer' });
 * converged; // → true — after a few iterations
 * states.length; // → 2000 — [T][D]: row t−1 holds s_t
 * ```
 * @throws {UnrollError} for bad arguments (see `SolveOptions`), `MEMORY_BUDGET`, and
 *   `ABORTED` when `signal` fires. Divergence is not an error: it ends with
 *   `converged: false` (or the sequential fallback). An error thrown by the dynamics
 *   themselves is rethrown as it is.
 */
export function solve(dyn: Dynamics, s0: ArrayLike<number>, T: number, opts: SolveOptions = {}): SolveResult {
  refuseBackend('solve', opts);
  const plan = planSolve('solve', dyn, s0, T, opts);
  throwIfAborted(plan.opts.signal);
  return runWork(solveWork('solve', plan));
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    throw new UnrollError('ABORTED', 'solve: aborted by its signal.', { cause: signal.reason });
  }
}
