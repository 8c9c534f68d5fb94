import type { Dynamics } from '@unroll/linearize';
import type { FloatArray } from '@unroll/scan';
import { solve, type SolveOptions } from '@unroll/solvers';
import { maxAbsDifference } from '../max-abs-difference.js';

/** A solve as the case studies report it: its counts, and its distance from the sequential rollout. */
export interface CheckedSolve {
  readonly iterations: number;
  readonly converged: boolean;
  /** Iterate entries reset to the initial guess, summed over iterations. */
  readonly resets: number;
  /** max |s − s_sequential| over all steps and coordinates. */
  readonly maxError: number;
  readonly states: FloatArray;
}

/**
 * Solves and checks the result against `reference` (the sequential rollout of the same
 * system): every number a case study prints about a solve comes from here.
 */
export function checkedSolve(dyn: Dynamics, s0: ArrayLike<number>, T: number, options: SolveOptions, reference: FloatArray): CheckedSolve {
  const r = solve(dyn, s0, T, options);
  return {
    iterations: r.iterations,
    converged: r.converged,
    resets: r.trace.resets.reduce((a, b) => a + b, 0),
    maxError: maxAbsDifference(r.states, reference),
    states: r.states,
  };
}
