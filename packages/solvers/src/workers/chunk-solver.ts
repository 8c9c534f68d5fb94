import type { Dynamics, Linearizer } from '@unroll/linearize';
import { allocate, type FloatArray, type RecurrenceKernel, type Structure } from '@unroll/scan';
import { nanMax } from '../nan-max.js';
import { isAllFinite } from '../sequential-rollout.js';

/**
 * The memory of one pool solve, shared by every worker (allocated once per solve): the
 * trajectory, the window's Ã_t and b_t, s_0 and the initial guess.
 */
export interface SharedSolveMemory {
  /** s_0 (D). */
  readonly s0: FloatArray;
  /** The current iterate `[T][D]`. */
  readonly current: FloatArray;
  /** The initial guess resets restore (`[T][D]`); undefined: zeros. */
  readonly guess: FloatArray | undefined;
  /** The window's Ã_t (w·W). */
  readonly A: FloatArray;
  /** The window's b_t (w·D); the fix-up writes the candidate over it. */
  readonly b: FloatArray;
}

/** The run controls a chunk reads. */
export interface ChunkControls {
  readonly tol: number;
  readonly reset: boolean;
  readonly resetThreshold: number;
  readonly change: 'max-abs' | 'mean-square';
}

/** What a chunk's linearization reports: its merit sum and its affine summary. */
export interface ChunkLinearization {
  /** Σ ½‖r_t‖² over the chunk's rows (not averaged). */
  readonly meritSum: number;
  /**
   * The chunk's rows composed into one affine element: s_{t1−1} = M s_{t0−1} + c, M (W
   * numbers) then c (D); undefined when not asked for (the last chunk's is never used).
   */
  readonly summary: FloatArray | undefined;
}

/** What a chunk's fix-up and update report (rows relative to the chunk's first). */
export interface ChunkUpdate {
  readonly delta: number;
  readonly resets: number;
  /** Leading rows of the chunk whose change was below tol (the chunk's length: all). */
  readonly prefix: number;
  readonly firstRowReset: boolean;
}

/** What a chunk's residual sweep reports. */
export interface ChunkResidual {
  readonly meritSum: number;
  readonly maxResidual: number;
  readonly finite: boolean;
}

/**
 * One worker's share of a pool solve — the arithmetic of the CPU backend
 * (`CpuBackend`, the unifying framework's eq. 4) on rows `[t0, t1)` of the shared
 * trajectory, plus the two halves of a chunked scan: the chunk's affine summary
 * (A_c, b_c) = the composition of its elements, and the fix-up, the recurrence from the
 * chunk's start state that the exchange of summaries computed. No transport code: every
 * transport runs this same class.
 */
export class ChunkSolver {
  readonly #dyn: Dynamics;
  readonly #lin: Linearizer;
  readonly #structure: Structure;
  readonly #kernel: RecurrenceKernel;
  readonly #mem: SharedSolveMemory;
  readonly #controls: ChunkControls;
  readonly #D: number;
  readonly #W: number;
  readonly #Ax: FloatArray;
  /** Rows evaluated at once (the CPU backend's block: about 1024 numbers of f and Ã_t). */
  readonly #rows: number;
  /** f of one block of rows (the residual sweep's scratch). */
  readonly #f: FloatArray;

  constructor(dyn: Dynamics, lin: Linearizer, structure: Structure, kernel: RecurrenceKernel, mem: SharedSolveMemory, controls: ChunkControls) {
    this.#dyn = dyn;
    this.#lin = lin;
    this.#structure = structure;
    this.#kernel = kernel;
    this.#mem = mem;
    this.#controls = controls;
    this.#D = dyn.dim;
    this.#W = structure.width;
    const dtype = mem.current instanceof Float32Array ? 'float32' : 'float64';
    this.#Ax = allocate(dtype, this.#D);
    this.#rows = Math.max(1, Math.floor(1024 / (this.#D + this.#W)));
    this.#f = allocate(dtype, (dyn.block === undefined ? 1 : this.#rows) * this.#D);
  }

