import type { Dynamics, Linearizer, Strategy } from '@unroll/linearize';
import { allocate, linearRecurrence, type FloatArray, type Structure } from '@unroll/scan';
import { kalmanFilter } from './kalman-filter.js';
import { nanMax } from './nan-max.js';
import type { RunControls } from './run-controls.js';
import { isAllFinite, rolloutInBlocks } from './sequential-rollout.js';
import type { SolveResult } from './solve-options.js';
import { decide, meritStops, verdict, type PolicySettings } from './stopping-policy.js';

/** Settings of one run, resolved and validated by `prepareRun`. */
export interface RunSettings extends RunControls {
  readonly dtype: 'float64' | 'float32';
  /** Rows iterated at once (sliding window); undefined: all T. */
  readonly window: number | undefined;
  /** ELK: the step is the Kalman filter's means with observation precision λ (thesis §4.2). */
  readonly elk: { readonly lambda: number } | undefined;
}

/** The working memory of a run besides its trajectory: shareable by runs of one shape. */
export interface RunScratch {
  readonly A: FloatArray;
  readonly b: FloatArray;
  readonly next: FloatArray;
  readonly start: FloatArray;
  readonly Ax: FloatArray;
  readonly f: FloatArray;
}

/** Scratch for runs of `w`-step windows, structure width W, dimension D, length T. */
export function createRunScratch(dtype: 'float64' | 'float32', w: number, W: number, D: number, T: number): RunScratch {
  return {
    A: allocate(dtype, w * W),
    b: allocate(dtype, w * D),
    next: allocate(dtype, w * D),
    start: allocate(dtype, D),
    Ax: allocate(dtype, D),
    f: allocate(dtype, T * D),
  };
}

/**
 * Numbers of work (rows × D) between two points where an iteration may pause: `solveAsync`
 * looks at the clock there, so a long iteration never holds the event loop for long.
 */
const workPerPause = 1 << 10;

/**
 * One fixed-point solve, advanced an iteration at a time (so `solve` and `solveAsync`
 * share it). Iteration i (DESIGN.md §1): at the current iterate s^{(i−1)}, for every t
 *
 *     f_t = f_t(s_{t−1}),  Ã_t = linearizer(s_{t−1}),  b_t = f_t − Ã_t s_{t−1},
 *     r_t = s_t − f_t      (the residual, for the merit — no extra evaluation of f),
 *
 * then s^{(i)} = the linear recurrence s_t = Ã_t s_{t−1} + b_t from s_0 (one scan),
 * with non-finite or huge entries reset to the initial guess. All buffers are allocated
 * here, once.
 *
 * Every maximum and comparison below treats NaN as "not converged": a NaN anywhere in a
 * change or a residual makes the maximum NaN (`nanMax`), and NaN fails every `<` test.
 * "Converged" is decided in one place (`verdict`, stopping-policy.ts): every state finite and the stopping
 * rule's residual check passed.
 */
export class FixedPointRun {
  readonly #dyn: Dynamics;
  readonly #s0: FloatArray;
  readonly #T: number;
  readonly #D: number;
  readonly #settings: RunSettings;
  readonly #policy: PolicySettings;
  readonly #structure: Structure;
  readonly #lin: Linearizer;
  readonly #method: string;
  readonly #guess: FloatArray;
  /** Rows iterated at once: the window, or T. */
  readonly #w: number;
  /** Rows per pause point of the resumable loops. */
  readonly #block: number;
  /** First row of the window (advances past the converged prefix when windowed). */
  #ws = 0;
  readonly #A: FloatArray;
  readonly #b: FloatArray;
  readonly #next: FloatArray;
  readonly #start: FloatArray;
  readonly #Ax: FloatArray;
  #current: FloatArray;
  readonly #f: FloatArray;
  #iterations = 0;
  #done = false;
  #converged = false;
  #fellBack = false;
  readonly #trace = { delta: [] as number[], merit: [] as number[], resets: [] as number[] };

