import type { Dynamics, Linearizer, Strategy } from '@unroll/linearize';
import { allocate, linearRecurrence, type Dtype, type FloatArray, type Structure } from '@unroll/scan';
import { kalmanFilter } from './kalman-filter.js';
import { sequentialRollout } from './sequential-rollout.js';
import type { SolveResult } from './solve-options.js';

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
  /** ELK: the step is the Kalman filter's means with observation precision λ (thesis §4.2). */
  readonly elk: { readonly lambda: number; readonly structure: 'dense' | 'diagonal' } | undefined;
  readonly onIteration: ((info: { iteration: number; delta: number; merit: number; resets: number; convergedPrefix: number }) => void | boolean) | undefined;
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
  readonly #A: FloatArray;
  readonly #b: FloatArray;
  readonly #Ax: FloatArray;
  #current: FloatArray;
  #next: FloatArray;
  #iterations = 0;
  #done = false;
  #converged = false;
  readonly #trace = { delta: [] as number[], merit: [] as number[], resets: [] as number[] };

  constructor(dyn: Dynamics, s0: FloatArray, T: number, strategy: Strategy, method: string, guess: FloatArray, settings: RunSettings) {
    this.#dyn = dyn;
    this.#s0 = s0;
    this.#T = T;
    this.#D = dyn.dim;
    this.#settings = settings;
    this.#structure = strategy.structure(dyn.dim);
    this.#lin = strategy.prepare(dyn);
    this.#method = method;
    this.#guess = guess;
    this.#current = allocate(settings.dtype, T * dyn.dim);
    this.#current.set(guess);
    this.#next = allocate(settings.dtype, T * dyn.dim);
    this.#A = allocate(settings.dtype, T * this.#structure.width);
    this.#b = allocate(settings.dtype, T * dyn.dim);
    this.#Ax = allocate(settings.dtype, dyn.dim);
  }

  get done(): boolean {
    return this.#done;
  }

  /**
   * Builds (Ã_t, b_t) at the current iterate into the scratch arrays and returns the
   * merit L/T = ½‖r‖²/T and the max-abs residual of the current iterate.
   */
  #linearize(): { merit: number; maxResidual: number } {
    const D = this.#D, W = this.#structure.width;
    const cur = this.#current, A = this.#A, b = this.#b, Ax = this.#Ax;
    let merit = 0;
    let maxResidual = 0;
    for (let t = 0; t < this.#T; t++) {
      const prev = t === 0 ? this.#s0 : cur;
      const po = t === 0 ? 0 : (t - 1) * D;
      const row = t * D;
      this.#dyn.step(t + 1, prev, po, b, row);
      for (let i = 0; i < D; i++) {
        const r = cur[row + i] - b[row + i];
        merit += 0.5 * r * r;
        const a = Math.abs(r);
        if (!(a <= maxResidual)) maxResidual = a; // NaN propagates
      }
      if (W > 0) this.#lin.fill(t + 1, prev, po, A, t * W);
      this.#structure.apply(A, t * W, prev, po, Ax, 0);
      for (let i = 0; i < D; i++) b[row + i] -= Ax[i];
    }
    return { merit: merit / this.#T, maxResidual };
  }

  /** Max-abs residual and merit of the current iterate, without building the linearization. */
  #residual(): { merit: number; maxResidual: number } {
    const D = this.#D, cur = this.#current, f = this.#next;
    let merit = 0;
    let maxResidual = 0;
    for (let t = 0; t < this.#T; t++) {
      this.#dyn.step(t + 1, t === 0 ? this.#s0 : cur, t === 0 ? 0 : (t - 1) * D, f, t * D);
    }
    for (let i = 0; i < cur.length; i++) {
      const r = cur[i] - f[i];
      merit += 0.5 * r * r;
      const a = Math.abs(r);
      if (!(a <= maxResidual)) maxResidual = a;
    }
    return { merit: merit / this.#T, maxResidual };
  }

  /** Runs one iteration (or finishes); returns false once the solve is done. */
  step(): boolean {
    if (this.#done) return false;
    const s = this.#settings;
    const { merit } = this.#linearize();
    if (s.stop === 'merit' && merit < s.tol) {
      this.#finish(true);
      return false;
    }
    if (s.elk === undefined) {
      linearRecurrence(this.#structure, this.#A, this.#b, this.#s0, { out: this.#next });
    } else {
      // The Levenberg–Marquardt step: filtered means of the LGSSM with dynamics
      // N(Ã_t s + b_t, I) observing the current iterate with precision λ (thesis eq. 30).
      const { lambda, structure } = s.elk;
      kalmanFilter({ structure, dim: this.#D, A: this.#A, b: this.#b, y: this.#current, s0: this.#s0, lambda }, { out: this.#next, covariances: false });
    }
    const next = this.#next, cur = this.#current, guess = this.#guess, D = this.#D;
    let resets = 0;
    if (s.reset) {
      for (let i = 0; i < next.length; i++) {
        const x = next[i];
        if (!(Math.abs(x) <= s.resetThreshold)) {
          next[i] = guess[i];
          resets++;
        }
      }
    }
    let delta = 0;
    let convergedPrefix = -1;
    for (let t = 0; t < this.#T; t++) {
      let rowDelta = 0;
      for (let i = t * D; i < (t + 1) * D; i++) {
        const d = Math.abs(next[i] - cur[i]);
        if (!(d <= rowDelta)) rowDelta = d;
      }
      if (convergedPrefix < 0 && !(rowDelta < s.tol)) convergedPrefix = t;
      if (!(rowDelta <= delta)) delta = rowDelta;
    }
    if (convergedPrefix < 0) convergedPrefix = this.#T;
    this.#current = next;
    this.#next = cur;
    this.#iterations++;
    this.#trace.delta.push(delta);
    this.#trace.merit.push(merit);
    this.#trace.resets.push(resets);
    const keepGoing = s.onIteration?.({ iteration: this.#iterations, delta, merit, resets, convergedPrefix });
    if (s.stop === 'delta' && delta < s.tol) {
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

  /** Stops the run early (abort): the result reports what the last iterate satisfies. */
  stopEarly(): void {
    if (this.#done) return;
    const final = this.#residual();
    this.#finish(this.#settings.stop === 'merit' ? final.merit < this.#settings.tol : final.maxResidual <= this.#settings.tol);
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
