import type { Work } from './resumable-work.js';
import type { FinalResidual } from './stopping-policy.js';

/** What one update measured (rows `[windowStart, windowEnd)`, 0-based). */
export interface UpdateMeasure {
  /** max |s^{(i)} − s^{(i−1)}| over the window (NaN if any entry is NaN). */
  readonly delta: number;
  /** Entries reset to the initial guess (non-finite or beyond the threshold). */
  readonly resets: number;
  /**
   * Leading rows, counted from row 0, whose change was below tol (rows before the window
   * count as converged). A backend that does not measure it reports `windowStart`.
   */
  readonly convergedPrefix: number;
  /** An entry of the window's first row was reset. */
  readonly firstRowReset: boolean;
}

/**
 * Where the fixed-point driver (`driveFixedPoint`) meets the hardware: the four pieces of
 * an iteration — linearize, inner solve, update-with-resets, measure — and the two ways a
 * run ends, over a trajectory the backend keeps (the unifying framework's eq. 2 and 4). The driver holds the
 * policy (order, stopping rules, window advance, trace, callback, verdict, fallback);
 * a backend holds the memory and the arithmetic and decides nothing.
 *
 * The CPU backend (`@unroll/solvers`, typed arrays) and the GPU runtime
 * (`@unroll/gpu-runtime`, device buffers) implement it. Every method returns `Work`: it may
 * pause, and an asynchronous backend yields the promises it waits on.
 *
 * Contract:
 * - `linearize(ws, we)` builds Ã_t, b_t at the current iterate for rows `[ws, we)` and
 *   returns the merit ½‖r_t‖² averaged over those rows (r_t = s_t − f_t(s_{t−1})); it does
 *   not change the current iterate.
 * - `solve(ws, we)` runs the inner linear solve of the last linearization into a candidate
 *   (a backend may have fused it into `linearize`).
 * - `update(ws, we)` resets non-finite or huge entries of the candidate to the initial
 *   guess (when resets are on), measures the change, and makes the candidate the current
 *   iterate.
 * - `residual()` measures the whole current trajectory (one sweep of f, or a measurement
 *   of the same iterate it already holds).
 * - `fallback()` replaces the trajectory by the sequential rollout and says whether it is
 *   finite.
 */
export interface FixedPointBackend {
  /** Whether the state the window starting at row `ws` starts from (s_0, or row ws − 1) is finite. */
  windowStartFinite(ws: number): Work<boolean>;
  /** Builds Ã_t, b_t at the current iterate for rows `[ws, we)`; returns the merit ½‖r_t‖² averaged over them. */
  linearize(ws: number, we: number): Work<number>;
  /** Runs the inner linear solve (recurrence or Kalman filter) of the last linearization into a candidate. */
  solve(ws: number, we: number): Work<void>;
  /** Resets, measures the change and makes the candidate the current iterate, over rows `[ws, we)`. */
  update(ws: number, we: number): Work<UpdateMeasure>;
  /** Measures the whole current trajectory's residual, for the verdict. */
  residual(): Work<FinalResidual>;
  /** Replaces the trajectory by the sequential rollout; resolves to whether it is finite. */
  fallback(): Work<boolean>;
}
