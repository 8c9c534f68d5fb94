import { checkInteger, describeValue, isFloatArray, UnrollError } from '@unroll/scan';

/**
 * ‖M‖₂ of a small dense D×D matrix (row-major at `mo`): the square root of the largest
 * eigenvalue of MᵀM, found by cyclic Jacobi rotations (quadratically convergent, exact to
 * rounding for any gap — unlike power iteration, which stalls when σ₁ ≈ σ₂).
 * `scratch` must be a Float64Array of at least 2·D² numbers; nothing is allocated.
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` (M not an array of numbers, mo not an integer
 *   ≥ 0, D not an integer ≥ 1, scratch not a Float64Array), `LENGTH_MISMATCH` (M holds
 *   fewer than mo + D² numbers, scratch fewer than 2·D²), `DTYPE_MISMATCH` (a Float32Array
 *   scratch: MᵀM would be rounded to float32), `NON_FINITE` (NaN or ±Infinity in M).
 */
export function spectralNorm(M: ArrayLike<number>, mo: number, D: number, scratch: Float64Array): number {
  const where = 'spectralNorm(M, mo, D, scratch)';
  const matrix: unknown = M, buffer: unknown = scratch;
  if (typeof matrix !== 'object' || matrix === null || typeof (matrix as { length?: unknown }).length !== 'number') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: M must be an array of numbers holding a D×D matrix row-major at offset mo, got ${describeValue(matrix)}.`);
  }
  checkInteger(where, 'mo', mo, 0, Number.MAX_SAFE_INTEGER, 'bounds');
  checkInteger(where, 'D', D, 1, Number.MAX_SAFE_INTEGER, 'bounds');
  const m = matrix as ArrayLike<unknown>;
  if (m.length < mo + D * D) {
    throw new UnrollError('LENGTH_MISMATCH', `${where}: M has ${m.length} numbers but a ${D}×${D} matrix at offset mo = ${mo} needs ${mo + D * D}; check D and mo.`);
  }
  if (buffer instanceof Float32Array) {
    throw new UnrollError('DTYPE_MISMATCH', `${where}: scratch is a Float32Array; pass a Float64Array of 2·D² = ${2 * D * D} numbers (MᵀM in float32 loses half the digits).`);
  }
  if (!(buffer instanceof Float64Array)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: scratch must be a Float64Array of 2·D² = ${2 * D * D} numbers, got ${describeValue(buffer)}.`);
  }
  if (buffer.length < 2 * D * D) {
    throw new UnrollError('LENGTH_MISMATCH', `${where}: scratch has ${buffer.length} numbers, but D = ${D} needs 2·D² = ${2 * D * D}; pass new Float64Array(${2 * D * D}).`);
  }
  for (let k = 0; k < D * D; k++) {
    const v = m[mo + k];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new UnrollError(isFloatArray(m) || typeof v === 'number' ? 'NON_FINITE' : 'INVALID_ARGUMENT', `${where}: M[${mo + k}] is ${describeValue(v)}; the matrix must be finite numbers.`);
    }
  }
  return spectralNormKernel(M, mo, D, scratch);
}

/** {@link spectralNorm} without the checks, for the package's own loops (arguments known good). */
export function spectralNormKernel(M: ArrayLike<number>, mo: number, D: number, scratch: Float64Array): number {
  const S = scratch; // S = MᵀM in the first D² entries
  for (let i = 0; i < D; i++) {
    for (let j = i; j < D; j++) {
      let acc = 0;
      for (let k = 0; k < D; k++) acc += (M[mo + k * D + i] ?? 0) * (M[mo + k * D + j] ?? 0);
      S[i * D + j] = acc;
      S[j * D + i] = acc;
    }
  }
  return Math.sqrt(Math.max(0, largestSymmetricEigenvalue(S, D)));
}

/** Largest eigenvalue of the symmetric D×D matrix in S[0 … D²) (overwritten) by cyclic Jacobi. */
export function largestSymmetricEigenvalue(S: Float64Array, D: number): number {
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, diag = 0;
    for (let i = 0; i < D; i++) {
      diag += (S[i * D + i] ?? 0) ** 2;
      for (let j = i + 1; j < D; j++) off += (S[i * D + j] ?? 0) ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < D; p++) {
      for (let q = p + 1; q < D; q++) {
        const apq = S[p * D + q] ?? 0;
        if (apq === 0) continue;
        const app = S[p * D + p] ?? 0, aqq = S[q * D + q] ?? 0;
        // Rotation that zeroes S_pq (Golub & Van Loan, Alg. 8.5.1).
        const tau = (aqq - app) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t), s = t * c;
        for (let k = 0; k < D; k++) {
          const skp = S[k * D + p] ?? 0, skq = S[k * D + q] ?? 0;
          S[k * D + p] = c * skp - s * skq;
          S[k * D + q] = s * skp + c * skq;
        }
        for (let k = 0; k < D; k++) {
          const spk = S[p * D + k] ?? 0, sqk = S[q * D + k] ?? 0;
          S[p * D + k] = c * spk - s * sqk;
          S[q * D + k] = s * spk + c * sqk;
        }
      }
    }
  }
  let max = -Infinity;
  for (let i = 0; i < D; i++) max = Math.max(max, S[i * D + i] ?? 0);
  return max;
}