  /**
   * Ã_t, b_t = f_t − Ã_t s_{t−1} and the merit of rows `[t0, t1)` at the current iterate
   * (window rows start at `ws`), then — if `summarize` — the chunk's affine summary.
   */
  linearize(ws: number, t0: number, t1: number, summarize: boolean): ChunkLinearization {
    const D = this.#D, W = this.#W, { s0, current: cur, A, b } = this.#mem, Ax = this.#Ax;
    const lin = this.#lin;
    let merit = 0;
    for (let block = t0; block < t1; block += this.#rows) {
      const end = Math.min(t1, block + this.#rows);
      if (lin.fillBlock !== undefined) {
        // The dynamics' batched evaluation (DynamicsBlock): f and Ã_t of the block from one
        // pass, bit for bit the per-step values; row 0 reads s_0, every later row the
        // iterate's previous row.
        const first = block === 0 ? 1 : block;
        if (block === 0) lin.fillBlock(1, 1, s0, 0, b, 0, A, 0); // t0 = 0 only when ws = 0
        if (first < end) lin.fillBlock(first + 1, end - first, cur, (first - 1) * D, b, (first - ws) * D, A, (first - ws) * W);
      }
      for (let t = block; t < end; t++) {
        const prev = t === 0 ? s0 : cur;
        const po = t === 0 ? 0 : (t - 1) * D;
        const row = (t - ws) * D;
        if (lin.fillBlock === undefined) {
          this.#dyn.step(t + 1, prev, po, b, row);
          if (W > 0) lin.fill(t + 1, prev, po, A, (t - ws) * W);
        }
        for (let i = 0; i < D; i++) {
          const r = cur[t * D + i] - b[row + i];
          merit += 0.5 * r * r;
        }
        this.#structure.apply(A, (t - ws) * W, prev, po, Ax, 0);
        for (let i = 0; i < D; i++) b[row + i] -= Ax[i];
      }
    }
    if (!summarize) return { meritSum: merit, summary: undefined };
    // The chunk as one element of the affine monoid (the parallel scan's combine):
    // s_{t1−1} = M s_{t0−1} + c with M = Ã_{t1−1} ⋯ Ã_{t0}.
    const summary = allocate(cur instanceof Float32Array ? 'float32' : 'float64', W + D);
    this.#kernel.aggregate(A, b, t0 - ws, t1 - ws, summary, 0, summary, W);
    return { meritSum: merit, summary };
  }

  /**
   * The fix-up: the recurrence s_t = Ã_t s_{t−1} + b_t over the chunk from its start state
   * (what the exchange computed), written over b; then, as the CPU backend's update, the
   * resets, the change per row and the candidate taken as the current iterate.
   */
  update(ws: number, t0: number, t1: number, start: FloatArray): ChunkUpdate {
    const D = this.#D, c = this.#controls, { current: cur, guess, b } = this.#mem;
    this.#kernel.run(this.#mem.A, b, start, 0, b, t0 - ws, t1 - ws);
    let resets = 0;
    let firstRowReset = false;
    const from = (t0 - ws) * D, to = (t1 - ws) * D, off = ws * D;
    if (c.reset) {
      for (let k = from; k < to; k++) {
        if (!(Math.abs(b[k]) <= c.resetThreshold)) {
          b[k] = guess === undefined ? 0 : guess[off + k];
          resets++;
          if (k < D) firstRowReset = true;
        }
      }
    }
    let delta = 0;
    let prefix = -1;
    const meanSquare = c.change === 'mean-square';
    for (let r = t0 - ws; r < t1 - ws; r++) {
      let rowDelta = 0;
      for (let k = r * D; k < (r + 1) * D; k++) {
        const d = b[k] - cur[off + k];
        rowDelta = meanSquare ? rowDelta + d * d : nanMax(rowDelta, Math.abs(d));
        cur[off + k] = b[k];
      }
      if (meanSquare) rowDelta /= D;
      if (prefix < 0 && !(rowDelta < c.tol)) prefix = r - (t0 - ws);
      delta = nanMax(delta, rowDelta);
    }
    return { delta, resets, prefix: prefix < 0 ? t1 - t0 : prefix, firstRowReset };
  }

  /** The residual of rows `[t0, t1)` of the current iterate (one sweep of f, D numbers of scratch). */
  residual(t0: number, t1: number): ChunkResidual {
    const D = this.#D, { s0, current: cur } = this.#mem, f = this.#f;
    const batched = this.#dyn.block;
    const rows = batched === undefined ? 1 : this.#rows;
    let merit = 0;
    let maxResidual = 0;
    for (let block = t0; block < t1; block += rows) {
      const end = Math.min(t1, block + rows);
      if (batched !== undefined) {
        const first = block === 0 ? 1 : block;
        if (block === 0) batched.step(1, 1, s0, 0, f, 0);
        if (first < end) batched.step(first + 1, end - first, cur, (first - 1) * D, f, (first - block) * D);
      } else {
        this.#dyn.step(block + 1, block === 0 ? s0 : cur, block === 0 ? 0 : (block - 1) * D, f, 0);
      }
      for (let t = block; t < end; t++) {
        const fo = (t - block) * D;
        for (let i = 0; i < D; i++) {
          const r = cur[t * D + i] - f[fo + i];
          merit += 0.5 * r * r;
          maxResidual = nanMax(maxResidual, Math.abs(r));
        }
      }
    }
    return { meritSum: merit, maxResidual, finite: isAllFinite(cur, t0 * D, t1 * D) };
  }
}
