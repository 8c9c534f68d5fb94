import { affineMonoid } from './affine-monoid.js';
import { assertModule } from './capability-checks.js';
import { allocate, dtypeOf, isFloatArray, type FloatArray } from './float-array.js';
import { genericKernel } from './generic-kernel.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import { scan, type ScanAlgorithm } from './scan.js';
import type { Structure } from './structure.js';
import { assertThreadsAvailable, maxThreads } from './thread-pool.js';
import { shouldThread, threadedRecurrence } from './threaded-recurrence.js';
import { UnrollError } from './unroll-error.js';
import { assertStructure, describe, maxArrayLength, optionsOf, overlap, quoted } from './validate.js';

/** Options of {@link linearRecurrence}. */
export interface LinearRecurrenceOptions {
  /**
   * Where to write the `[T][D]` states (same dtype as `b`). Default: a new ordinary
   * array, with or without threads. May be `b` itself (the states overwrite the offsets);
   * must not share memory with `A` or only part of its memory with `b`.
   */
  readonly out?: FloatArray;
  /**
   * Threads to use (default 1, at most 65). With more than one, Node worker threads run
   * the chunked three-phase scheme on shared memory — for every structure that carries a
   * `module` address (all built-ins do; a custom structure defined in an importable module
   * gives `module: { url: import.meta.url, exportName, args }`), which each worker imports
   * once to rebuild the structure and its kernel. Inputs backed by a `SharedArrayBuffer`
   * (see `sharedFloatArray`) are read in place; others are copied into the thread pool's own reusable shared buffers (and the states copied
   * back), so repeated calls keep memory flat. The split between threads depends only on
   * the structure, dtype, T and `threads`: the same call gives the same bits every time.
   * Problems under a few rows per thread run on one thread. Not available in browsers
   * (the main thread may not block): throws `UNSUPPORTED` there. A structure without
   * `module` with `threads > 1` is `UNSUPPORTED` too (never a silent single thread).
   */
  readonly threads?: number;
  /**
   * Run time backwards (default false): rows from the last to the first,
   * `out[T−1] = A[T−1]·s0 + b[T−1]` and `out[t] = A[t]·out[t+1] + b[t]` (0-based rows) —
   * the shape of an adjoint (gradient) sweep `λ_t = A_{t+1}ᵀ λ_{t+1} + g_t`, with the
   * transposes stored beforehand through the structure's `transpose`. The same as
   * reversing the rows of `A`, `b` and the result; on one thread without the copies (the
   * kernels run backwards). With `threads > 1` the workers run forward over row-reversed
   * copies in the pool's staging buffers — shared inputs are copied too — so the result is
   * bit for bit the threaded forward call on flipped arrays. Every `algorithm` supports it.
   */
  readonly reverse?: boolean;
  /**
   * On one thread: `'auto'`/`'sequential'` run the recurrence loop directly (the fastest);
   * `'blelloch'` and `'chunked'` go through `scan` over affine elements and then apply
   * the prefix maps to `s0` — the parallel shapes, for testing and teaching. Default `'auto'`.
   */
  readonly algorithm?: ScanAlgorithm;
  /**
   * With `threads > 1`: the fewest numbers (`T · (width + D)`) worth waking worker
   * threads for. Default 2^20 (about 1 M) — below it, handing the work over costs more than it
   * saves. 0 forces the threaded path whenever it is possible (tests do this); `Infinity`
   * never takes it. A non-negative integer (or `Infinity`).
   */
  readonly parallelThreshold?: number;
}

const defaultParallelThreshold = 2 ** 20;
const algorithms: readonly ScanAlgorithm[] = ['auto', 'sequential', 'blelloch', 'chunked'];

