import type { Dynamics, Linearizer } from '@unroll/linearize';
import { allocate, type FloatArray, type RecurrenceKernel, type Structure } from '@unroll/scan';
import { linearizeRows, residualRows, takeCandidate, type IterationRows, type ResidualSums, type TakenRows } from '../iteration-rows.js';
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
  /** The leading entries of each step the change is measured over (all D when undefined). */
  readonly changeEntries?: number | undefined;
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
  readonly #kernel: RecurrenceKernel;
  readonly #mem: SharedSolveMemory;
  readonly #controls: ChunkControls;
  readonly #D: number;
  readonly #W: number;
  /** What the shared row sweeps read (the CPU backend's, iteration-rows.ts). */
  readonly #rows: IterationRows;
  /** The update's measurement, rewritten each round. */
  readonly #taken: TakenRows = { delta: 0, resets: 0, prefix: 0, firstRowReset: false };
  /** Rows evaluated at once (the CPU backend's block: about 1024 numbers of f and Ã_t). */
  readonly #block: number;
  /** f of one block of rows (the residual sweep's scratch). */
  readonly #f: FloatArray;

  constructor(dyn: Dynamics, lin: Linearizer, structure: Structure, kernel: RecurrenceKernel, mem: SharedSolveMemory, controls: ChunkControls) {
    this.#dyn = dyn;
    this.#kernel = kernel;
    this.#mem = mem;
    this.#controls = controls;
    this.#D = dyn.dim;
    this.#W = structure.width;
    const dtype = mem.current instanceof Float32Array ? 'float32' : 'float64';
    this.#rows = { dyn, lin, structure, s0: mem.s0, Ax: allocate(dtype, this.#D) };
    this.#block = Math.max(1, Math.floor(1024 / (this.#D + this.#W)));
    this.#f = allocate(dtype, (dyn.block === undefined ? 1 : this.#block) * this.#D);
  }

  /**
   * Ã_t, b_t = f_t − Ã_t s_{t−1} and the merit of rows `[t0, t1)` at the current iterate
   * (window rows start at `ws`), then — if `summarize` — the chunk's affine summary.
   */
  linearize(ws: number, t0: number, t1: number, summarize: boolean): ChunkLinearization {
    const { current: cur, A, b } = this.#mem, D = this.#D, W = this.#W;
    let merit = 0;
    for (let block = t0; block < t1; block += this.#block) merit += linearizeRows(this.#rows, cur, A, b, ws, block, Math.min(t1, block + this.#block));
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
    const { delta, resets, prefix, firstRowReset } = takeCandidate(b, cur, guess, D, ws, t0 - ws, t1 - ws, c, this.#taken);
    return { delta, resets, prefix, firstRowReset };
  }

  /** The residual of rows `[t0, t1)` of the current iterate (one sweep of f, D numbers of scratch). */
  residual(t0: number, t1: number): ChunkResidual {
    const D = this.#D, { s0, current: cur } = this.#mem;
    const rows = this.#dyn.block === undefined ? 1 : this.#block;
    const sums: ResidualSums = { merit: 0, maxResidual: 0 };
    for (let block = t0; block < t1; block += rows) residualRows(this.#dyn, s0, cur, this.#f, block, Math.min(t1, block + rows), sums);
    const { merit, maxResidual } = sums;
    return { meritSum: merit, maxResidual, finite: isAllFinite(cur, t0 * D, t1 * D) };
  }
}
