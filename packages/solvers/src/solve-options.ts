import type { CallCounts, Strategy } from '@unroll/linearize';
import type { MethodName, SolveMethod } from './methods.js';
import type { FloatArray } from '@unroll/scan';
import type { SolveBackend } from './solve-backend.js';

/**
 * The built-in methods' names (`methodNames`), each an alias of the value its factory
 * returns: `'deer'` = `deer()`, `'quasi-deer'` = `quasiDeer()`, `'picard'`, `'jacobi'`,
 * `'clip-elk'`, `'sequential'`. `'elk'`, `'quasi-elk'` and `'scale-elk'` need a parameter
 * without a default, so as strings they are refused with a message saying to pass
 * `elk({ lambda })` or `scaleElk({ k })` (see {@link SolveMethod}).
 */
export type Method = MethodName;

/** What `onIteration` receives after each iteration. */
export interface IterationInfo {
  /** LDS solves so far (1 after the first). */
  readonly iteration: number;
  /** max |s^{(i)} − s^{(i−1)}| over all entries. */
  readonly delta: number;
  /** L(s)/T = ½‖r(s)‖²/T at the iterate this iteration linearized at. */
  readonly merit: number;
  /** Entries reset to the initial guess in this iteration (non-finite or beyond `resetThreshold`). */
  readonly resets: number;
  /** Leading steps whose change in this iteration was below `tol`. */
  readonly convergedPrefix: number;
  /**
   * The iterate s^{(i)} after this iteration (`[T][D]`): the solver's own buffer, valid only
   * during the callback — copy it to keep it (e.g. to record the error per iteration).
   */
  readonly states: FloatArray;
}

/**
 * Options of `solve`, `solveAsync` and `solveBatch`: the method, and the run controls every method shares.
 * A method's own parameters live in its value — `elk({ lambda })`, `scaleElk({ k })`,
 * `clipElk({ lo, hi })` — not here.
 */
