import type { Dynamics, Linearizer } from '@unroll/linearize';
import type { FloatArray, Structure } from '@unroll/scan';
import { nanMax } from './nan-max.js';
import type { RunControls } from './run-controls.js';

/**
 * The per-row work of one fixed-point iteration on the CPU, written once for the
 * backends that run it over typed arrays — the one-thread `CpuBackend` (a window at a
 * time) and the worker pool's `ChunkSolver` (a chunk of a window per worker). Each sweep
 * covers the rows it is given, so a caller may pause between blocks; none allocates.
 *
 * Row t (0-based) is step t + 1: it reads s_t's predecessor, s_0 for row 0 and the
 * iterate's row t − 1 otherwise. The window's arrays (Ã_t, b_t, the candidate) hold row t
 * at t − ws.
 */
export interface IterationRows {
  readonly dyn: Dynamics;
  readonly lin: Linearizer;
  readonly structure: Structure;
  readonly s0: FloatArray;
  /** One row of scratch (D numbers) for Ã_t s_{t−1}. */
  readonly Ax: FloatArray;
}

/**
 * Builds Ã_t and b_t = f_t − Ã_t s_{t−1} for rows `[from, to)` of the window starting at
 * `ws`, at the current iterate `cur` (the unifying framework's eq. 4), and returns the
 * rows' merit sum Σ ½‖s_t − f_t‖² (no extra evaluation of f). With the dynamics' batched
 * evaluation (`Linearizer.fillBlock`) f and Ã_t come from one pass over the rows.
 */
export function linearizeRows(c: IterationRows, cur: FloatArray, A: FloatArray, b: FloatArray, ws: number, from: number, to: number): number {
  const { lin, structure, s0, Ax } = c, D = c.dyn.dim, W = structure.width;
  if (lin.fillBlock !== undefined) {
    // Row 0 (only in a window starting at 0) reads s_0; the rest the iterate's previous rows.
    const first = from === 0 ? 1 : from;
    if (from === 0 && to > 0) lin.fillBlock(1, 1, s0, 0, b, 0, A, 0);
    if (first < to) lin.fillBlock(first + 1, to - first, cur, (first - 1) * D, b, (first - ws) * D, A, (first - ws) * W);
  }
  let merit = 0;
  for (let t = from; t < to; t++) {
    const prev = t === 0 ? s0 : cur;
    const po = t === 0 ? 0 : (t - 1) * D;
    const row = (t - ws) * D;
    if (lin.fillBlock === undefined) {
      c.dyn.step(t + 1, prev, po, b, row);
      if (W > 0) lin.fill(t + 1, prev, po, A, (t - ws) * W);
    }
    for (let i = 0; i < D; i++) {
      const r = cur[t * D + i] - b[row + i];
      merit += 0.5 * r * r;
    }
    structure.apply(A, (t - ws) * W, prev, po, Ax, 0);
    for (let i = 0; i < D; i++) b[row + i] -= Ax[i];
  }
  return merit;
}

/** What taking a candidate over some rows measured. */
export interface TakenRows {
  /** max over the rows of their change (max |Δ|, or (1/D)‖Δ‖² for `'mean-square'`); NaN if any is NaN. */
  delta: number;
  /** Entries reset to the initial guess. */
  resets: number;
  /** Leading rows, counted from the first row given, whose change was below tol. */
  prefix: number;
  /** An entry of the window's first row was reset. */
  firstRowReset: boolean;
}

/**
 * The update over rows `[from, to)` (window-relative, the window starting at row `ws`):
 * resets the candidate's non-finite or huge entries (beyond `resetThreshold`) to the
 * initial guess (`guess`, or zeros when undefined), measures each row's change against
 * the current iterate (over its first `changeEntries` entries, all D by default), and
 * writes the candidate into `cur`. Every maximum goes through
 * `nanMax`, so a NaN stays NaN. Writes into `out`, allocating nothing.
 */
