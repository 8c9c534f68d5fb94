// The worked example of the linearize README ("Custom structures and strategies") and of
// the solvers README ("Your own structure, end to end"): 2×2 blocks on the diagonal for
// states laid out as (q₁, p₁, q₂, p₂, …), and the strategy that fills them from the
// Jacobian. Plain JavaScript in its own module, because worker threads rebuild the
// structure by importing this file (`module` below): that is what lets `threads: 2` run a
// structure the library has never seen. The README's code is this code: keep them in sync.
import { defineStrategy, resolveDerivatives } from '../dist/index.js';
import { blockDiagonalKalman, defineStructure } from '@unroll/scan';

/** 2×2 blocks [[a, b], [c, d]] on the diagonal, packed [a, b, c, d] per pair. */
export function pairBlocks(D) {
  const pairs = D / 2;
  return defineStructure({
    name: 'pair-blocks',
    dim: D,
    width: 4 * pairs,
    compose(A, ao, B, bo, out, oo) {
      // out = B·A, block by block (A applied first)
      for (let k = 0; k < 4 * pairs; k += 4) {
        const a = A[ao + k], b = A[ao + k + 1], c = A[ao + k + 2], d = A[ao + k + 3];
        const e = B[bo + k], f = B[bo + k + 1], g = B[bo + k + 2], h = B[bo + k + 3];
        out[oo + k] = e * a + f * c;
        out[oo + k + 1] = e * b + f * d;
        out[oo + k + 2] = g * a + h * c;
        out[oo + k + 3] = g * b + h * d;
      }
    },
    apply(A, ao, x, xo, out, oo) {
      for (let k = 0; k < pairs; k++) {
        const q = x[xo + 2 * k], p = x[xo + 2 * k + 1];
        out[oo + 2 * k] = A[ao + 4 * k] * q + A[ao + 4 * k + 1] * p;
        out[oo + 2 * k + 1] = A[ao + 4 * k + 2] * q + A[ao + 4 * k + 3] * p;
      }
    },
    identity(out, oo) {
      for (let k = 0; k < 4 * pairs; k += 4) {
        out[oo + k] = 1;
        out[oo + k + 1] = 0;
        out[oo + k + 2] = 0;
        out[oo + k + 3] = 1;
      }
    },
    scale(A, ao, s, out, oo) {
      for (let i = 0; i < 4 * pairs; i++) out[oo + i] = s * A[ao + i];
    },
    // Gradients: the adjoint recurrence runs on Aᵀ, stored in the same packing.
    transpose(A, ao, out, oo) {
      for (let k = 0; k < 4 * pairs; k += 4) {
        out[oo + k] = A[ao + k];
        out[oo + k + 1] = A[ao + k + 2];
        out[oo + k + 2] = A[ao + k + 1];
        out[oo + k + 3] = A[ao + k + 3];
      }
    },
    // Threads: where a worker finds this structure again.
    module: { url: import.meta.url, exportName: 'pairBlocks', args: [D] },
    // ELK: the packing is block-diagonal with 2×2 blocks, so the library's block filter
    // (independent 2×2 Kalman filters, since Q = qI and R = I/λ) applies as it is.
    kalman: blockDiagonalKalman(D, 2),
    // The GPU: the same algebra in WGSL (D, W, State and Matrix are declared by the runtime).
    wgsl: {
      source: `
fn structure_apply(a: Matrix, x: State) -> State {
  var out: State;
  for (var k = 0u; k < D / 2u; k++) {
    out[2u * k] = a[4u * k] * x[2u * k] + a[4u * k + 1u] * x[2u * k + 1u];
    out[2u * k + 1u] = a[4u * k + 2u] * x[2u * k] + a[4u * k + 3u] * x[2u * k + 1u];
  }
  return out;
}
fn structure_compose(a: Matrix, b: Matrix) -> Matrix {
  var out: Matrix;
  for (var k = 0u; k < W; k += 4u) {
    out[k] = b[k] * a[k] + b[k + 1u] * a[k + 2u];
    out[k + 1u] = b[k] * a[k + 1u] + b[k + 1u] * a[k + 3u];
    out[k + 2u] = b[k + 2u] * a[k] + b[k + 3u] * a[k + 2u];
    out[k + 3u] = b[k + 2u] * a[k + 1u] + b[k + 3u] * a[k + 3u];
  }
  return out;
}
fn structure_identity() -> Matrix {
  var out: Matrix;
  for (var k = 0u; k < W; k += 4u) { out[k] = 1.0; out[k + 3u] = 1.0; }
  return out;
}`,
    },
  });
}

/** Ã_t = the 2×2 position/momentum blocks of the Jacobian: exact within a pair, no coupling across. */
export const pairStrategy = defineStrategy({
  name: 'pair-blocks',
  structure: pairBlocks,
  // The GPU: the same fill in WGSL, from the dynamics' own WGSL jacobian.
  wgsl: {
    source: `
fn strategy_fill(t: u32, s: State) -> Matrix {
  let J = jacobian(t, s);
  var out: Matrix;
  for (var k = 0u; k < D / 2u; k++) {
    let r = 2u * k;
    out[4u * k] = J[r * D + r];
    out[4u * k + 1u] = J[r * D + r + 1u];
    out[4u * k + 2u] = J[(r + 1u) * D + r];
    out[4u * k + 3u] = J[(r + 1u) * D + r + 1u];
  }
  return out;
}`,
  },
  prepare(dyn) {
    const D = dyn.dim;
    const J = new Float64Array(D * D); // scratch, allocated once per solve
    const { jacobian } = resolveDerivatives(dyn);
    return {
      source: `2×2 blocks of the ${jacobian.source} jacobian`,
      cost: { storedPerStep: 2 * D, calls: jacobian.calls },
      fill(t, prev, po, out, oo) {
        jacobian.fn(t, prev, po, J, 0);
        for (let k = 0; k < D / 2; k++) {
          const r = 2 * k;
          out[oo + 4 * k] = J[r * D + r];
          out[oo + 4 * k + 1] = J[r * D + r + 1];
          out[oo + 4 * k + 2] = J[(r + 1) * D + r];
          out[oo + 4 * k + 3] = J[(r + 1) * D + r + 1];
        }
      },
    };
  },
});
