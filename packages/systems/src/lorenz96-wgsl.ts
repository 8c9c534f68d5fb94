import type { DynamicsWgslSpec } from '@unroll/linearize';
import type { Integrator } from './flow.js';
import { packParams } from './wgsl-params.js';

/**
 * The WGSL of `lorenz96`: one explicit integrator step of
 * `ẋ_i = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F` on a ring of D ≥ 4 sites in f32, with the
 * exact Jacobian of the discrete step (as `integrate` builds it on the CPU):
 *
 * - Euler: `x' = x + h f(x)`, `J = I + h ∂f(x)`;
 * - RK4: `x' = x + h/6 (k₁ + 2k₂ + 2k₃ + k₄)` at the stage points `x, y₂ = x + h/2 k₁,
 *   y₃ = x + h/2 k₂, y₄ = x + h k₃`, and `J = I + h/6 (K₁ + 2K₂ + 2K₃ + K₄)` with
 *   `K₁ = ∂f(x)`, `K₂ = ∂f(y₂)(I + h/2 K₁)`, `K₃ = ∂f(y₃)(I + h/2 K₂)`, `K₄ = ∂f(y₄)(I + h K₃)`.
 *
 * Column j of J is pushed through the stages as a tangent vector (`K₂ e_j = ∂f(y₂)(e_j +
 * h/2 K₁ e_j)`, …). ∂f has four entries per column, so a tangent started at site j stays
 * within sites j − 4 … j + 8 for RK4: it is held in a 13-entry window on the unrolled ring
 * and folded back mod D at the end (exact for any D ≥ 4, since ∂f commutes with the
 * rotation of the ring). `jacobian` thus costs O(D²) with O(D) scratch, and `diagonal`
 * O(D) per entry — without forming any D×D product, where the CPU's generic `integrate`
 * multiplies D×D matrices.
 *
 * `params` layout: `[F, h, h/2, h/6]`.
 */
export function lorenz96Wgsl(F: number, h: number, integrator: Integrator): DynamicsWgslSpec {
  const { params } = packParams('lorenz96', [['[forcing, dt, dt/2, dt/6]', [F, h, 0.5 * h, h / 6]]]);
  const source = /* wgsl */ `
const L96_RK4: bool = ${integrator === 'rk4'};
alias L96Window = array<f32, 13>; // tangent entries at sites j − 4 … j + 8 of the unrolled ring

// Site i + d on the ring of D sites.
fn l96_site(i: u32, d: i32) -> u32 {
  let m = i32(D);
  return u32(((i32(i) + d) % m + m) % m);
}

// ẋ_i = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F
fn l96_f(x: ptr<function, State>) -> State {
  var out: State;
  for (var i = 0u; i < D; i++) {
    out[i] = ((*x)[l96_site(i, 1)] - (*x)[l96_site(i, -2)]) * (*x)[l96_site(i, -1)] - (*x)[i] + params[0];
  }
  return out;
}

// The stage points y₁ = x, y₂ = x + h/2 k₁, y₃ = x + h/2 k₂, y₄ = x + h k₃ and the slopes
// k_m = f(y_m) (only y₁, k₁ for Euler).
struct L96Stages { y: array<State, 4>, k: array<State, 4> }

fn l96_stages(s: State) -> L96Stages {
  var st: L96Stages;
  var y = s;
  st.y[0] = y;
  var k = l96_f(&y);
  st.k[0] = k;
  if (L96_RK4) {
    for (var m = 1u; m < 4u; m++) {
      var c = params[2];
      if (m == 3u) { c = params[1]; }
      for (var i = 0u; i < D; i++) { y[i] = st.y[0][i] + c * k[i]; }
      st.y[m] = y;
      k = l96_f(&y);
      st.k[m] = k;
    }
  }
  return st;
}

// x' = x + h f(x) (Euler) or x + h/6 (k₁ + 2k₂ + 2k₃ + k₄) (RK4)
fn step(t: u32, s: State) -> State {
  var st = l96_stages(s);
  var out: State;
  for (var i = 0u; i < D; i++) {
    if (L96_RK4) {
      out[i] = st.y[0][i] + params[3] * (st.k[0][i] + 2.0 * st.k[1][i] + 2.0 * st.k[2][i] + st.k[3][i]);
    } else {
      out[i] = st.y[0][i] + params[1] * st.k[0][i];
    }
  }
  return out;
}

// Window entry w (0 outside the window: the tangent is zero there).
fn l96_at(v: ptr<function, L96Window>, w: i32) -> f32 {
  if (w < 0 || w > 12) { return 0.0; }
  return (*v)[w];
}

// u = ∂f(y) v at the stage point y = y_m, for a tangent v in the window around site j
// (entry w ↔ site j + w − 4): (∂f v)_r = (v_{r+1} − v_{r−2}) y_{r−1} + v_{r−1} (y_{r+1} − y_{r−2}) − v_r.
fn l96_apply(st: ptr<function, L96Stages>, m: u32, j: u32, v: ptr<function, L96Window>) -> L96Window {
  var u: L96Window;
  for (var w = 0; w < 13; w++) {
    let r = l96_site(j, w - 4);
    u[w] = (l96_at(v, w + 1) - l96_at(v, w - 2)) * (*st).y[m][l96_site(r, -1)]
      + l96_at(v, w - 1) * ((*st).y[m][l96_site(r, 1)] - (*st).y[m][l96_site(r, -2)])
      - (*v)[w];
  }
  return u;
}

// (J − I) e_j in the window around site j: h ∂f(x) e_j (Euler) or
// h/6 (K₁ + 2K₂ + 2K₃ + K₄) e_j with K_m e_j = ∂f(y_m)(e_j + c_m K_{m−1} e_j) (RK4).
fn l96_column(st: ptr<function, L96Stages>, j: u32) -> L96Window {
  var e: L96Window;
  e[4] = 1.0;
  var kv = l96_apply(st, 0u, j, &e);
  var acc: L96Window;
  if (!L96_RK4) {
    for (var w = 0; w < 13; w++) { acc[w] = params[1] * kv[w]; }
    return acc;
  }
  acc = kv;
  for (var m = 1u; m < 4u; m++) {
    var c = params[2];
    if (m == 3u) { c = params[1]; }
    var v: L96Window;
    for (var w = 0; w < 13; w++) { v[w] = e[w] + c * kv[w]; }
    kv = l96_apply(st, m, j, &v);
    var b = 2.0;
    if (m == 3u) { b = 1.0; }
    for (var w = 0; w < 13; w++) { acc[w] += b * kv[w]; }
  }
  for (var w = 0; w < 13; w++) { acc[w] = params[3] * acc[w]; }
  return acc;
}

// J_ii = 1 + the window entries that fold onto site i.
fn diagonal(t: u32, s: State) -> State {
  var st = l96_stages(s);
  var out: State;
  for (var i = 0u; i < D; i++) {
    var col = l96_column(&st, i);
    var acc = 0.0;
    for (var w = 0; w < 13; w++) {
      if (l96_site(i, w - 4) == i) { acc += col[w]; }
    }
    out[i] = 1.0 + acc;
  }
  return out;
}

// Column j of J: the window folded onto the ring, plus the identity.
fn jacobian(t: u32, s: State) -> Jacobian {
  var st = l96_stages(s);
  var J: Jacobian;
  for (var j = 0u; j < D; j++) {
    var col = l96_column(&st, j);
    for (var w = 0; w < 13; w++) {
      J[l96_site(j, w - 4) * D + j] += col[w];
    }
  }
  for (var i = 0u; i < D; i++) { J[i * D + i] += 1.0; }
  return J;
}
`;
  return { source, params };
}
