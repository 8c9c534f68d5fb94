import type { Dynamics } from '@unroll/linearize';
import { describeValue as describe, UnrollError } from '@unroll/scan';
import { createPlanScratch, planSolve } from './prepare-run.js';
import { refuseBackend } from './solve-backend.js';
import { runWork } from './resumable-work.js';
import { throwIfAborted } from './solve.js';
import { solveWork } from './solve-work.js';
import type { SolveOptions, SolveResult } from './solve-options.js';

/**
 * Solves B independent sequences of length T — B dynamics, or one dynamics from B initial
 * states — one after the other through one set of working memory (the Ã_t, offsets,
 * window and residual buffers are allocated once for the batch; each result owns its
 * own states). Options apply to every sequence; `init` may not be a single warm-start
 * array for a batch (it would fit one sequence only). Every sequence's arguments are
 * validated before anything is allocated.
 *
 * @returns one `SolveResult` per sequence, in order.
 * @example
 * ```ts
 * import { defineDynamics } from '@unroll/linearize';
 * import { solveBatch } from '@unroll/solvers';
 *
 * const dyn = defineDynamics({
 *   dim: 1,
 *   step: (t, s, so, out, oo) => { out[oo] = 0.5 * Math.tanh(s[so]) + 1; },
 *   diagonal: (t, s, so, out, oo) => { out[oo] = 0.5 * (1 - Math.tanh(s[so]) ** 2); },
 * });
 * const results = solveBatch(dyn, [[0], [1], [-1]], 1000, { method: 'quasi-deer' }); // one dynamics, three s_0
 * results.map((r) => r.converged); // → [true, true, true]
 * ```
 */
export function solveBatch(dynamics: Dynamics | readonly Dynamics[], s0s: readonly ArrayLike<number>[], T: number, opts: SolveOptions = {}): SolveResult[] {
  const where = 'solveBatch';
  refuseBackend(where, opts);
  if (!Array.isArray(s0s)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: s0s must be an array of initial states (one array of D numbers per sequence), got ${describe(s0s)}.`);
  }
  const B = s0s.length;
  const list: readonly unknown[] = Array.isArray(dynamics) ? dynamics : Array.from({ length: B }, () => dynamics);
  if (list.length !== B) {
    throw new UnrollError('LENGTH_MISMATCH', `${where}: ${list.length} dynamics but ${B} initial states; give one of each per sequence (or one dynamics for all).`);
  }
  const plans = list.map((dyn, k) => planSolve(B > 1 ? `${where} (sequence ${k})` : where, dyn, s0s[k], T, opts));
  if (plans.length === 0) return [];
  const first = plans[0];
  for (const [k, plan] of plans.entries()) {
    if (plan.dyn.dim !== first.dyn.dim) {
      throw new UnrollError('DIMENSION_MISMATCH', `${where}: dynamics ${k} has dim ${plan.dyn.dim}, the first has ${first.dyn.dim}; a batch shares one shape.`);
    }
  }
  if (typeof first.opts.init === 'object') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: init: a warm-start array fits one sequence; use solve() per sequence, or init 'zeros' | 'random' | 'jacobi'.`);
  }
  throwIfAborted(first.opts.signal);
  const scratch = createPlanScratch(where, first);
  const results: SolveResult[] = [];
  for (const plan of plans) results.push(runWork(solveWork(where, plan, scratch)));
  return results;
}
