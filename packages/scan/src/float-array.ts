import { UnrollError } from './unroll-error.js';

/** The two element types unroll computes in: float64 on the CPU by default, float32 on the GPU. */
export type FloatArray = Float64Array | Float32Array;

/** Name of a {@link FloatArray} element type. */
export type Dtype = 'float64' | 'float32';

/** True for `Float64Array` and `Float32Array`, the arrays unroll's kernels accept. */
export function isFloatArray(x: unknown): x is FloatArray {
  return x instanceof Float64Array || x instanceof Float32Array;
}

/** The dtype of a float array. */
export function dtypeOf(x: FloatArray): Dtype {
  return x instanceof Float32Array ? 'float32' : 'float64';
}

/** A zero-filled array of `length` elements of `dtype`. */
export function allocate(dtype: Dtype, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/**
 * A zero-filled float array backed by a `SharedArrayBuffer`.
 *
 * `linearRecurrence(…, { threads })` reads such arrays in place from its worker threads;
 * ordinary arrays are first copied into shared memory, which costs one pass over the data.
 *
 * @throws {UnrollError} `UNSUPPORTED` where `SharedArrayBuffer` does not exist (a browser
 * page that is not cross-origin isolated).
 */
export function sharedFloatArray(dtype: Dtype, length: number): FloatArray {
  if (typeof SharedArrayBuffer === 'undefined') {
    throw new UnrollError(
      'UNSUPPORTED',
      'SharedArrayBuffer is not available here. In a browser the page must be cross-origin isolated (COOP/COEP headers); otherwise use threads: 1.',
    );
  }
  if (dtype === 'float32') return new Float32Array(new SharedArrayBuffer(length * 4));
  return new Float64Array(new SharedArrayBuffer(length * 8));
}

/** True when the array's memory is a `SharedArrayBuffer` that worker threads can see. */
export function isShared(x: FloatArray): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && x.buffer instanceof SharedArrayBuffer;
}
