import type { KernelSpec } from './kernel.js';
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
export function kalmanAlgebra(D: number): StructureAlgebra {
  const E = 3 * D * D + 2 * D;
  const oA = 0, ob = D * D, oC = D * D + D, oEta = 2 * D * D + D, oJ = 2 * D * D + 2 * D;
  const DD = D * D;
  const source = `
const kalman_D: u32 = ${D}u;
alias KalmanMatrix = array<f32, ${DD}>;
alias KalmanVector = array<f32, ${D}>;
fn kalman_get(e: Element, o: u32) -> KalmanMatrix { var m: KalmanMatrix; for (var k = 0u; k < ${DD}u; k++) { m[k] = e[o + k]; } return m; }
fn kalman_vec(e: Element, o: u32) -> KalmanVector { var v: KalmanVector; for (var k = 0u; k < ${D}u; k++) { v[k] = e[o + k]; } return v; }
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
  for (var i = 0u; i < kalman_D; i++) { e[${oA}u + i * kalman_D + i] = 1.0; }
  return e;
}
fn monoid_combine(x: Element, z: Element) -> Element {
  let Ax = kalman_get(x, ${oA}u); let bx = kalman_vec(x, ${ob}u); let Cx = kalman_get(x, ${oC}u); let ex = kalman_vec(x, ${oEta}u); let Jx = kalman_get(x, ${oJ}u);
  let Az = kalman_get(z, ${oA}u); let bz = kalman_vec(z, ${ob}u); let Cz = kalman_get(z, ${oC}u); let ez = kalman_vec(z, ${oEta}u); let Jz = kalman_get(z, ${oJ}u);
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
  var out: Element;
  for (var k = 0u; k < ${DD}u; k++) {
    out[${oA}u + k] = A[k];
    out[${oC}u + k] = C0[k] + Cz[k];
    out[${oJ}u + k] = J0[k] + Jx[k];
  }
  for (var i = 0u; i < kalman_D; i++) {
    out[${ob}u + i] = b0[i] + bz[i];
    out[${oEta}u + i] = e0[i] + ex[i];
  }
  return out;
}`;
  return { name: `kalman D=${D}`, width: E, source };
}

/**
 * One thread per (sequence, step): the step's Kalman element from the linearization's
 * dense (Ã_t, b_t), the current iterate y_t and s_0 (see {@link kalmanAlgebra}).
 */
export function kalmanElementsKernel(D: number, windowed = false): KernelSpec {
  const DD = D * D, E = 3 * DD + 2 * D;
  // Windowed: T = w compact rows per sequence, s0 is the window's start state, and y is
  // read at the window's place in the trajectory (zero past a short last window).
  const observe = windowed ? 'unroll_observe(q, t, i)' : `unroll_cur[item * ${D}u + i - unroll_u.base_cur]`;
  const observer = windowed
    ? `
fn unroll_observe(q: u32, t: u32, i: u32) -> f32 {
  if (t >= bitcast<u32>(unroll_win[1u - unroll_u.base_win])) { return 0.0; }
  return unroll_cur[(q * unroll_u.trajectory + bitcast<u32>(unroll_win[0u - unroll_u.base_win]) + t) * ${D}u + i - unroll_u.base_cur];
}`
    : '';
  const body = `${observer}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) li: u32) {
  let id = unroll_thread(wg, li);
  if (id >= unroll_u.count) { return; }
  let item = unroll_u.first + id;
  let q = item / unroll_u.T;
  let t = item % unroll_u.T;
  let kappa = unroll_u.lambda / (unroll_u.lambda + 1.0);
  let o = item * ${E}u - unroll_u.base_E;
  for (var k = 0u; k < ${E}u; k++) { unroll_E[o + k] = 0.0; }
  for (var i = 0u; i < ${D}u; i++) {
    let y = ${observe};
    var c = unroll_B[item * ${D}u + i - unroll_u.base_B];
    if (t == 0u) {
      for (var j = 0u; j < ${D}u; j++) { c += unroll_A[item * ${DD}u + i * ${D}u + j - unroll_u.base_A] * unroll_s0[q * ${D}u + j - unroll_u.base_s0]; }
    }
    unroll_E[o + ${DD}u + i] = (1.0 - kappa) * c + kappa * y;
    unroll_E[o + ${DD + D}u + i * ${D}u + i] = 1.0 - kappa;
  }
  if (t == 0u) { return; }
  for (var k = 0u; k < ${DD}u; k++) { unroll_E[o + k] = (1.0 - kappa) * unroll_A[item * ${DD}u + k - unroll_u.base_A]; }
  // λ = 0 observes nothing: η = J = 0 exactly (left zero), even where F or y − c overflow.
  if (unroll_u.lambda == 0.0) { return; }
  for (var j = 0u; j < ${D}u; j++) {
    var acc = 0.0;
    for (var i = 0u; i < ${D}u; i++) {
      let y = ${observe};
      acc += unroll_A[item * ${DD}u + i * ${D}u + j - unroll_u.base_A] * (y - unroll_B[item * ${D}u + i - unroll_u.base_B]);
    }
    unroll_E[o + ${2 * DD + D}u + j] = kappa * acc;
    for (var k = 0u; k < ${D}u; k++) {
      var s = 0.0;
      for (var i = 0u; i < ${D}u; i++) { s += unroll_A[item * ${DD}u + i * ${D}u + j - unroll_u.base_A] * unroll_A[item * ${DD}u + i * ${D}u + k - unroll_u.base_A]; }
      unroll_E[o + ${2 * DD + 2 * D}u + j * ${D}u + k] = kappa * s;
    }
  }
}`;
  return {
    label: `elk dense elements D=${D}${windowed ? ' windowed' : ''}`,
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
export function kalmanMeansKernel(D: number): KernelSpec {
  const E = 3 * D * D + 2 * D;
  const body = `
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) li: u32) {
  let id = unroll_thread(wg, li);
  if (id >= unroll_u.count) { return; }
  let k = unroll_u.first + id;
  let item = k / ${D}u;
  let i = k % ${D}u;
  unroll_next[k - unroll_u.base_next] = unroll_P[item * ${E}u + ${D * D}u + i - unroll_u.base_P];
}`;
  return {
    label: `elk dense means D=${D}`,
    storage: [
      { name: 'P', access: 'read' },
      { name: 'next', access: 'read_write' },
    ],
    uniforms: [],
    lanes: 1,
    body,
  };
}