/**
 * All states of the linear recurrence `s_t = A_t s_{t−1} + b_t`, t = 1 … T.
 *
 * @param structure the family the `A_t` belong to (`dense(D)`, `diagonal(D)`, …).
 * @param A the T transition matrices packed per step, `T · structure.width` numbers
 *   (an empty array for `identity` and `zero`).
 * @param b the T offsets, `[T][D]` row-major; its length fixes T and its dtype the result's.
 * @param s0 the initial state, D finite numbers (not part of the result).
 * @returns `[T][D]` row-major: row t − 1 holds `s_t`.
 *
 * `opts.out` may be `b` itself (the states overwrite the offsets, on every path); an `out`
 * that shares any memory with `A`, or only part of its memory with `b`, is refused.
 *
 * @example
 * ```ts
 * import { diagonal, linearRecurrence } from '@unroll/scan';
 *
 * // s_t = 0.5 s_{t−1} + 1 from s_0 = 0:
 * linearRecurrence(diagonal(1), new Float64Array([0.5, 0.5, 0.5]), new Float64Array([1, 1, 1]), [0]);
 * // → Float64Array [1, 1.5, 1.75]
 * ```
 * @throws {UnrollError} `LENGTH_MISMATCH`, `DIMENSION_MISMATCH`, `DTYPE_MISMATCH`,
 *   `NON_FINITE` (in `s0`), `INVALID_ARGUMENT` (a malformed argument or option, an
 *   overlapping `out`), `UNSUPPORTED` (threads where there are none, or for a structure
 *   without `module`), `WORKER_FAILED` (a worker could not import the
 *   structure's module, or threw). Everything is checked before anything is allocated.
 */
export function linearRecurrence(
  structure: Structure,
  A: FloatArray,
  b: FloatArray,
  s0: ArrayLike<number>,
  opts?: LinearRecurrenceOptions,
): FloatArray {
  assertStructure('linearRecurrence', structure);
  const o = optionsOf('linearRecurrence', opts);
  const { threads = 1, algorithm = 'auto', parallelThreshold = defaultParallelThreshold, reverse = false } = o;
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `linearRecurrence: threads must be a positive integer, got ${describe(threads)}.`);
  }
  if (threads > maxThreads) {
    throw new UnrollError('INVALID_ARGUMENT', `linearRecurrence: threads must be at most ${maxThreads}, got ${threads}.`);
  }
  if (!algorithms.includes(algorithm)) {
    throw new UnrollError('INVALID_ARGUMENT', `linearRecurrence: unknown algorithm ${quoted(algorithm)}; use auto, sequential, blelloch or chunked.`);
  }
  if (typeof parallelThreshold !== 'number' || !(parallelThreshold >= 0) || !(Number.isInteger(parallelThreshold) || parallelThreshold === Infinity)) {
    throw new UnrollError(
      'INVALID_ARGUMENT',
      `linearRecurrence: parallelThreshold must be a non-negative integer (numbers of work; 0 forces threads, Infinity never uses them), got ${describe(parallelThreshold)}.`,
    );
  }
  if (typeof reverse !== 'boolean') {
    throw new UnrollError('INVALID_ARGUMENT', `linearRecurrence: reverse must be true or false, got ${describe(reverse)}.`);
  }
  const { T, D } = checkInputs(structure, A, b, s0);
  if (o.out !== undefined) checkOut(o.out, A, b, structure.width);
  if (threads > 1) {
    if (algorithm !== 'auto' && algorithm !== 'chunked') {
      throw new UnrollError('INVALID_ARGUMENT', `linearRecurrence: threads > 1 runs the chunked scheme; algorithm '${algorithm}' is single-threaded. Drop one of the two options.`);
    }
    if (structure.module === undefined) {
      throw new UnrollError(
        'UNSUPPORTED',
        `linearRecurrence: structure '${structure.name}' has no module address, so worker threads cannot rebuild it (a structure's code cannot be sent to a worker). ` +
          "Define it in an importable module and give module: { url: import.meta.url, exportName: 'myStructure', args: [D] } (the factory that module exports, and its arguments), or use threads: 1.",
      );
    }
    assertModule(`linearRecurrence: structure '${structure.name}'`, structure.module);
    assertThreadsAvailable();
  }
  const kernel = kernelOf(structure);
  const threaded = threads > 1 && shouldThread(kernel, T, threads, parallelThreshold);
  const out = o.out ?? allocate(dtypeOf(b), T * D);
  const start = Float64Array.from(s0);
  if (threaded && structure.module !== undefined) {
    threadedRecurrence(structure, structure.module, kernel, A, b, start, out, T, threads, reverse);
    return out;
  }
  if (algorithm === 'blelloch' || algorithm === 'chunked') viaScan(structure, A, b, start, out, T, algorithm, reverse);
  else if (reverse) reverseKernelOf(structure, kernel).runReverse?.(A, b, start, 0, out, 0, T);
  else kernel.run(A, b, start, 0, out, 0, T);
  return out;
}

