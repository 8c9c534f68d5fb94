import type { KernelSpec } from './kernel.js';
import { plainMain } from './solve-kernels.js';
import type { StructureAlgebra } from './scan-kernels.js';

/**
 * The dense Kalman filter of ELK on the GPU (thesis §4.2, eq. 30), as the parallel filter
 * of Särkkä & García-Fernández (2021, Lemmas 7–8) — the same elements and combine as the
 * CPU's (`@unroll/scan`, kalman/dense-block-elements.ts). Each step is an element
 * (A, b, C, η, J), packed `[A: D²][b: D][C: D²][η: D][J: D²]`; the inclusive scan's `b` is
 * the filtered mean. For the ELK model (H = I, Q = I, R = I/λ) the gain is the scalar
 * κ = λ/(λ + 1):
 *
 *     A = (1 − κ)F,  b = (1 − κ)c + κy,  C = (1 − κ)I,  η = κ·Fᵀ(y − c),  J = κ·FᵀF,
 *
 * with F = Ã_t, c = b_t, y the current iterate; the first step (s_0 known exactly) has
 * A = η = J = 0 and b = (1 − κ)(F s_0 + c) + κy. Combining "x then z", M = (I + C_x J_z)⁻¹:
 *
 *     A = A_z M A_x,  b = A_z M (b_x + C_x η_z) + b_z,  C = A_z M C_x A_zᵀ + C_z,
 *     η = (M A_x)ᵀ (η_z − J_z b_x) + η_x,  J = (M A_x)ᵀ J_z A_x + J_x.
 */
