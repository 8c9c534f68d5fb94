import type { Dynamics, Linearizer, Strategy } from '@unroll/linearize';
import { allocate, linearRecurrence, type Dtype, type FloatArray, type Structure } from '@unroll/scan';
import { kalmanFilter } from './kalman-filter.js';
import { sequentialRollout } from './sequential-rollout.js';
import type { IterationInfo, SolveResult } from './solve-options.js';

/** Settings of one run, resolved and validated by `prepareRun`. */
export interface RunSettings {
  readonly dtype: Dtype;
  readonly tol: number;
  readonly residualTol: number;
  readonly stop: 'delta' | 'merit';
  readonly maxIterations: number;
  readonly reset: boolean;
  readonly resetThreshold: number;
  readonly fallback: boolean;
  /** Rows iterated at once (sliding window); undefined: all T. */
  readonly window: number | undefined;
  /** ELK: the step is the Kalman filter's means with observation precision λ (thesis §4.2). */
  readonly elk: { readonly lambda: number; readonly structure: 'dense' | 'diagonal' } | undefined;
  readonly onIteration: ((info: IterationInfo) => void | boolean) | undefined;
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
export function createRunScratch(dtype: Dtype, w: number, W: number, D: number, T: number): RunScratch {
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
 * One fixed-point solve, advanced an iteration at a time (so `solve` and `solveAsync`
 * share it). Iteration i (DESIGN.md §1): at the current iterate s^{(i−1)}, for every t
 *
 *     f_t = f_t(s_{t−1}),  Ã_t = linearizer(s_{t−1}),  b_t = f_t − Ã_t s_{t−1},
 *     r_t = s_t − f_t      (the residual, for the merit — no extra evaluation of f),
 *
 * then s^{(i)} = the linear recurrence s_t = Ã_t s_{t−1} + b_t from s_0 (one scan),
 * with non-finite or huge entries reset to the initial guess. All buffers are allocated
 * here, once.
 */
export class FixedPointRun {
  readonly #dyn: Dynamics;
  readonly #s0: FloatArray;
  readonly #T: number;
  readonly #D: number;
  readonly #settings: RunSettings;
  readonly #structure: Structure;
  readonly #lin: Linearizer;
  readonly #method: string;
  readonly #guess: FloatArray;
  /** Rows iterated at once: the window, or T. */
  readonly #w: number;
  /** First row of the window (advances past the converged prefix when windowed). */
  #ws = 0;
  readonly #A: FloatArray;
  readonly #b: FloatArray;
  readonly #next: FloatArray;
  readonly #start: FloatArray;
  readonly #Ax: FloatArray;
  readonly #current: FloatArray;
  readonly #f: FloatArray;
  #iterations = 0;
  #done = false;
  #converged = false;
  readonly #trace = { delta: [] as number[], merit: [] as number[], resets: [] as number[] };

  constructor(dyn: Dynamics, s0: FloatArray, T: number, strategy: Strategy, method: string, guess: FloatArray, settings: RunSettings, scratch?: RunScratch) {
    this.#dyn = dyn;
    this.#s0 = s0;
    this.#T = T;
    this.#D = dyn.dim;
    this.#settings = settings;
    this.#structure = strategy.structure(dyn.dim);
    this.#lin = strategy.prepare(dyn);
    this.#method = method;
    this.#guess = guess;
    this.#w = Math.min(T, settings.window ?? T);
    const D = dyn.dim, w = this.#w, dtype = settings.dtype;
    this.#current = allocate(dtype, T * D);
    this.#current.set(guess);
    const shared = scratch ?? createRunScratch(dtype, w, this.#structure.width, D, T);
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

  /**
   * Builds (Ã_t, b_t) for rows [ws, we) at the current iterate into the window scratch
   * and returns the mean merit ½‖r_t‖² over those rows.
   */
  #linearize(ws: number, we: number): number {
    const D = this.#D, W = this.#structure.width;
    const cur = this.#current, A = this.#A, b = this.#b, Ax = this.#Ax;
    let merit = 0;
    for (let t = ws; t < we; t++) {
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
    return merit / (we - ws);
  }

  /** Merit L/T and max-abs residual of the whole current trajectory (one sweep of f). */
  #residual(): { merit: number; maxResidual: number } {
    const D = this.#D, cur = this.#current;
    const f = this.#f;
    for (let t = 0; t < this.#T; t++) {
      this.#dyn.step(t + 1, t === 0 ? this.#s0 : cur, t === 0 ? 0 : (t - 1) * D, f, t * D);
    }
    let merit = 0;
    let maxResidual = 0;
    for (let i = 0; i < cur.length; i++) {
      const r = cur[i] - f[i];
      merit += 0.5 * r * r;
      const a = Math.abs(r);
      if (!(a <= maxResidual)) maxResidual = a; // NaN propagates
    }
    return { merit: merit / this.#T, maxResidual };
  }

  /** Runs one iteration (or finishes); returns false once the solve is done. */
  step(): boolean {
    if (this.#done) return false;
    const s = this.#settings;
    const D = this.#D, W = this.#structure.width;
    const ws = this.#ws;
    const we = Math.min(this.#T, ws + this.#w);
    const n = we - ws;
    const merit = this.#linearize(ws, we);
    if (s.stop === 'merit' && merit < s.tol && we === this.#T) {
      this.#finish(this.#residual().merit < s.tol);
      return false;
    }
    // The window starts from the state just before it: s_0, or the converged row ws − 1.
    const start = this.#start;
    for (let i = 0; i < D; i++) start[i] = ws === 0 ? this.#s0[i] : this.#current[(ws - 1) * D + i];
    // Views cost one object per iteration, not per step; the last window is shorter.
    /* eslint-disable no-restricted-syntax */
    const A = n === this.#w ? this.#A : this.#A.subarray(0, n * W);
    const b = n === this.#w ? this.#b : this.#b.subarray(0, n * D);
    const next = n === this.#w ? this.#next : this.#next.subarray(0, n * D);
    if (s.elk === undefined) {
      linearRecurrence(this.#structure, A, b, start, { out: next });
    } else {
      // The Levenberg–Marquardt step: filtered means of the LGSSM with dynamics
      // N(Ã_t s + b_t, I) observing the current iterate with precision λ (thesis eq. 30).
      const { lambda, structure } = s.elk;
      const y = this.#current.subarray(ws * D, we * D);
      kalmanFilter({ structure, dim: D, A, b, y, s0: start, lambda }, { out: next, covariances: false });
    }
    /* eslint-enable no-restricted-syntax */
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
        const d = Math.abs(next[k] - cur[ws * D + k]);
        if (!(d <= rowDelta)) rowDelta = d;
        cur[ws * D + k] = next[k];
      }
      if (prefix < 0 && !(rowDelta < s.tol)) prefix = r;
      if (!(rowDelta <= delta)) delta = rowDelta;
    }
    if (prefix < 0) prefix = n;
    this.#iterations++;
    this.#trace.delta.push(delta);
    this.#trace.merit.push(merit);
    this.#trace.resets.push(resets);
    const convergedPrefix = ws + prefix;
    const keepGoing = s.onIteration?.({ iteration: this.#iterations, delta, merit, resets, convergedPrefix, states: cur });
    // The window's first row started from an exact state, so it is exact now (each
    // iteration fixes at least one more leading step, DESIGN.md §1) — unless it was reset,
    // or the step is ELK's, whose trust region holds it back toward the old iterate.
    const exactFirstRow = !firstRowReset && s.elk === undefined;
    if (s.window !== undefined) this.#ws = Math.min(this.#T, Math.max(convergedPrefix, exactFirstRow ? ws + 1 : ws));
    const finished = we === this.#T && (s.stop === 'delta' ? delta < s.tol : false);
    if (finished) {
      // Never trust a small step alone: on chaotic systems resets can freeze a wrong
      // trajectory (DESIGN.md §1). The final iterate must also have a small residual.
      this.#finish(this.#residual().maxResidual <= s.residualTol);
      return false;
    }
    if (keepGoing === false || this.#iterations >= s.maxIterations) {
      const final = this.#residual();
      this.#finish(s.stop === 'merit' ? final.merit < s.tol : final.maxResidual <= s.tol);
      return false;
    }
    return true;
  }

  #finish(converged: boolean): void {
    this.#done = true;
    this.#converged = converged;
  }

  result(): SolveResult {
    let states = this.#current;
    let fellBack = false;
    if (!this.#converged && this.#settings.fallback) {
      states = sequentialRollout(this.#dyn, this.#s0, this.#T, allocate(this.#settings.dtype, this.#T * this.#D));
      fellBack = true;
    }
    return {
      states,
      iterations: this.#iterations,
      converged: this.#converged || fellBack,
      method: this.#method,
      fellBack,
      trace: this.#trace,
    };
  }
}
