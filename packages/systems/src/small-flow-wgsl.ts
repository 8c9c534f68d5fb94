import type { DynamicsWgslSpec } from '@unroll/linearize';
import type { Integrator } from './flow.js';
import { packParams } from './wgsl-params.js';

/**
 * The WGSL of `integrate(flow, dt, integrator)` for a flow of a few dimensions, from the
 * flow's own WGSL: `flowSource` defines `fn flow(x: State) -> State` (dx/dt) and
 * `fn flow_jacobian(x: State) -> Jacobian` (∂f/∂x, row-major), reading `flowParams` as
 * `params[0 …]`. The step and its exact Jacobian are those of flow.ts:
 *
 * - Euler: `x' = x + h f(x)`, `J = I + h F(x)`;
 * - RK4: `x' = x + h/6 (k₁ + 2k₂ + 2k₃ + k₄)` and `J = I + h/6 (K₁ + 2K₂ + 2K₃ + K₄)` with
 *   `K₁ = F(x)`, `K_m = F(y_m)(I + c_m K_{m−1})` at the stage points y_m (c = h/2, h/2, h).
 *
 * The D×D products cost O(D³) per step and the diagonal is read off the whole Jacobian:
 * meant for Lorenz-63 and Rössler (D = 3), not for large rings (Lorenz-96 has its own).
 * `params` layout: the flow's numbers, then `[h, h/2, h/6]`.
 */
export function smallFlowWgsl(where: string, flowSource: string, flowParams: ArrayLike<number>, dt: number, integrator: Integrator): DynamicsWgslSpec {
  const { params, offsets } = packParams(where, [['flow params', flowParams], ['[dt, dt/2, dt/6]', [dt, 0.5 * dt, dt / 6]]]);
  const source = /* wgsl */ `${flowSource}
const FL_RK4: bool = ${integrator === 'rk4'};
const FL_H: u32 = ${offsets['[dt, dt/2, dt/6]'] ?? 0}u; // h, h/2, h/6

// The stage points y₁ = x, y₂ = x + h/2 k₁, y₃ = x + h/2 k₂, y₄ = x + h k₃ and the slopes
// k_m = f(y_m) (only y₁, k₁ for Euler).
struct FlStages { y: array<State, 4>, k: array<State, 4> }

fn fl_stages(s: State) -> FlStages {
  var st: FlStages;
  st.y[0] = s;
  st.k[0] = flow(s);
  if (FL_RK4) {
    for (var m = 1u; m < 4u; m++) {
      var c = params[FL_H + 1u];
      if (m == 3u) { c = params[FL_H]; }
      var y: State;
      for (var i = 0u; i < D; i++) { y[i] = st.y[0][i] + c * st.k[m - 1u][i]; }
      st.y[m] = y;
      st.k[m] = flow(y);
    }
  }
  return st;
}

// x' = x + h f(x) (Euler) or x + h/6 (k₁ + 2k₂ + 2k₃ + k₄) (RK4)
fn step(t: u32, s: State) -> State {
  var st = fl_stages(s);
  var out: State;
  for (var i = 0u; i < D; i++) {
    if (FL_RK4) {
      out[i] = st.y[0][i] + params[FL_H + 2u] * (st.k[0][i] + 2.0 * st.k[1][i] + 2.0 * st.k[2][i] + st.k[3][i]);
    } else {
      out[i] = st.y[0][i] + params[FL_H] * st.k[0][i];
    }
  }
  return out;
}

// J = I + h F(x) (Euler) or I + h/6 (K₁ + 2K₂ + 2K₃ + K₄), K_m = F(y_m)(I + c_m K_{m−1}) (RK4).
fn fl_jacobian(s: State) -> Jacobian {
  var st = fl_stages(s);
  var K = flow_jacobian(s);
  var J: Jacobian;
  if (FL_RK4) {
    J = K;
    for (var m = 1u; m < 4u; m++) {
      var c = params[FL_H + 1u];
      var b = 2.0;
      if (m == 3u) { c = params[FL_H]; b = 1.0; }
      var F = flow_jacobian(st.y[m]);
      var next: Jacobian;
      for (var i = 0u; i < D; i++) {
        for (var j = 0u; j < D; j++) {
          var acc = F[i * D + j];
          for (var k = 0u; k < D; k++) { acc += c * F[i * D + k] * K[k * D + j]; }
          next[i * D + j] = acc;
        }
      }
      K = next;
      for (var e = 0u; e < D * D; e++) { J[e] += b * K[e]; }
    }
    for (var e = 0u; e < D * D; e++) { J[e] = params[FL_H + 2u] * J[e]; }
  } else {
    for (var e = 0u; e < D * D; e++) { J[e] = params[FL_H] * K[e]; }
  }
  for (var i = 0u; i < D; i++) { J[i * D + i] += 1.0; }
  return J;
}

fn jacobian(t: u32, s: State) -> Jacobian { return fl_jacobian(s); }

fn diagonal(t: u32, s: State) -> State {
  var J = fl_jacobian(s);
  var out: State;
  for (var i = 0u; i < D; i++) { out[i] = J[i * D + i]; }
  return out;
}
`;
  return { source, params };
}