export function kalmanAlgebra(D: number, B = D): StructureAlgebra {
  // Block-diagonal transitions (B×B blocks, B = D dense) keep D/B independent filters:
  // an element is one (A, b, C, η, J) of B-sized parts per block, blocks one after another.
  const EB = 3 * B * B + 2 * B;
  const E = (D / B) * EB;
  const oA = 0, ob = B * B, oC = B * B + B, oEta = 2 * B * B + B, oJ = 2 * B * B + 2 * B;
  const DD = B * B;
  const source = `
const kalman_D: u32 = ${B}u;
const kalman_blocks: u32 = ${D / B}u;
const kalman_EB: u32 = ${EB}u;
alias KalmanMatrix = array<f32, ${DD}>;
alias KalmanVector = array<f32, ${B}>;
fn kalman_get(e: Element, o: u32) -> KalmanMatrix { var m: KalmanMatrix; for (var k = 0u; k < ${DD}u; k++) { m[k] = e[o + k]; } return m; }
fn kalman_vec(e: Element, o: u32) -> KalmanVector { var v: KalmanVector; for (var k = 0u; k < ${B}u; k++) { v[k] = e[o + k]; } return v; }
fn kalman_mul(a: KalmanMatrix, b: KalmanMatrix) -> KalmanMatrix {
  var o: KalmanMatrix;
  for (var i = 0u; i < kalman_D; i++) { for (var j = 0u; j < kalman_D; j++) {
    var s = 0.0; for (var l = 0u; l < kalman_D; l++) { s += a[i * kalman_D + l] * b[l * kalman_D + j]; } o[i * kalman_D + j] = s; } }
  return o;
}
fn kalman_mulv(a: KalmanMatrix, v: KalmanVector) -> KalmanVector {
  var o: KalmanVector;
  for (var i = 0u; i < kalman_D; i++) { var s = 0.0; for (var l = 0u; l < kalman_D; l++) { s += a[i * kalman_D + l] * v[l]; } o[i] = s; }
  return o;
}
fn kalman_t(a: KalmanMatrix) -> KalmanMatrix {
  var o: KalmanMatrix;
  for (var i = 0u; i < kalman_D; i++) { for (var j = 0u; j < kalman_D; j++) { o[j * kalman_D + i] = a[i * kalman_D + j]; } }
  return o;
}
// (I + X)⁻¹ by Gauss–Jordan with partial pivoting (X = C_x J_z: I + X is invertible, C and J
// being positive semi-definite).
fn kalman_inv_plus_identity(x: KalmanMatrix) -> KalmanMatrix {
  var a = x;
  var inv: KalmanMatrix;
  for (var i = 0u; i < kalman_D; i++) { a[i * kalman_D + i] += 1.0; inv[i * kalman_D + i] = 1.0; }
  for (var c = 0u; c < kalman_D; c++) {
    var p = c;
    for (var r = c + 1u; r < kalman_D; r++) { if (abs(a[r * kalman_D + c]) > abs(a[p * kalman_D + c])) { p = r; } }
    if (p != c) {
      for (var k = 0u; k < kalman_D; k++) {
        let t1 = a[c * kalman_D + k]; a[c * kalman_D + k] = a[p * kalman_D + k]; a[p * kalman_D + k] = t1;
        let t2 = inv[c * kalman_D + k]; inv[c * kalman_D + k] = inv[p * kalman_D + k]; inv[p * kalman_D + k] = t2;
      }
    }
    let d = a[c * kalman_D + c];
    for (var k = 0u; k < kalman_D; k++) { a[c * kalman_D + k] /= d; inv[c * kalman_D + k] /= d; }
    for (var r = 0u; r < kalman_D; r++) {
      if (r == c) { continue; }
      let f = a[r * kalman_D + c];
      for (var k = 0u; k < kalman_D; k++) { a[r * kalman_D + k] -= f * a[c * kalman_D + k]; inv[r * kalman_D + k] -= f * inv[c * kalman_D + k]; }
    }
  }
  return inv;
}
fn monoid_identity() -> Element {
  var e: Element;
  for (var blk = 0u; blk < kalman_blocks; blk++) {
    for (var i = 0u; i < kalman_D; i++) { e[blk * kalman_EB + ${oA}u + i * kalman_D + i] = 1.0; }
  }
  return e;
}
fn monoid_combine(x: Element, z: Element) -> Element {
  var out: Element;
  for (var blk = 0u; blk < kalman_blocks; blk++) { kalman_combine_block(x, z, blk * kalman_EB, &out); }
  return out;
}
fn kalman_combine_block(x: Element, z: Element, o: u32, out: ptr<function, Element>) {
  let Ax = kalman_get(x, o + ${oA}u); let bx = kalman_vec(x, o + ${ob}u); let Cx = kalman_get(x, o + ${oC}u); let ex = kalman_vec(x, o + ${oEta}u); let Jx = kalman_get(x, o + ${oJ}u);
  let Az = kalman_get(z, o + ${oA}u); let bz = kalman_vec(z, o + ${ob}u); let Cz = kalman_get(z, o + ${oC}u); let ez = kalman_vec(z, o + ${oEta}u); let Jz = kalman_get(z, o + ${oJ}u);
  let M = kalman_inv_plus_identity(kalman_mul(Cx, Jz));
  let AzM = kalman_mul(Az, M);
  let MAx = kalman_mul(M, Ax);
  let MAxT = kalman_t(MAx);
  let A = kalman_mul(AzM, Ax);
  var u: KalmanVector; let cxe = kalman_mulv(Cx, ez);
  for (var i = 0u; i < kalman_D; i++) { u[i] = bx[i] + cxe[i]; }
  let b0 = kalman_mulv(AzM, u);
  let C0 = kalman_mul(kalman_mul(AzM, Cx), kalman_t(Az));
  var w: KalmanVector; let jzb = kalman_mulv(Jz, bx);
  for (var i = 0u; i < kalman_D; i++) { w[i] = ez[i] - jzb[i]; }
  let e0 = kalman_mulv(MAxT, w);
  let J0 = kalman_mul(kalman_mul(MAxT, Jz), Ax);
  for (var k = 0u; k < ${DD}u; k++) {
    (*out)[o + ${oA}u + k] = A[k];
    (*out)[o + ${oC}u + k] = C0[k] + Cz[k];
    (*out)[o + ${oJ}u + k] = J0[k] + Jx[k];
  }
  for (var i = 0u; i < kalman_D; i++) {
    (*out)[o + ${ob}u + i] = b0[i] + bz[i];
    (*out)[o + ${oEta}u + i] = e0[i] + ex[i];
  }
}`;
  return { name: `kalman D=${D} B=${B}`, width: E, source };
}

/**
 * One thread per (sequence, step): the step's Kalman element from the linearization's
 * (Ã_t, b_t) — Ã_t as D/B dense B×B blocks, row-major, one after another (B = D: dense) —
 * the current iterate y_t and s_0 (see {@link kalmanAlgebra}). Windowed: T = w compact
 * rows per sequence, s0 is the window's start state, and y is read at the window's place
 * in the trajectory (zero past a short last window).
 */
