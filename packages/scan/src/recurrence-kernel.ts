import type { FloatArray } from './float-array.js';

/**
 * The hot loops of a linear recurrence `s_t = A_t s_{t−1} + b_t` for one structure, over
 * whole packed arrays: `A` rows of `width`, `b` and `out` rows of D, rows 0-based
 * (row t holds step t + 1). Built-in structures ship one; a custom structure gets the
 * generic one made from its `apply`. Nothing here allocates.
 */
export interface RecurrenceKernel {
  /** The state dimension D of the structure it was made for. */
  readonly dim: number;
  /** Numbers per packed A_t, the structure's `width`. */
  readonly width: number;
  /**
   * Writes rows `t0 … t1 − 1` of `out`: each `A_t s_{t−1} + b_t`, where `s_{t0−1}` is read
   * at `(prev, po)` and later predecessors from `out` itself. Every kernel reads row t of
   * `b` before it writes row t of `out`, so `out` may be `b` (an in-place recurrence).
   */
  run(A: FloatArray, b: FloatArray, prev: FloatArray, po: number, out: FloatArray, t0: number, t1: number): void;
  /**
   * The reverse-time recurrence `s_t = A_t s_{t+1} + b_t` over rows `t1 − 1` down to `t0`:
   * row `t1 − 1` from the state read at `(next, no)`, each earlier row from the row after
   * it in `out`. Like `run` it reads row t of `b` before writing row t of `out`.
   * Optional: without it `linearRecurrence(…, { reverse: true })` loops through `apply`.
   */
  runReverse?(A: FloatArray, b: FloatArray, next: FloatArray, no: number, out: FloatArray, t0: number, t1: number): void;
  /**
   * The affine map of rows `t0 … t1 − 1` as one element: `s_{t1−1} = M s_{t0−1} + c`.
   * Writes `M` (packed like an `A` row) at `(m, mo)` and `c` at `(c, co)`.
   */
  aggregate(A: FloatArray, b: FloatArray, t0: number, t1: number, m: FloatArray, mo: number, c: FloatArray, co: number): void;
  /**
   * Time of one `aggregate` step relative to one `run` step (≈ 1 for diagonal, ≈ 1.6·D
   * + 0.8 for dense), measured once and fixed: the threaded scheme sizes its chunks and
   * decides whether threads can help with it, and a constant keeps both — and so every
   * rounding — the same from call to call.
   */
  readonly aggregateCost: number;
}
