import type { Dynamics, Linearizer, Strategy } from '@unroll/linearize';
import { allocate, linearRecurrence, sharedFloatArray, UnrollError, type FloatArray, type Structure } from '@unroll/scan';
import type { FixedPointBackend, UpdateMeasure } from './fixed-point-backend.js';
import { kalmanFilter } from './kalman-filter.js';
import { enterWindow, linearizeRows, residualRows, takeCandidate, type IterationRows, type ResidualSums, type TakenRows } from './iteration-rows.js';
import type { Work } from './resumable-work.js';
import type { RunControls } from './run-controls.js';
import { isAllFinite, rolloutInBlocks } from './sequential-rollout.js';
import type { FinalResidual } from './stopping-policy.js';

/** Settings of one run, resolved and validated by `planSolve`. */
export interface RunSettings extends RunControls {
  readonly dtype: 'float64' | 'float32';
  /** Rows iterated at once (sliding window); undefined: all T. */
  readonly window: number | undefined;
  /** ELK: the step is the Kalman filter's means with observation precision λ (thesis §4.2). */
  readonly elk: { readonly lambda: number } | undefined;
}

/**
 * The working memory of a run besides its trajectory: shareable by runs of one shape.
 * Per state entry it holds the window's Ã_t and b_t only — the recurrence writes its
 * candidate over b (ELK's filter, which reads b and y as it goes, gets its own `next`),
 * and the residual sweep evaluates f one row at a time.
 */
export interface RunScratch {
  readonly A: FloatArray;
  readonly b: FloatArray;
  /** ELK's filtered means (w·D); undefined for the recurrence, which solves in place over b. */
  readonly next: FloatArray | undefined;
  readonly start: FloatArray;
  readonly Ax: FloatArray;
  /** One row of f (D): the residual sweep's. */
  readonly f: FloatArray;
}

/**
 * Scratch for runs of `w`-step windows, structure width W, dimension D, length T. With
 * `threads > 1` the recurrence's inputs and output (A, b, next) live in shared memory, so
 * the worker threads read and write them where they are: nothing is copied per iteration.
 */
export function createRunScratch(dtype: 'float64' | 'float32', w: number, W: number, D: number, threads = 1, elk = false): RunScratch {
  const forThreads = threads > 1 && typeof SharedArrayBuffer !== 'undefined';
  const recurrence = (n: number) => (forThreads ? sharedFloatArray(dtype, n) : allocate(dtype, n));
  return {
    A: recurrence(w * W),
    b: recurrence(w * D),
    next: elk ? allocate(dtype, w * D) : undefined,
    start: allocate(dtype, D),
    Ax: allocate(dtype, D),
    f: allocate(dtype, D),
  };
}

/**
 * Numbers of work (rows × D) between two points where the work may pause: `solveAsync`
 * looks at the clock there, so a long iteration never holds the event loop for long.
 */
const workPerPause = 1 << 10;

/**
 * The CPU backend of the fixed-point driver (`driveFixedPoint`): the trajectory and the
 * window's Ã_t, b_t in typed arrays, all allocated here, once. At the current iterate
 * s^{(i−1)}, for every t of the window (the unifying framework's eq. 4)
 *
 *     f_t = f_t(s_{t−1}),  Ã_t = linearizer(s_{t−1}),  b_t = f_t − Ã_t s_{t−1},
 *     r_t = s_t − f_t      (the residual, for the merit — no extra evaluation of f),
 *
 * then the candidate = the linear recurrence s_t = Ã_t s_{t−1} + b_t from the window's
 * starting state (one scan, on `threads`), or ELK's Kalman-filter means. Every maximum
 * goes through `nanMax`, so a NaN anywhere stays NaN.
 */
export class CpuBackend implements FixedPointBackend {
  readonly #dyn: Dynamics;
  readonly #s0: FloatArray;
  readonly #T: number;
  readonly #D: number;
  readonly #settings: RunSettings;
  readonly #structure: Structure;
  readonly #lin: Linearizer;
  /** The initial guess resets fall back to; undefined: zeros (not stored). */
  readonly #guess: FloatArray | undefined;
  /** Rows iterated at once: the window, or T. */
  readonly #w: number;
  /** Rows per pause point of the resumable loops. */
  readonly #block: number;
  readonly #A: FloatArray;
  readonly #b: FloatArray;
  readonly #next: FloatArray | undefined;
  readonly #start: FloatArray;
  /** What the row sweeps read: the dynamics, linearizer, structure, s_0 and a row of scratch. */
  readonly #rows: IterationRows;
  /** The update's measurement, rewritten each iteration. */
  readonly #taken: TakenRows = { delta: 0, resets: 0, prefix: 0, firstRowReset: false };
  readonly #f: FloatArray;
  #current: FloatArray;
  /** Rows that have been inside a window (for `windowEntry: 'previous'`). */
  #entered = 0;

