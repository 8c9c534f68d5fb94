/**
 * The stopping policy of the fixed-point driver — when to stop, where the window goes
 * next, and what may be called converged — as pure functions of what an iteration
 * measured. Every backend (the CPU run, the GPU runtime) measures the same record and asks
 * these functions; none keeps a copy of the rules.
 *
 * NaN is "not converged" throughout: every test below is written so that a NaN merit,
 * change or residual fails it.
 */

/** The settings the policy reads (a subset of the resolved run controls). */
export interface PolicySettings {
  /** The sequence length (rows of the trajectory). */
  readonly T: number;
  /** Tolerance of the stopping rule: on the change (`'delta'`) or on L/T (`'merit'`). */
  readonly tol: number;
  /** Max-abs residual a `'delta'` stop must also meet to be called converged. */
  readonly residualTol: number;
  /** The stopping rule: `'delta'` (change between iterates) or `'merit'` (L/T of the residual). */
  readonly stop: 'delta' | 'merit';
  /** Iterations at most (at most T, except for ELK with λ > 0, which is not exact after T). */
  readonly maxIterations: number;
  /** Rows iterated at once; undefined: all T. */
  readonly window: number | undefined;
  /**
   * How far a window advances: past the converged prefix (`'converged'`, the default when
   * absent), or one row further (`'first-unconverged'`, PASO's stride, Algorithm 1 line 8).
   */
  readonly windowAdvance?: 'converged' | 'first-unconverged';
}

/** What one iteration measured. Rows are 0-based, `[windowStart, windowEnd)`. */
export interface IterationRecord {
  /** LDS solves so far, this one included. */
  readonly iteration: number;
  /** max |s^{(i)} − s^{(i−1)}| over the window (NaN if any entry is NaN). */
  readonly delta: number;
  /** Leading rows whose change was below tol, counted from row 0. */
  readonly convergedPrefix: number;
  /** The window's first row (0-based, inclusive). */
  readonly windowStart: number;
  /** One past the window's last row (0-based, exclusive). */
  readonly windowEnd: number;
  /**
   * The window's first row started from an exact state and was not reset, and the step is
   * not ELK's — so it is exact now (each iteration of the linear recurrence fixes at
   * least one more leading step).
   */
  readonly firstRowExact: boolean;
  /** The caller's `onIteration` returned false. */
  readonly userStop: boolean;
}

/** What the driver does next. */
export type Decision =
  | {
      /** Iterate again. */
      readonly action: 'continue';
      /** The next window's first row (0-based): past the converged prefix or the exact first row. */
      readonly windowStart: number;
    }
  | {
      /** Stop, and judge the final iterate with `verdict(…, residualBound)`. */
      readonly action: 'finish';
      /** The max-abs residual the final iterate must meet: `residualTol` after a small step, `tol` when stopped early. */
      readonly residualBound: number;
    };

/**
 * Stop `'merit'`, read before the inner solve: the linearization just computed the merit
 * L/T of the current iterate (no extra evaluation of f); once the window covers the end
 * and it is below tol, the iterate is accepted (subject to `verdict`).
 */
export function meritStops(merit: number, windowEnd: number, s: PolicySettings): boolean {
  return s.stop === 'merit' && windowEnd === s.T && merit < s.tol;
}

/**
 * After an iteration: continue (with the window's next start), or finish.
 *
 * Finished when the whole trajectory moved less than tol (stop 'delta'), or a window has
 * passed every row (its rows were left behind as converged or exact); the verdict is then
 * the residual check with `residualTol`. Stopped early — by the caller or at
 * `maxIterations` — the iterate must be exact to `tol` itself under 'delta' (no small
 * step vouches for it).
 */
export function decide(r: IterationRecord, s: PolicySettings): Decision {
  const windowStart = s.window === undefined ? 0 : Math.min(s.T, Math.max(pastConverged(r, s), r.firstRowExact ? r.windowStart + 1 : r.windowStart));
  const small = r.windowEnd === s.T && s.stop === 'delta' && r.delta < s.tol;
  if (small || windowStart >= s.T) return { action: 'finish', residualBound: s.residualTol };
  if (r.userStop || r.iteration >= s.maxIterations) return { action: 'finish', residualBound: s.tol };
  return { action: 'continue', windowStart };
}

/**
 * The first row a window may start at after this iteration, by what converged: the end of
 * the converged prefix, or — under PASO's stride (Algorithm 1, line 8: s = i + 1 for the
 * first row i failing eq. 9) — one row past it. That row was computed in this iteration
 * from the previous iterate's rows before it, which moved less than tol, and from an exact
 * window start (`firstRowExact`: not ELK, nothing reset there), so it is as accurate as
 * they are. Never past the window's end.
 */
function pastConverged(r: IterationRecord, s: PolicySettings): number {
  const oneMore = s.windowAdvance === 'first-unconverged' && r.firstRowExact && r.convergedPrefix < r.windowEnd;
  return oneMore ? r.convergedPrefix + 1 : r.convergedPrefix;
}

/** The final iterate's measurements. */
export interface FinalResidual {
  /** L/T = ½‖r‖²/T over the whole trajectory. */
  readonly merit: number;
  /** max_t |r_t| (NaN if any residual is NaN). */
  readonly maxResidual: number;
  /** Every state finite. */
  readonly finite: boolean;
}

/**
 * "Converged": every state finite, and the stopping rule's residual check passed —
 * L/T < tol (stop 'merit') or max |r| ≤ `residualBound` (stop 'delta'). Never a small step
 * alone: on chaotic systems the scan's Jacobian products overflow, resets put the initial
 * guess back, and the change between iterates can fall below tol on a wrong trajectory.
 */
export function verdict(f: FinalResidual, s: PolicySettings, residualBound: number): boolean {
  return f.finite && (s.stop === 'merit' ? f.merit < s.tol : f.maxResidual <= residualBound);
}
