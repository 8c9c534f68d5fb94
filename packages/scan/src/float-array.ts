import { UnrollError } from './unroll-error.js';
import { describe, maxArrayLength } from './validate.js';

/** The two element types unroll computes in: float64 on the CPU by default, float32 on the GPU. */
export type FloatArray = Float64Array | Float32Array;

/** Name of a {@link FloatArray} element type. */
export type Dtype = 'float64' | 'float32';

/** True for `Float64Array` and `Float32Array`, the arrays unroll's kernels accept. */
export function isFloatArray(x: unknown): x is FloatArray {
  return x instanceof Float64Array || x instanceof Float32Array;
}

/**
 * The dtype of a float array.
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` when `x` is not a Float64Array or Float32Array.
 */
export function dtypeOf(x: FloatArray): Dtype {
  if (x instanceof Float32Array) return 'float32';
  if (x instanceof Float64Array) return 'float64';
  throw new UnrollError('INVALID_ARGUMENT', `dtypeOf(x): x must be a Float64Array or Float32Array, got ${describe(x)}.`);
}

/** Checks `(dtype, length)` before anything is allocated. */
function checkRequest(where: string, dtype: unknown, length: unknown): asserts dtype is Dtype {
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}(dtype, length): dtype must be 'float64' or 'float32', got ${describe(dtype)}.`);
  }
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || length > maxArrayLength) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}(dtype, length): length must be a non-negative integer (at most 2^32), got ${describe(length)}.`);
  }
}

/** Runs an allocation, turning the engine's refusal (a RangeError) into `MEMORY_BUDGET`. */
export function allocating<T>(what: string, bytes: number, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof RangeError) {
      throw new UnrollError('MEMORY_BUDGET', `${what}: could not allocate ${formatBytes(bytes)} (${error.message}); use a smaller problem (shorter T, a sliding window, or a cheaper structure such as diagonal).`, { cause: error });
    }
    throw error;
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * A zero-filled array of `length` elements of `dtype`.
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` for an unknown dtype or a length that is not a
 * non-negative integer; `MEMORY_BUDGET` when the engine cannot allocate that much.
 */
export function allocate(dtype: Dtype, length: number): FloatArray {
  checkRequest('allocate', dtype, length);
  const bytes = length * (dtype === 'float32' ? 4 : 8);
  return allocating(`allocate('${dtype}', ${length})`, bytes, () => (dtype === 'float32' ? new Float32Array(length) : new Float64Array(length)));
}

/**
 * A zero-filled float array backed by a `SharedArrayBuffer`.
 *
 * `linearRecurrence(…, { threads })` reads such arrays in place from its worker threads;
 * ordinary arrays are first copied into the thread pool's own shared buffers, which costs
 * one pass over the data.
 *
 * @throws {UnrollError} `UNSUPPORTED` where `SharedArrayBuffer` does not exist (a browser
 * page that is not cross-origin isolated); `INVALID_ARGUMENT` and `MEMORY_BUDGET` as {@link allocate}.
 */
export function sharedFloatArray(dtype: Dtype, length: number): FloatArray {
  checkRequest('sharedFloatArray', dtype, length);
  if (typeof SharedArrayBuffer === 'undefined') {
    throw new UnrollError(
      'UNSUPPORTED',
      'SharedArrayBuffer is not available here. In a browser the page must be cross-origin isolated (COOP/COEP headers); otherwise use threads: 1.',
    );
  }
  const bytes = length * (dtype === 'float32' ? 4 : 8);
  return allocating(`sharedFloatArray('${dtype}', ${length})`, bytes, () =>
    dtype === 'float32' ? new Float32Array(new SharedArrayBuffer(bytes)) : new Float64Array(new SharedArrayBuffer(bytes)),
  );
}

/**
 * True when the array's memory is a `SharedArrayBuffer` that worker threads can see.
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` when `x` is not a Float64Array or Float32Array.
 */
export function isShared(x: FloatArray): boolean {
  if (!isFloatArray(x)) {
    throw new UnrollError('INVALID_ARGUMENT', `isShared(x): x must be a Float64Array or Float32Array, got ${describe(x)}.`);
  }
  return typeof SharedArrayBuffer !== 'undefined' && x.buffer instanceof SharedArrayBuffer;
}
