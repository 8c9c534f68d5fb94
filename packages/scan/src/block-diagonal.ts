import type { FloatArray } from './float-array.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import { builtinStructure } from './builtin-structure.js';
import { blockDiagonalWgsl } from './structure-wgsl.js';
import type { Structure } from './structure.js';
import { blockDiagonalKalman } from './kalman/dense-block-kalman.js';
import { UnrollError } from './unroll-error.js';
import { assertDim, describe, maxArrayLength } from './validate.js';

/**
 * Block-diagonal D×D matrices with D/B dense B×B blocks on the diagonal, packed
 * `[D/B][B][B]` row-major (D·B numbers). Useful when state coordinates couple only in
 * small groups — position/momentum pairs in Hamiltonian Monte Carlo are B = 2.
 */
export function blockDiagonal(D: number, B: number): Structure {
  assertDim('blockDiagonal', D);
  assertBlock(D, B);
  const nb = D / B;
  const BB = B * B;
  return builtinStructure({ exportName: 'blockDiagonal', args: [D, B], kernel: () => blockDiagonalKernel(D, B), wgsl: blockDiagonalWgsl(B) }, {
    name: 'block-diagonal',
    dim: D,
    width: nb * BB,
    kalman: blockDiagonalKalman(D, B),
    compose(a: FloatArray, ao: number, b: FloatArray, bo: number, out: FloatArray, oo: number) {
      for (let k = 0; k < nb; k++) {
        const base = k * BB;
        for (let i = 0; i < B; i++) {
          for (let j = 0; j < B; j++) {
            let acc = 0;
            for (let l = 0; l < B; l++) acc += b[bo + base + i * B + l] * a[ao + base + l * B + j];
            out[oo + base + i * B + j] = acc;
          }
        }
      }
    },
    apply(a: FloatArray, ao: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      for (let k = 0; k < nb; k++) {
        const base = k * BB;
        const xb = k * B;
        for (let i = 0; i < B; i++) {
          let acc = 0;
          for (let j = 0; j < B; j++) acc += a[ao + base + i * B + j] * x[xo + xb + j];
          out[oo + xb + i] = acc;
        }
      }
    },
    applyTranspose(a: FloatArray, ao: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      for (let k = 0; k < nb; k++) {
        const base = k * BB;
        const xb = k * B;
        for (let j = 0; j < B; j++) {
          let acc = 0;
          for (let i = 0; i < B; i++) acc += a[ao + base + i * B + j] * x[xo + xb + i];
          out[oo + xb + j] = acc;
        }
      }
    },
    transpose(a: FloatArray, ao: number, out: FloatArray, oo: number) {
      for (let k = 0; k < nb; k++) {
        const base = k * BB;
        for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) out[oo + base + j * B + i] = a[ao + base + i * B + j];
      }
    },
    scale(a: FloatArray, ao: number, k: number, out: FloatArray, oo: number) {
      for (let i = 0; i < nb * BB; i++) out[oo + i] = k * a[ao + i];
    },
    identity(out: FloatArray, oo: number) {
      for (let k = 0; k < nb; k++) {
        for (let i = 0; i < B; i++) {
          for (let j = 0; j < B; j++) out[oo + k * BB + i * B + j] = i === j ? 1 : 0;
        }
      }
    },
  });
}

function assertBlock(D: number, B: unknown): asserts B is number {
  if (typeof B !== 'number' || !Number.isInteger(B) || B < 1 || D % B !== 0) {
    throw new UnrollError(
      'INVALID_ARGUMENT',
      `blockDiagonal(${D}, B): the block size B must be a positive integer that divides D, got ${describe(B)}.`,
    );
  }
  if (D * B > maxArrayLength) {
    throw new UnrollError(
      'INVALID_ARGUMENT',
      `blockDiagonal(${D}, ${B}): one matrix is D·B = ${D * B} numbers, more than one array can hold (2^32); use smaller blocks or diagonal(D).`,
    );
  }
}

/** Recurrence loops for block-diagonal transitions: D·B per step to run, D·B² + D·B to aggregate. */
export function blockDiagonalKernel(D: number, B: number): RecurrenceKernel {
  const nb = D / B;
  const BB = B * B;
  const W = nb * BB;
  const tmpM = new Float64Array(BB);
  const tmpC = new Float64Array(B);
  return {
    dim: D,
    width: W,
    aggregateCost: B + 1,
    run(A, b, prev, po, out, t0, t1) {
      let src = prev;
      let so = po;
      for (let t = t0; t < t1; t++) {
        const ao = t * W;
        const ro = t * D;
        for (let k = 0; k < nb; k++) {
          const base = ao + k * BB;
          const xb = k * B;
          for (let i = 0; i < B; i++) {
            let acc = b[ro + xb + i];
            for (let j = 0; j < B; j++) acc += A[base + i * B + j] * src[so + xb + j];
            out[ro + xb + i] = acc;
          }
        }
        src = out;
        so = ro;
      }
    },
    runReverse(A, b, next, no, out, t0, t1) {
      let src = next;
      let so = no;
      for (let t = t1 - 1; t >= t0; t--) {
        const ao = t * W;
        const ro = t * D;
        for (let k = 0; k < nb; k++) {
          const base = ao + k * BB;
          const xb = k * B;
          for (let i = 0; i < B; i++) {
            let acc = b[ro + xb + i];
            for (let j = 0; j < B; j++) acc += A[base + i * B + j] * src[so + xb + j];
            out[ro + xb + i] = acc;
          }
        }
        src = out;
        so = ro;
      }
    },
    aggregate(A, b, t0, t1, m, mo, c, co) {
      for (let i = 0; i < W; i++) m[mo + i] = A[t0 * W + i];
      for (let i = 0; i < D; i++) c[co + i] = b[t0 * D + i];
      for (let t = t0 + 1; t < t1; t++) {
        for (let k = 0; k < nb; k++) {
          const base = t * W + k * BB;
          const mb = mo + k * BB;
          const cb = co + k * B;
          for (let i = 0; i < B; i++) {
            let acc = b[t * D + k * B + i];
            for (let l = 0; l < B; l++) acc += A[base + i * B + l] * c[cb + l];
            tmpC[i] = acc;
            for (let j = 0; j < B; j++) {
              let s = 0;
              for (let l = 0; l < B; l++) s += A[base + i * B + l] * m[mb + l * B + j];
              tmpM[i * B + j] = s;
            }
          }
          for (let i = 0; i < BB; i++) m[mb + i] = tmpM[i];
          for (let i = 0; i < B; i++) c[cb + i] = tmpC[i];
        }
      }
    },
  };
}