export function kalmanElementsKernel(D: number, windowed = false, B = D): KernelSpec {
  const BB = B * B, EB = 3 * BB + 2 * B, E = (D / B) * EB, W = D * B;
  const observer = windowed
    ? `
fn unroll_observe(q: u32, t: u32, i: u32) -> f32 {
  if (t >= bitcast<u32>(unroll_win[1u - unroll_u.base_win])) { return 0.0; }
  return unroll_cur[(q * unroll_u.trajectory + bitcast<u32>(unroll_win[0u - unroll_u.base_win]) + t) * ${D}u + i - unroll_u.base_cur];
}`
    : `
fn unroll_observe(q: u32, t: u32, i: u32) -> f32 {
  return unroll_cur[(q * unroll_u.T + t) * ${D}u + i - unroll_u.base_cur];
}`;
  const body = `${observer}
fn unroll_a(item: u32, blk: u32, i: u32, j: u32) -> f32 { return unroll_A[item * ${W}u + blk * ${BB}u + i * ${B}u + j - unroll_u.base_A]; }${plainMain}
  let item = unroll_u.first + id;
  let q = item / unroll_u.T;
  let t = item % unroll_u.T;
  let kappa = unroll_u.lambda / (unroll_u.lambda + 1.0);
  for (var k = 0u; k < ${E}u; k++) { unroll_E[item * ${E}u + k - unroll_u.base_E] = 0.0; }
  for (var blk = 0u; blk < ${D / B}u; blk++) {
    let o = item * ${E}u + blk * ${EB}u - unroll_u.base_E;
    for (var i = 0u; i < ${B}u; i++) {
      let y = unroll_observe(q, t, blk * ${B}u + i);
      var c = unroll_B[item * ${D}u + blk * ${B}u + i - unroll_u.base_B];
      if (t == 0u) {
        for (var j = 0u; j < ${B}u; j++) { c += unroll_a(item, blk, i, j) * unroll_s0[q * ${D}u + blk * ${B}u + j - unroll_u.base_s0]; }
      }
      unroll_E[o + ${BB}u + i] = (1.0 - kappa) * c + kappa * y;
      unroll_E[o + ${BB + B}u + i * ${B}u + i] = 1.0 - kappa;
    }
    if (t == 0u) { continue; }
    for (var i = 0u; i < ${B}u; i++) { for (var j = 0u; j < ${B}u; j++) { unroll_E[o + i * ${B}u + j] = (1.0 - kappa) * unroll_a(item, blk, i, j); } }
    // λ = 0 observes nothing: η = J = 0 exactly (left zero), even where F or y − c overflow.
    if (unroll_u.lambda == 0.0) { continue; }
    for (var j = 0u; j < ${B}u; j++) {
      var acc = 0.0;
      for (var i = 0u; i < ${B}u; i++) {
        let y = unroll_observe(q, t, blk * ${B}u + i);
        acc += unroll_a(item, blk, i, j) * (y - unroll_B[item * ${D}u + blk * ${B}u + i - unroll_u.base_B]);
      }
      unroll_E[o + ${2 * BB + B}u + j] = kappa * acc;
      for (var k = 0u; k < ${B}u; k++) {
        var sum = 0.0;
        for (var i = 0u; i < ${B}u; i++) { sum += unroll_a(item, blk, i, j) * unroll_a(item, blk, i, k); }
        unroll_E[o + ${2 * BB + 2 * B}u + j * ${B}u + k] = kappa * sum;
      }
    }
  }
}`;
  return {
    label: `elk elements D=${D} B=${B}${windowed ? ' windowed' : ''}`,
    storage: [
      { name: 's0', access: 'read' },
      { name: 'cur', access: 'read' },
      ...(windowed ? [{ name: 'win', access: 'read' } as const] : []),
      { name: 'A', access: 'read' },
      { name: 'B', access: 'read' },
      { name: 'E', access: 'read_write' },
    ],
    uniforms: [['T', 'u32'], ['lambda', 'f32'], ...(windowed ? ([['trajectory', 'u32']] as const) : [])],
    lanes: 1,
    body,
  };
}

/** One thread per state entry: the filtered mean, the `b` part of the scanned element, is the candidate. */
export function kalmanMeansKernel(D: number, B = D): KernelSpec {
  const EB = 3 * B * B + 2 * B, E = (D / B) * EB;
  const body = `${plainMain}
  let k = unroll_u.first + id;
  let item = k / ${D}u;
  let i = k % ${D}u;
  // Entry i of the mean is entry i % B of block i / B's b part.
  unroll_next[k - unroll_u.base_next] = unroll_P[item * ${E}u + (i / ${B}u) * ${EB}u + ${B * B}u + i % ${B}u - unroll_u.base_P];
}`;
  return {
    label: `elk means D=${D} B=${B}`,
    storage: [
      { name: 'P', access: 'read' },
      { name: 'next', access: 'read_write' },
    ],
    uniforms: [],
    lanes: 1,
    body,
  };
}
