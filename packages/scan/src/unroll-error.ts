/**
 * Machine-readable reasons an unroll call refuses its input or cannot run.
 *
 * - `INVALID_ARGUMENT` — an option or argument is outside its domain (T < 1, D < 1, …).
 * - `LENGTH_MISMATCH` — a packed array's length is not `T · width`.
 * - `DIMENSION_MISMATCH` — two arguments disagree about the state dimension D.
 * - `DTYPE_MISMATCH` — float32 and float64 arrays mixed in one call.
 * - `NON_FINITE` — an input that must be finite (such as `s0`) holds NaN or ±Infinity.
 * - `UNSUPPORTED` — a valid request this build or environment cannot serve
 *   (threads in a browser, a custom structure sent to worker threads, …).
 * - `WORKER_FAILED` — a worker thread threw while computing its part.
 * - `MEMORY_BUDGET` — the request would store more than the configured memory budget.
 * - `ABORTED` — the caller's `AbortSignal` fired.
 * - `DEVICE_LOST` — the GPU device was lost (destroyed, driver reset, out of memory) while
 *   work was pending, or the runtime was used after `destroy()`.
 * - `SHADER_COMPILE` — WGSL handed to the GPU runtime did not compile; the message holds
 *   the compiler's message and the line in the caller's source.
 */
export type UnrollErrorCode =
  | 'INVALID_ARGUMENT'
  | 'LENGTH_MISMATCH'
  | 'DIMENSION_MISMATCH'
  | 'DTYPE_MISMATCH'
  | 'NON_FINITE'
  | 'UNSUPPORTED'
  | 'WORKER_FAILED'
  | 'MEMORY_BUDGET'
  | 'ABORTED'
  | 'DEVICE_LOST'
  | 'SHADER_COMPILE';

/**
 * The one error class every unroll package throws. Switch on `code`, show `message`:
 * the message always says what was wrong and what to do about it.
 *
 * @example
 * ```ts
 * import { diagonal, linearRecurrence, UnrollError } from '@unroll/scan';
 *
 * const A = new Float64Array(6), b = new Float64Array(4); // 3 steps of A, but 2 of b
 * try {
 *   linearRecurrence(diagonal(2), A, b, [0, 0]);
 * } catch (e) {
 *   if (!(e instanceof UnrollError && e.code === 'LENGTH_MISMATCH')) throw e;
 *   console.log(e.message); // names the array of the wrong length and the length it needs
 * }
 * ```
 */
export class UnrollError extends Error {
  /** Always `'UnrollError'` (what stack traces and `String(e)` show). */
  override readonly name = 'UnrollError';
  /** Why the call refused or failed: one of {@link UnrollErrorCode}, stable across versions. */
  readonly code: UnrollErrorCode;

  /**
   * @param code - the machine-readable reason.
   * @param message - what was wrong and what to do about it.
   * @param options - `cause`: the underlying error or abort reason, if any.
   */
  constructor(code: UnrollErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