const kernels = new WeakMap<Structure, RecurrenceKernel>();
const reverseKernels = new WeakMap<Structure, RecurrenceKernel>();

/**
 * The structure's recurrence kernel — its own `kernel()` capability, or the generic one
 * made from `apply` — made once per structure object (it owns a little scratch).
 */
function kernelOf(structure: Structure): RecurrenceKernel {
  let k = kernels.get(structure);
  if (k === undefined) {
    // A kernel() that returns nothing is a broken capability, not "no kernel": refuse it.
    k = structure.kernel === undefined ? genericKernel(structure) : structure.kernel();
    assertKernel(structure, k);
    kernels.set(structure, k);
  }
  return k;
}

/** A kernel with a reverse run: the structure's own when it has one, else the generic loop through `apply`. */
function reverseKernelOf(structure: Structure, kernel: RecurrenceKernel): RecurrenceKernel {
  if (kernel.runReverse !== undefined) return kernel;
  let k = reverseKernels.get(structure);
  if (k === undefined) {
    k = genericKernel(structure);
    reverseKernels.set(structure, k);
  }
  return k;
}

function assertKernel(structure: Structure, k: unknown): asserts k is RecurrenceKernel {
  const r = (typeof k === 'object' && k !== null ? k : {}) as Partial<Record<keyof RecurrenceKernel, unknown>>;
  const ok =
    typeof r.run === 'function' &&
    typeof r.aggregate === 'function' &&
    (r.runReverse === undefined || typeof r.runReverse === 'function') &&
    r.dim === structure.dim &&
    r.width === structure.width &&
    typeof r.aggregateCost === 'number' &&
    r.aggregateCost >= 0;
  if (!ok) {
    throw new UnrollError(
      'INVALID_ARGUMENT',
      `linearRecurrence: structure '${structure.name}'.kernel() must return a RecurrenceKernel { dim: ${structure.dim}, width: ${structure.width}, aggregateCost, run, aggregate }, got ${describe(k)}.`,
    );
  }
}

/**
 * s_t = M_t s_0 + c_t, with (M_t, c_t) the inclusive scan of the affine elements (A_t, b_t)
 * — taken over the rows in reverse order when `reverse`.
 */
function viaScan(structure: Structure, A: FloatArray, b: FloatArray, s0: Float64Array, out: FloatArray, T: number, algorithm: ScanAlgorithm, reverse: boolean): void {
  const D = structure.dim;
  const W = structure.width;
  const monoid = affineMonoid(structure);
  if (T * monoid.width > maxArrayLength) {
    throw new UnrollError(
      'MEMORY_BUDGET',
      `linearRecurrence: algorithm '${algorithm}' packs T·(width + D) = ${T * monoid.width} numbers, more than one array can hold (2^32); use algorithm 'auto'.`,
    );
  }
  const elements = allocate(dtypeOf(b), T * monoid.width);
  // Element k holds row t = k (forward) or t = T − 1 − k (reverse): the scan runs in time order.
  const row = (k: number): number => (reverse ? T - 1 - k : k);
  for (let k = 0; k < T; k++) {
    const e = k * monoid.width;
    const t = row(k);
    for (let i = 0; i < W; i++) elements[e + i] = A[t * W + i];
    for (let i = 0; i < D; i++) elements[e + W + i] = b[t * D + i];
  }
  scan(elements, monoid, { algorithm, out: elements });
  for (let k = 0; k < T; k++) {
    const e = k * monoid.width;
    const t = row(k);
    structure.apply(elements, e, s0, 0, out, t * D);
    for (let i = 0; i < D; i++) out[t * D + i] += elements[e + W + i];
  }
}

