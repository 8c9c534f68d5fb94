import { UnrollError } from '@unroll/scan';
import type { FixedPointBackend, UpdateMeasure } from './fixed-point-backend.js';
import type { Work } from './resumable-work.js';
import { decide, meritStops, verdict, type PolicySettings } from './stopping-policy.js';

/** What the driver reads besides the stopping policy's settings. */
export interface DriverSettings extends PolicySettings {
  /**
   * The inner solve is the linear recurrence (not ELK's filter), so a window's first row,
   * started from an exact state and not reset, is exact after the solve (so every
   * iteration fixes at least one more leading step).
   */
  readonly exactLeadingRow: boolean;
  /** Finish an unconverged run with the sequential rollout. */
  readonly fallback: boolean;
  /** Checked before every iteration; an abort throws `UnrollError('ABORTED')`. */
  readonly signal: AbortSignal | undefined;
}

/** What the driver passes to its observer after each iteration. */
export interface IterationMeasure extends UpdateMeasure {
  /** LDS solves so far, this one included (1 after the first). */
  readonly iteration: number;
  /** The merit of the iterate this iteration linearized at. */
  readonly merit: number;
}

/** How a driven run ended. The states are the backend's. */
export interface DriverOutcome {
  /** LDS solves performed. */
  readonly iterations: number;
  /** Every state finite and the stopping rule's residual check passed (or the fallback rollout is finite). */
  readonly converged: boolean;
  /** The states were replaced by the sequential rollout (`fallback` was set and the run had not converged). */
  readonly fellBack: boolean;
  /** Per iteration: the change, the merit linearized at, and the resets. */
  readonly trace: {
    /** max |s^{(i)} − s^{(i−1)}| of each iteration (over its window). */
    readonly delta: number[];
    /** L(s)/T of the iterate each iteration linearized at. */
    readonly merit: number[];
    /** Entries reset to the initial guess in each iteration. */
    readonly resets: number[];
  };
}

/**
 * The fixed-point iteration of every method on every backend — the one copy of the
 * driver's policy (the unifying framework's eq. 2 and 4). Per iteration, over the window `[ws, we)`:
 *
 *     merit = linearize(ws, we)          (Ã_t, b_t and the residual of the current iterate)
 *     stop 'merit' and merit < tol  →  finish: verdict on the current iterate
 *     solve(ws, we); update(ws, we)     (inner solve, resets, change)
 *     observe(…) → decide(…)            →  continue at the next window start, or finish
 *
 * Finishing asks `verdict` (every state finite and the residual check passed) and, when
 * that fails and `fallback` is set, replaces the states by the sequential rollout.
 *
 * @param observe called after each iteration (the user's `onIteration`, with what the
 *   front end adds); returning `false` stops the run.
 * @throws {UnrollError} `ABORTED` when the signal fires (checked before every iteration).
 */
export function* driveFixedPoint(
  where: string,
  backend: FixedPointBackend,
  settings: DriverSettings,
  observe?: (m: IterationMeasure) => void | boolean,
): Work<DriverOutcome> {
  const trace = { delta: [] as number[], merit: [] as number[], resets: [] as number[] };
  let iterations = 0;
  let ws = 0;
  const finish = function* (converged: boolean): Work<DriverOutcome> {
    if (converged || !settings.fallback) return { iterations, converged, fellBack: false, trace };
    const finite = yield* backend.fallback();
    return { iterations, converged: finite, fellBack: true, trace };
  };
  const finishChecked = function* (residualBound: number): Work<DriverOutcome> {
    const residual = yield* backend.residual();
    return yield* finish(verdict(residual, settings, residualBound));
  };
  const window = settings.window ?? settings.T;
  for (;;) {
    if (settings.signal?.aborted === true) {
      throw new UnrollError('ABORTED', `${where}: aborted by its signal after ${iterations} iterations.`, { cause: settings.signal.reason });
    }
    const we = Math.min(settings.T, ws + window);
    // A window whose starting state is not finite: that row was computed exactly from
    // finite predecessors, so the rollout itself is not finite — no trajectory to find.
    if (!(yield* backend.windowStartFinite(ws))) return yield* finish(false);
    const merit = yield* backend.linearize(ws, we);
    if (meritStops(merit, we, settings)) return yield* finishChecked(settings.residualTol);
    yield* backend.solve(ws, we);
    const m = yield* backend.update(ws, we);
    iterations++;
    trace.delta.push(m.delta);
    trace.merit.push(merit);
    trace.resets.push(m.resets);
    const keepGoing = observe?.({ ...m, iteration: iterations, merit });
    const decision = decide(
      {
        iteration: iterations,
        delta: m.delta,
        convergedPrefix: m.convergedPrefix,
        windowStart: ws,
        windowEnd: we,
        firstRowExact: settings.exactLeadingRow && !m.firstRowReset,
        userStop: keepGoing === false,
      },
      settings,
    );
    if (decision.action === 'finish') return yield* finishChecked(decision.residualBound);
    ws = decision.windowStart;
  }
}
