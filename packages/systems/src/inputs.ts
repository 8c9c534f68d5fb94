import { checkArrayLength, describeValue, isFloatArray, UnrollError } from '@unroll/scan';
import { isArrayLike } from './arguments.js';

/**
 * Normalises a system's inputs `[T][inputDim]` (nested arrays or one flat Float64Array /
 * Float32Array) to one flat Float64Array. f_t reads row t − 1; steps past the last row see
 * zero input. `name` is the params field, for messages.
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` (not an array, a row that is not an array of
 * numbers), `LENGTH_MISMATCH` (a flat array that is not whole rows), `DIMENSION_MISMATCH`
 * (a row of the wrong length), `NON_FINITE` (NaN or ±Infinity), `MEMORY_BUDGET`.
 */
export function flattenInputs(where: string, name: string, inputs: unknown, inputDim: number): Float64Array {
  if (inputs === undefined) return new Float64Array(0);
  const shape = `[T][${inputDim}] numbers (nested arrays, or one flat Float64Array or Float32Array)`;
  if (isFloatArray(inputs)) {
    if (inputDim === 0 ? inputs.length !== 0 : inputs.length % inputDim !== 0) {
      throw new UnrollError('LENGTH_MISMATCH', `${where}: flat ${name} must hold T·${inputDim} numbers, got ${inputs.length}.`);
    }
    for (let i = 0; i < inputs.length; i++) {
      if (!Number.isFinite(inputs[i])) throw new UnrollError('NON_FINITE', `${where}: ${name}[${i}] is ${describeValue(inputs[i])}; pass finite numbers.`);
    }
    return Float64Array.from(inputs);
  }
  if (!Array.isArray(inputs)) throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be ${shape}, got ${describeValue(inputs)}.`);
  const rows = inputs as readonly unknown[];
  checkArrayLength(where, name, rows.length * inputDim, `pass fewer rows of ${name}`);
  const flat = new Float64Array(rows.length * inputDim);
  for (let t = 0; t < rows.length; t++) {
    const row = rows[t];
    if (!isArrayLike(row)) throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name}[${t}] must be an array of ${inputDim} numbers (${name} are ${shape}), got ${describeValue(row)}.`);
    if (row.length !== inputDim) {
      throw new UnrollError('DIMENSION_MISMATCH', `${where}: ${name}[${t}] has ${row.length} entries, expected ${inputDim}.`);
    }
    for (let i = 0; i < inputDim; i++) {
      const v = row[i];
      if (typeof v !== 'number') throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name}[${t}][${i}] is ${describeValue(v)}; pass finite numbers.`);
      if (!Number.isFinite(v)) throw new UnrollError('NON_FINITE', `${where}: ${name}[${t}][${i}] is ${describeValue(v)}; pass finite numbers.`);
      flat[t * inputDim + i] = v;
    }
  }
  return flat;
}

/** Offset of row t − 1 of the inputs, or −1 when f_t has no input row (zero input). */
export function inputRow(inputs: Float64Array, inputDim: number, t: number): number {
  const o = (t - 1) * inputDim;
  return o >= 0 && o + inputDim <= inputs.length ? o : -1;
}