/** True for arrays, typed arrays and other objects with a numeric length (strings are not state vectors). */
function isArrayLike(x: unknown): x is ArrayLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { length?: unknown }).length === 'number';
}

function checkInputs(structure: Structure, A: FloatArray, b: FloatArray, s0: ArrayLike<number>): { T: number; D: number } {
  const D = structure.dim;
  const W = structure.width;
  if (!isFloatArray(b)) {
    throw new UnrollError('INVALID_ARGUMENT', `linearRecurrence: b must be a Float64Array or Float32Array of T·D numbers, got ${describe(b)}.`);
  }
  if (b.length === 0 || b.length % D !== 0) {
    throw new UnrollError(
      'LENGTH_MISMATCH',
      `linearRecurrence: b.length (${b.length}) must be T·D with T ≥ 1 and D = ${D} (the structure's dim).`,
    );
  }
  const T = b.length / D;
  if (!isFloatArray(A)) {
    throw new UnrollError('INVALID_ARGUMENT', `linearRecurrence: A must be a Float64Array or Float32Array${W === 0 ? ' (empty for ' + structure.name + ')' : ''}, got ${describe(A)}.`);
  }
  if (A.length !== T * W) {
    throw new UnrollError(
      'LENGTH_MISMATCH',
      `linearRecurrence: A.length (${A.length}) must be T·width = ${T}·${W} = ${T * W} for ${structure.name}(${D}) and T = ${T} steps (from b).`,
    );
  }
  if (W > 0 && dtypeOf(A) !== dtypeOf(b)) {
    throw new UnrollError('DTYPE_MISMATCH', `linearRecurrence: A is ${dtypeOf(A)} but b is ${dtypeOf(b)}; convert one so both match.`);
  }
  if (!isArrayLike(s0)) {
    throw new UnrollError('INVALID_ARGUMENT', `linearRecurrence: s0 must be an array (or typed array) of D = ${D} finite numbers, got ${describe(s0)}.`);
  }
  if (s0.length !== D) {
    throw new UnrollError('DIMENSION_MISMATCH', `linearRecurrence: s0 has ${s0.length} entries but the structure's dim is ${D}.`);
  }
  for (let i = 0; i < D; i++) {
    const v: unknown = s0[i];
    if (typeof v !== 'number') {
      throw new UnrollError('INVALID_ARGUMENT', `linearRecurrence: s0[${i}] is ${describe(v)}; s0 must hold D = ${D} finite numbers.`);
    }
    if (!Number.isFinite(v)) {
      throw new UnrollError('NON_FINITE', `linearRecurrence: s0[${i}] is ${String(v)}; the initial state must be finite.`);
    }
  }
  return { T, D };
}

function checkOut(out: FloatArray, A: FloatArray, b: FloatArray, W: number): void {
  if (!isFloatArray(out) || out.length !== b.length) {
    throw new UnrollError('LENGTH_MISMATCH', `linearRecurrence: out must be a float array of T·D = ${b.length} numbers, got ${describe(out)}${isFloatArray(out) ? ` of length ${out.length}` : ''}.`);
  }
  if (dtypeOf(out) !== dtypeOf(b)) {
    throw new UnrollError('DTYPE_MISMATCH', `linearRecurrence: out is ${dtypeOf(out)} but b is ${dtypeOf(b)}; use the same dtype.`);
  }
  if (overlap(out, b) === 'partial') {
    throw new UnrollError('INVALID_ARGUMENT', 'linearRecurrence: out shares part of its memory with b; pass b itself (to overwrite it with the states) or a separate out array.');
  }
  if (W > 0 && overlap(out, A) !== 'none') {
    throw new UnrollError('INVALID_ARGUMENT', 'linearRecurrence: out shares memory with A (the states would overwrite transitions still to be read); pass a separate out array.');
  }
}