  constructor(dyn: Dynamics, s0: FloatArray, T: number, strategy: Strategy, structure: Structure, method: string, guess: FloatArray, settings: RunSettings, scratch?: RunScratch) {
    this.#dyn = dyn;
    this.#s0 = s0;
    this.#T = T;
    this.#D = dyn.dim;
    this.#settings = settings;
    this.#policy = { ...settings, T };
    this.#structure = structure;
    this.#lin = strategy.prepare(dyn);
    this.#method = method;
    this.#guess = guess;
    this.#w = Math.min(T, settings.window ?? T);
    this.#block = Math.max(1, Math.floor(workPerPause / (dyn.dim + structure.width)));
    const D = dyn.dim, w = this.#w, dtype = settings.dtype;
    this.#current = allocate(dtype, T * D);
    this.#current.set(guess);
    const shared = scratch ?? createRunScratch(dtype, w, structure.width, D, T);
    this.#A = shared.A;
    this.#b = shared.b;
    this.#next = shared.next;
    this.#start = shared.start;
    this.#Ax = shared.Ax;
    this.#f = shared.f;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Runs one iteration (or finishes); returns false once the solve is done. */
  step(): boolean {
    const work = this.iterate();
    for (;;) {
      const next = work.next();
      if (next.done === true) return next.value;
    }
  }

  /**
   * One iteration as resumable work: it yields at pause points (every few thousand
   * numbers of work) and returns false once the solve is done. `step` drains it at once;
   * `solveAsync` gives the event loop a turn at a pause point when its time slice is up.
   */
  *iterate(): Generator<void, boolean, void> {
    if (this.#done) return false;
    const s = this.#settings;
    const D = this.#D, W = this.#structure.width;
    const ws = this.#ws;
    const we = Math.min(this.#T, ws + this.#w);
    const n = we - ws;
    // The window starts from the state just before it: s_0, or the converged row ws − 1.
    // A non-finite row there means the rollout itself is not finite up to it (that row
    // was computed exactly from finite predecessors): no finite trajectory exists.
    const start = this.#start;
    for (let i = 0; i < D; i++) start[i] = ws === 0 ? this.#s0[i] : this.#current[(ws - 1) * D + i];
    if (!isAllFinite(start, 0, D)) {
      yield* this.#finish(false);
      return false;
    }
    const merit = yield* this.#linearize(ws, we);
    if (meritStops(merit, we, this.#policy)) {
      yield* this.#finishChecked(s.residualTol);
      return false;
    }
    // Views cost one object per iteration, not per step; the last window is shorter.
    /* eslint-disable no-restricted-syntax */
    const A = n === this.#w ? this.#A : this.#A.subarray(0, n * W);
    const b = n === this.#w ? this.#b : this.#b.subarray(0, n * D);
    const next = n === this.#w ? this.#next : this.#next.subarray(0, n * D);
    if (s.elk === undefined) {
      linearRecurrence(this.#structure, A, b, start, { out: next, threads: s.threads });
    } else {
      // The Levenberg–Marquardt step: filtered means of the LGSSM with dynamics
      // N(Ã_t s + b_t, I) observing the current iterate with precision λ (thesis eq. 30).
      const y = this.#current.subarray(ws * D, we * D);
      kalmanFilter({ structure: this.#structure, dim: D, A, b, y, s0: start, lambda: s.elk.lambda }, { out: next, covariances: false });
    }
    /* eslint-enable no-restricted-syntax */
    yield;
    const cur = this.#current, guess = this.#guess;
    let resets = 0;
    let firstRowReset = false;
    if (s.reset) {
      for (let k = 0; k < n * D; k++) {
        if (!(Math.abs(next[k]) <= s.resetThreshold)) {
          next[k] = guess[ws * D + k];
          resets++;
          if (k < D) firstRowReset = true;
        }
      }
    }
    let delta = 0;
    let prefix = -1;
    for (let r = 0; r < n; r++) {
      let rowDelta = 0;
      for (let k = r * D; k < (r + 1) * D; k++) {
        rowDelta = nanMax(rowDelta, Math.abs(next[k] - cur[ws * D + k]));
        cur[ws * D + k] = next[k];
      }
      if (prefix < 0 && !(rowDelta < s.tol)) prefix = r;
      delta = nanMax(delta, rowDelta);
    }
    if (prefix < 0) prefix = n;
    this.#iterations++;
    this.#trace.delta.push(delta);
    this.#trace.merit.push(merit);
    this.#trace.resets.push(resets);
    const convergedPrefix = ws + prefix;
    const keepGoing = s.onIteration?.({ iteration: this.#iterations, delta, merit, resets, convergedPrefix, states: cur });
    const decision = decide(
      { iteration: this.#iterations, delta, convergedPrefix, windowStart: ws, windowEnd: we, firstRowExact: !firstRowReset && s.elk === undefined, userStop: keepGoing === false },
      this.#policy,
    );
    if (decision.action === 'finish') {
      yield* this.#finishChecked(decision.residualBound);
      return false;
    }
    this.#ws = decision.windowStart;
    return true;
  }

  /**
   * Builds (Ã_t, b_t) for rows [ws, we) at the current iterate into the window scratch
   * and returns the mean merit ½‖r_t‖² over those rows.
   */
  *#linearize(ws: number, we: number): Generator<void, number, void> {
    const D = this.#D, W = this.#structure.width;
    const cur = this.#current, A = this.#A, b = this.#b, Ax = this.#Ax;
    let merit = 0;
    for (let block = ws; block < we; block += this.#block) {
      const end = Math.min(we, block + this.#block);
      for (let t = block; t < end; t++) {
        const prev = t === 0 ? this.#s0 : cur;
        const po = t === 0 ? 0 : (t - 1) * D;
        const row = (t - ws) * D;
        const aRow = (t - ws) * W;
        this.#dyn.step(t + 1, prev, po, b, row);
        for (let i = 0; i < D; i++) {
          const r = cur[t * D + i] - b[row + i];
          merit += 0.5 * r * r;
        }
        if (W > 0) this.#lin.fill(t + 1, prev, po, A, aRow);
        this.#structure.apply(A, aRow, prev, po, Ax, 0);
        for (let i = 0; i < D; i++) b[row + i] -= Ax[i];
      }
      yield;
    }
    return merit / (we - ws);
  }

  /**
   * Merit L/T and max-abs residual of the whole current trajectory (one sweep of f),
   * and whether every state is finite.
   */
  *#residual(): Generator<void, { merit: number; maxResidual: number; finite: boolean }, void> {
    const D = this.#D, cur = this.#current, f = this.#f, T = this.#T;
    let merit = 0;
    let maxResidual = 0;
    for (let block = 0; block < T; block += this.#block) {
      const end = Math.min(T, block + this.#block);
      for (let t = block; t < end; t++) {
        this.#dyn.step(t + 1, t === 0 ? this.#s0 : cur, t === 0 ? 0 : (t - 1) * D, f, t * D);
      }
      for (let i = block * D; i < end * D; i++) {
        const r = cur[i] - f[i];
        merit += 0.5 * r * r;
        maxResidual = nanMax(maxResidual, Math.abs(r));
      }
      yield;
    }
    return { merit: merit / T, maxResidual, finite: isAllFinite(cur, 0, cur.length) };
  }

  /** Ends the solve with the policy's verdict on the final iterate (`verdict`). */
  *#finishChecked(residualBound: number): Generator<void, void, void> {
    const residual = yield* this.#residual();
    yield* this.#finish(verdict(residual, this.#policy, residualBound));
  }

  /**
   * Marks the solve done. Unconverged with `fallback: 'sequential'`, the states become the
   * sequential rollout — converged only if that rollout is finite (a rollout that overflows
   * or turns NaN is reported as it is, never as a solution).
   */
  *#finish(converged: boolean): Generator<void, void, void> {
    this.#done = true;
    this.#converged = converged;
    if (!converged && this.#settings.fallback) {
      const states = allocate(this.#settings.dtype, this.#T * this.#D);
      yield* rolloutInBlocks(this.#dyn, this.#s0, this.#T, states, this.#block);
      this.#current = states;
      this.#fellBack = true;
      this.#converged = isAllFinite(states, 0, states.length);
    }
  }

  result(): SolveResult {
    return {
      states: this.#current,
      iterations: this.#iterations,
      converged: this.#converged,
      method: this.#method,
      fellBack: this.#fellBack,
      trace: this.#trace,
    };
  }
}
