import { UnrollError } from '@unroll/scan';

/**
 * Argument checks shared by every public entry: each throws a typed `UnrollError` naming
 * the argument and what to pass, before anything is allocated on the device.
 */

/** A value as a message shows it: strings quoted, objects by kind. */
export function describe(x: unknown): string {
  if (typeof x === 'string') return `'${x}'`;
  if (typeof x === 'function') return 'a function';
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  if (typeof x === 'object') return 'an object';
  if (typeof x === 'bigint') return `${x}n`;
  if (typeof x === 'symbol') return x.toString();
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  return 'undefined';
}

/**
 * Checks `x` is an options object (or undefined, when `optional`) whose keys are all in `known`.
 * @returns the object, `{}` for undefined.
 */
export function optionsObject(where: string, name: string, x: unknown, known: readonly string[], example: string, optional = true): Record<string, unknown> {
  if (x === undefined && optional) return {};
  if (typeof x !== 'object' || x === null || Array.isArray(x) || ArrayBuffer.isView(x)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be an object such as ${example}${optional ? ' (or omitted)' : ''}, got ${describe(x)}.`);
  }
  for (const key of Object.keys(x)) {
    if (!known.includes(key)) throw new UnrollError('INVALID_ARGUMENT', `${where}: unknown option '${key}' in ${name}; the options are ${known.join(', ')}.`);
  }
  return x as Record<string, unknown>;
}

/** An array or typed array (`ArrayLike<number>` as callers pass it). */
export function numberArray(where: string, name: string, x: unknown): ArrayLike<unknown> {
  if (Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView))) return x as ArrayLike<unknown>;
  throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be an array or a Float32Array/Float64Array of numbers, got ${describe(x)}.`);
}

/** A Float32Array or Float64Array. */
export function floatArray(where: string, name: string, x: unknown): Float32Array | Float64Array {
  if (x instanceof Float32Array || x instanceof Float64Array) return x;
  throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be a Float32Array or Float64Array, got ${describe(x)}.`);
}

/** The largest magnitude float32 holds. */
const maxF32 = 3.4028234663852886e38;

/**
 * `x` as float32 values, every one finite there: NaN and ±Infinity, and finite numbers
 * beyond float32's range (which become ±Infinity on the device), are `NON_FINITE`.
 */
export function finiteF32(where: string, name: string, x: unknown): Float32Array {
  const a = numberArray(where, name, x);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number') throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name}[${i}] is ${describe(v)}, not a number.`);
    if (!Number.isFinite(v)) throw new UnrollError('NON_FINITE', `${where}: ${name}[${i}] is ${String(v)}; it must be finite.`);
    const f = Math.fround(v);
    if (!Number.isFinite(f)) {
      throw new UnrollError('NON_FINITE', `${where}: ${name}[${i}] = ${String(v)} is beyond float32 range (±${maxF32.toPrecision(5)}), where the GPU computes; it would be ${String(f)} there. Rescale the problem.`);
    }
    out[i] = f;
  }
  return out;
}

/** A positive integer at most `max`. */
export function positiveInteger(where: string, name: string, x: unknown, max = Number.MAX_SAFE_INTEGER, why = ''): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be a positive integer, got ${describe(x)}.`);
  }
  if (x > max) throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be at most ${max}${why}, got ${x}.`);
  return x;
}

/** The GPU kernels index steps and entries with u32. */
export const maxIndex = 2 ** 32 - 1;

/**
 * Refuses arrays of `floats` f32 that no buffer of the device can hold (or that u32
 * indices cannot address) before the host allocates them.
 */
export function checkFloats(where: string, what: string, floats: number, maxBufferBytes: number): void {
  if (floats > maxIndex) {
    throw new UnrollError('MEMORY_BUDGET', `${where}: ${what} holds ${floats.toExponential(3)} numbers; the GPU kernels address at most 2³² − 1. Use a shorter T or fewer sequences per call.`);
  }
  if (floats * 4 > maxBufferBytes) {
    throw new UnrollError(
      'MEMORY_BUDGET',
      `${where}: ${what} needs ${((floats * 4) / 2 ** 20).toFixed(1)} MiB but this device allows ${(maxBufferBytes / 2 ** 20).toFixed(1)} MiB per buffer. Use a shorter T, fewer sequences per call, or a diagonal method.`,
    );
  }
}

/**
 * `x` (an array or typed array of numbers) as float32, for data that may hold any number
 * (scan elements, recurrence coefficients): a Float32Array is used as it is.
 */
export function toF32(where: string, name: string, x: unknown): Float32Array {
  if (x instanceof Float32Array) return x;
  if (x instanceof Float64Array) return Float32Array.from(x);
  const a = numberArray(where, name, x);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number') throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name}[${i}] is ${describe(v)}, not a number.`);
    out[i] = v;
  }
  return out;
}