export interface SolveOptions {
  /**
   * The method (default `defaultMethod(D)`: `'deer'` for D ≤ 16, `'quasi-deer'` above): a value — `deer()`, `quasiDeer({ diagonal })`, `picard()`,
   * `jacobi()`, `elk({ lambda, base })`, `scaleElk({ k, base })`, `clipElk({ lo, hi })`,
   * `newton(strategy)`, `sequential()` — or a built-in name as an alias (`'deer'`,
   * `'quasi-deer'`, `'picard'`, `'jacobi'`, `'clip-elk'`, `'sequential'`), or a bare
   * Strategy (= `newton(strategy)`).
   */
  readonly method?: MethodName | SolveMethod | Strategy;
  /** Tolerance of the stopping rule: 1e-8 in float64, 1e-5 in float32 by default. */
  readonly tol?: number;
  /**
   * `'delta'` (default): stop when max |s^{(i)} − s^{(i−1)}| < tol, and call it converged
   * only if the final iterate's max-abs residual is also ≤ `residualTol` (the reset trap:
   * on a chaotic system, resets can freeze a wrong trajectory whose change is below tol). `'merit'`: stop when L(s)/T < tol — checked on the residual the next
   * linearization computes anyway, so it costs no extra evaluation of f.
   */
  readonly stop?: 'delta' | 'merit';
  /** Max-abs residual a `'delta'` stop must also meet (default √tol). */
  readonly residualTol?: number;
  /** LDS solves at most (default T; capped at T for every method that is exact after T — all but ELK with λ > 0, which may need more: see `exactAfterT`). */
  readonly maxIterations?: number;
  /** Initial trajectory: `'zeros'` (default), `'random'` (seeded standard normal), `'jacobi'` (f over zeros), or a `[T][D]` array (warm start). */
  readonly init?: 'zeros' | 'random' | 'jacobi' | FloatArray;
  /**
   * Sliding window: iterate only `window` steps at a time, advancing past the converged
   * prefix (PASO-style); memory for Ã_t drops to `window` steps. Same result as the
   * full solve.
   */
  readonly window?: number;
  /** Seed of `init: 'random'` (default 0). */
  readonly seed?: number;
  /** Reset non-finite or huge entries to the initial guess (default true). */
  readonly reset?: boolean;
  /** Magnitude beyond which an entry is reset (default 1e8). */
  readonly resetThreshold?: number;
  /** Element type of all trajectories (default `'float64'`). */
  readonly dtype?: 'float64' | 'float32';
  /** `'sequential'`: when not converged, finish with a sequential rollout (default `'none'`). */
  readonly fallback?: 'sequential' | 'none';
  /** Called after each iteration; return `false` to stop. */
  readonly onIteration?: (info: IterationInfo) => void | boolean;
  /** Honoured between iterations (`solveAsync`; `solve` checks it too). */
  readonly signal?: AbortSignal;
  /**
   * Threads for each iteration's linear recurrence (default 1): `linearRecurrence`'s
   * `threads` — Node worker threads on large enough problems, any structure that has a
   * module address (built-ins do). Results are the same bits for the same inputs.
   */
  readonly threads?: number;
  /** Bytes the Ã_t may take (default 1 GiB); beyond it, `MEMORY_BUDGET`. */
  readonly memoryBudget?: number;
  /**
   * How a step's change is compared with `tol` — for the `'delta'` stop and for how far a
   * window advances: `'max-abs'` (default, max_i |Δ_i|) or `'mean-square'` ((1/D)‖Δ‖², the
   * per-step rule of PASO, eq. 9). Convergence still needs the residual check.
   */
  readonly change?: 'max-abs' | 'mean-square';
  /**
   * With a sliding window, where steps entering it for the first time start: `'guess'`
   * (default, the initial guess) or `'previous'` — the last state of the window before, as
   * PASO initialises them (§4.6; only the first window starts from the guess).
   */
  readonly windowEntry?: 'guess' | 'previous';
  /**
   * Measure a step's change over its first `changeEntries` state entries only (default:
   * all D) — for the `'delta'` stop and for how far a window advances. PASO's eq. 9 divides
   * by the model dimension n: it measures the weights, not an optimizer's moments, which
   * `gradientDescent` lays out after them (`[θ (P), m (P), v (P)]`: pass `changeEntries: P`).
   * A positive integer ≤ D. Convergence still needs the residual check over every entry.
   * Served by `solve`, `solveAsync` and `solveBatch` on this thread.
   */
  readonly changeEntries?: number;
  /**
   * With a sliding window, how far it advances after an iteration: `'converged'` (default)
   * — past the leading steps whose change was below `tol` (at least the exact first step) —
   * or `'first-unconverged'`, one step further, as PASO's stride does (Algorithm 1, line 8:
   * s = i + 1 for the first step i that fails eq. 9): that step was computed from
   * predecessors that moved less than `tol`, so it is as accurate as they are. Not for ELK
   * (its first step is not exact), which keeps `'converged'`.
   */
  readonly windowAdvance?: 'converged' | 'first-unconverged';
  /**
   * Run on another backend — a GPU runtime (`await createGpuRuntime()` from
   * `@unroll/gpu-runtime`) — through `solveAsync`, with these same options (`solve` is
   * synchronous and refuses one). Default: this CPU.
   */
  readonly backend?: SolveBackend;
}

/** What `solve` returns. */
export interface SolveResult {
  /** `[T][D]`, row t − 1 is s_t. */
  readonly states: FloatArray;
  /** LDS solves performed (0 for `'sequential'`). */
  readonly iterations: number;
  /** True when the final states satisfy the stopping rule and the residual check (or came from the fallback rollout). */
  readonly converged: boolean;
  /** The method's name. */
  readonly method: string;
  /** True when the states are the sequential fallback's. */
  readonly fellBack: boolean;
  /** Per iteration: delta, merit (of the iterate linearized at) and resets. */
  readonly trace: {
    /** max |s^{(i)} − s^{(i−1)}| of each iteration (over its window). */
    readonly delta: number[];
    /** L(s)/T of the iterate each iteration linearized at. */
    readonly merit: number[];
    /** Entries reset to the initial guess in each iteration. */
    readonly resets: number[];
  };
  /**
   * How Ã_t was formed (fixed-point methods on the CPU): the linearizer's `source`
   * (`'closed-form jacobian'`, `'diagonal from 8 finite-difference JVPs'`, …) and its calls
   * into the dynamics per step — `step > 0` means finite differences, which a closed form
   * would remove (a `FINITE_DIFFERENCES` warning says so once).
   */
  readonly linearization?: {
    /** The linearizer's own words for how Ã_t is formed. */
    readonly source: string;
    /** Calls into the dynamics per step and iteration (`step > 0`: finite differences). */
    readonly callsPerStep: CallCounts;
  };
}