  /** @throws {UnrollError} `INVALID_ARGUMENT` when `changeEntries` exceeds the dimension D (checked before the trajectory is allocated). */
  constructor(dyn: Dynamics, s0: FloatArray, T: number, strategy: Strategy, structure: Structure, guess: FloatArray | undefined, settings: RunSettings, scratch?: RunScratch) {
    if (settings.changeEntries !== undefined && settings.changeEntries > dyn.dim) {
      throw new UnrollError('INVALID_ARGUMENT', `solve: changeEntries (${settings.changeEntries}) must be at most the dimension D = ${dyn.dim}: the leading entries of each step the change is measured over.`);
    }
    this.#dyn = dyn;
    this.#s0 = s0;
    this.#T = T;
    this.#D = dyn.dim;
    this.#settings = settings;
    this.#structure = structure;
    this.#lin = strategy.prepare(dyn);
    this.#guess = guess;
    this.#w = Math.min(T, settings.window ?? T);
    this.#block = Math.max(1, Math.floor(workPerPause / (dyn.dim + structure.width)));
    const D = dyn.dim, dtype = settings.dtype;
    this.#current = allocate(dtype, T * D);
    if (guess !== undefined) this.#current.set(guess);
    const shared = scratch ?? createRunScratch(dtype, this.#w, structure.width, D, settings.threads, settings.elk !== undefined);
    this.#A = shared.A;
    this.#b = shared.b;
    this.#next = shared.next;
    this.#start = shared.start;
    this.#rows = { dyn, lin: this.#lin, structure, s0, Ax: shared.Ax };
    this.#f = shared.f;
  }

  /** How this run forms its Ã_t: the strategy's linearizer (its `source` and per-step `cost`). */
  get linearizer(): Pick<Linearizer, 'source' | 'cost'> {
    return this.#lin;
  }

  /** The current trajectory `[T][D]` (the fallback's rollout after `fallback`). */
  get states(): FloatArray {
    return this.#current;
  }

  /** Copies the window's starting state (s_0 or row ws − 1) into the scratch and checks it. */
  // eslint-disable-next-line require-yield -- D numbers: nothing worth a pause.
  *windowStartFinite(ws: number): Work<boolean> {
    const D = this.#D, start = this.#start;
    for (let i = 0; i < D; i++) start[i] = ws === 0 ? this.#s0[i] : this.#current[(ws - 1) * D + i];
    return isAllFinite(start, 0, D);
  }

  /**
   * Builds (Ã_t, b_t) for rows [ws, we) at the current iterate into the window scratch
   * and returns the mean merit ½‖r_t‖² over those rows.
   */
  *linearize(ws: number, we: number): Work<number> {
    const cur = this.#current;
    if (this.#settings.windowEntry === 'previous') this.#entered = enterWindow(cur, this.#D, this.#entered, we);
    let merit = 0;
    for (let block = ws; block < we; block += this.#block) {
      merit += linearizeRows(this.#rows, cur, this.#A, this.#b, ws, block, Math.min(we, block + this.#block));
      yield;
    }
    return merit / (we - ws);
  }

  /** The candidate: the recurrence's solution, or ELK's filtered means, from the window's start. */
  *solve(ws: number, we: number): Work<void> {
    const D = this.#D, W = this.#structure.width, n = we - ws, s = this.#settings;
    // Views cost one object per iteration, not per step; the last window is shorter.
    /* eslint-disable no-restricted-syntax */
    const A = n === this.#w ? this.#A : this.#A.subarray(0, n * W);
    const b = n === this.#w ? this.#b : this.#b.subarray(0, n * D);
    if (s.elk === undefined || this.#next === undefined) {
      // In place: the states overwrite b, which the next linearization rebuilds anyway.
      linearRecurrence(this.#structure, A, b, this.#start, { out: b, threads: s.threads });
    } else {
      // The Levenberg–Marquardt step: filtered means of the LGSSM with dynamics
      // N(Ã_t s + b_t, I) observing the current iterate with precision λ (thesis eq. 30).
      const next = n === this.#w ? this.#next : this.#next.subarray(0, n * D);
      const y = this.#current.subarray(ws * D, we * D);
      kalmanFilter({ structure: this.#structure, dim: D, A, b, y, s0: this.#start, lambda: s.elk.lambda }, { out: next, covariances: false });
    }
    /* eslint-enable no-restricted-syntax */
    yield;
  }

  /** Resets the candidate's non-finite or huge entries, measures the change per row, and takes it. */
  // eslint-disable-next-line require-yield -- one pass over the window, as cheap as the solve's own pause.
  *update(ws: number, we: number): Work<UpdateMeasure> {
    const D = this.#D, n = we - ws, s = this.#settings;
    const { delta, resets, prefix, firstRowReset } = takeCandidate(this.#next ?? this.#b, this.#current, this.#guess, D, ws, 0, n, s, this.#taken);
    return { delta, resets, convergedPrefix: ws + prefix, firstRowReset };
  }

  /**
   * Merit L/T and max-abs residual of the whole current trajectory (one sweep of f),
   * and whether every state is finite.
   */
  *residual(): Work<FinalResidual> {
    const cur = this.#current, T = this.#T;
    // Batched: f for a block of rows into the window's b (free once the last update has
    // taken the candidate); otherwise one row at a time (D numbers of scratch, not T·D).
    const batched = this.#dyn.block !== undefined;
    const rows = batched ? Math.min(this.#block, this.#w) : this.#block;
    const sums: ResidualSums = { merit: 0, maxResidual: 0 };
    for (let block = 0; block < T; block += rows) {
      residualRows(this.#dyn, this.#s0, cur, batched ? this.#b : this.#f, block, Math.min(T, block + rows), sums);
      yield;
    }
    const { merit, maxResidual } = sums;
    return { merit: merit / T, maxResidual, finite: isAllFinite(cur, 0, cur.length) };
  }

  /**
   * The states become the sequential rollout, in a new array (the iterate's buffer may be
   * the caller's to keep); finite or not, it is reported as it is.
   */
  *fallback(): Work<boolean> {
    const states = allocate(this.#settings.dtype, this.#T * this.#D);
    yield* rolloutInBlocks(this.#dyn, this.#s0, this.#T, states, this.#block);
    this.#current = states;
    return isAllFinite(states, 0, states.length);
  }
}