export function takeCandidate(
  next: FloatArray,
  cur: FloatArray,
  guess: FloatArray | undefined,
  D: number,
  ws: number,
  from: number,
  to: number,
  controls: Pick<RunControls, 'reset' | 'resetThreshold' | 'change' | 'tol'> & { readonly changeEntries?: number | undefined },
  out: TakenRows,
): TakenRows {
  const off = ws * D;
  let resets = 0;
  let firstRowReset = false;
  if (controls.reset) {
    for (let k = from * D; k < to * D; k++) {
      if (!(Math.abs(next[k]) <= controls.resetThreshold)) {
        next[k] = guess === undefined ? 0 : guess[off + k];
        resets++;
        if (k < D) firstRowReset = true;
      }
    }
  }
  let delta = 0;
  let prefix = -1;
  const meanSquare = controls.change === 'mean-square';
  // PASO's eq. 9 measures the n model weights, the leading entries of an optimizer's state.
  const n = Math.min(D, controls.changeEntries ?? D);
  for (let r = from; r < to; r++) {
    let rowDelta = 0;
    for (let k = r * D; k < r * D + n; k++) {
      const d = next[k] - cur[off + k];
      // A NaN stays NaN either way: in the sum, and through nanMax.
      rowDelta = meanSquare ? rowDelta + d * d : nanMax(rowDelta, Math.abs(d));
    }
    for (let k = r * D; k < (r + 1) * D; k++) cur[off + k] = next[k];
    if (meanSquare) rowDelta /= n;
    if (prefix < 0 && !(rowDelta < controls.tol)) prefix = r - from;
    delta = nanMax(delta, rowDelta);
  }
  out.delta = delta;
  out.resets = resets;
  out.prefix = prefix < 0 ? to - from : prefix;
  out.firstRowReset = firstRowReset;
  return out;
}

/** A running residual measurement: Σ ½‖r_t‖² and max |r_t|. */
export interface ResidualSums {
  merit: number;
  maxResidual: number;
}

/**
 * Adds rows `[from, to)` of the current iterate's residual r_t = s_t − f_t(s_{t−1}) to
 * `sums`: f one row at a time into `f` (D numbers), or, with the dynamics' batched
 * evaluation, the rows at once into `f` (which must then hold (to − from)·D numbers).
 */
export function residualRows(dyn: Dynamics, s0: FloatArray, cur: FloatArray, f: FloatArray, from: number, to: number, sums: ResidualSums): void {
  const D = dyn.dim, batched = dyn.block;
  if (batched !== undefined) {
    const first = from === 0 ? 1 : from;
    if (from === 0 && to > 0) batched.step(1, 1, s0, 0, f, 0);
    if (first < to) batched.step(first + 1, to - first, cur, (first - 1) * D, f, (first - from) * D);
  }
  let merit = sums.merit, maxResidual = sums.maxResidual;
  for (let t = from; t < to; t++) {
    let fo = (t - from) * D;
    if (batched === undefined) {
      dyn.step(t + 1, t === 0 ? s0 : cur, t === 0 ? 0 : (t - 1) * D, f, 0);
      fo = 0;
    }
    for (let i = 0; i < D; i++) {
      const r = cur[t * D + i] - f[fo + i];
      merit += 0.5 * r * r;
      maxResidual = nanMax(maxResidual, Math.abs(r));
    }
  }
  sums.merit = merit;
  sums.maxResidual = maxResidual;
}

/**
 * PASO's window entry (§4.6): rows `[entered, we)`, entering the window now, start from the
 * previous window's last state (row entered − 1) instead of the initial guess; the first
 * window (entered = 0) keeps the guess. Returns the rows entered so far.
 */
export function enterWindow(cur: FloatArray, D: number, entered: number, we: number): number {
  if (we <= entered) return entered;
  if (entered > 0) {
    const from = (entered - 1) * D;
    for (let r = entered; r < we; r++) for (let i = 0; i < D; i++) cur[r * D + i] = cur[from + i];
  }
  return we;
}
