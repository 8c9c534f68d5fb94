import { UnrollError, type FloatArray } from '@unroll/scan';

/**
 * Normalises a system's inputs `[T][inputDim]` (nested arrays or one flat array) to one
 * flat Float64Array. f_t reads row t − 1; steps past the last row see zero input.
 */
export function flattenInputs(where: string, inputs: ArrayLike<ArrayLike<number>> | FloatArray | undefined, inputDim: number): Float64Array {
  if (inputs === undefined) return new Float64Array(0);
  if (inputs instanceof Float64Array || inputs instanceof Float32Array) {
    if (inputs.length % inputDim !== 0) {
      throw new UnrollError('LENGTH_MISMATCH', `${where}: flat inputs must hold T·${inputDim} numbers, got ${inputs.length}.`);
    }
    return Float64Array.from(inputs);
  }
  const rows = inputs;
  const flat = new Float64Array(rows.length * inputDim);
  for (let t = 0; t < rows.length; t++) {
    const row = rows[t] as ArrayLike<number> | undefined;
    if (row?.length !== inputDim) {
      throw new UnrollError('DIMENSION_MISMATCH', `${where}: inputs[${t}] has ${String(row?.length)} entries, expected ${inputDim}.`);
    }
    for (let i = 0; i < inputDim; i++) flat[t * inputDim + i] = row[i] ?? 0;
  }
  return flat;
}

/** Offset of row t − 1 of the inputs, or −1 when f_t has no input row (zero input). */
export function inputRow(inputs: Float64Array, inputDim: number, t: number): number {
  const o = (t - 1) * inputDim;
  return o >= 0 && o + inputDim <= inputs.length ? o : -1;
}
