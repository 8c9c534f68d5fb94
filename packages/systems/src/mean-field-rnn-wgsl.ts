import type { DynamicsWgslSpec } from '@unroll/linearize';
import { packParams } from './wgsl-params.js';

/**
 * The WGSL of `meanFieldRnn`: `s_t = W tanh(s_{t−1}) + u_t`, `J_ij = W_ij (1 − tanh² s_j)`
 * in f32, from the weights the CPU system drew. `params` layout: `W` (`[D][D]`,
 * row-major), then the inputs `[T][D]` (`inputs`, flat); f_t reads row t − 1 and sees zero
 * input past the last row, as on the CPU. The diagonal `W_ii (1 − tanh² s_i)` is zero
 * (W_ii = 0) but computed, not assumed; `vjp` is `(vᵀW) ⊙ (1 − tanh² s)`.
 */
export function meanFieldRnnWgsl(D: number, W: Float64Array, inputs: Float64Array): DynamicsWgslSpec {
  const { params, offsets } = packParams('meanFieldRnn', [['weights', W], ['inputs', inputs]]);
  const source = /* wgsl */ `
const MF_W: u32 = ${offsets['weights'] ?? 0}u;    // W, [D][D] row-major
const MF_U: u32 = ${offsets['inputs'] ?? 0}u;     // inputs u, [MF_ROWS][D]
const MF_ROWS: u32 = ${inputs.length / D}u;       // f_t reads row t − 1, zero past the last

// tanh saturates to ±1 in f32 beyond |v| ≈ 9; clamping keeps exp-based tanh implementations
// from overflowing to inf/inf for large states.
fn mf_tanh(v: f32) -> f32 { return tanh(clamp(v, -10.0, 10.0)); }

// s_t = W tanh(s_{t−1}) + u_t
fn step(t: u32, s: State) -> State {
  var x = s; // a var: dynamic indexing of a value array may copy it per access
  var th: State;
  for (var j = 0u; j < D; j++) { th[j] = mf_tanh(x[j]); }
  let has_u = t >= 1u && t <= MF_ROWS;
  var uo = 0u;
  if (has_u) { uo = MF_U + (t - 1u) * D; }
  var out: State;
  for (var i = 0u; i < D; i++) {
    var acc = 0.0;
    if (has_u) { acc = params[uo + i]; }
    for (var j = 0u; j < D; j++) { acc += params[MF_W + i * D + j] * th[j]; }
    out[i] = acc;
  }
  return out;
}

// J_ii = W_ii (1 − tanh² s_i)
fn diagonal(t: u32, s: State) -> State {
  var x = s;
  var out: State;
  for (var i = 0u; i < D; i++) {
    let c = mf_tanh(x[i]);
    out[i] = params[MF_W + i * D + i] * (1.0 - c * c);
  }
  return out;
}

// J_ij = W_ij (1 − tanh² s_j)
fn jacobian(t: u32, s: State) -> Jacobian {
  var x = s;
  var dth: State;
  for (var j = 0u; j < D; j++) {
    let c = mf_tanh(x[j]);
    dth[j] = 1.0 - c * c;
  }
  var J: Jacobian;
  for (var i = 0u; i < D; i++) {
    for (var j = 0u; j < D; j++) { J[i * D + j] = params[MF_W + i * D + j] * dth[j]; }
  }
  return J;
}

// (vᵀJ)_j = (Σ_i v_i W_ij)(1 − tanh² s_j)
fn vjp(t: u32, s: State, v: State) -> State {
  var x = s;
  var w = v;
  var out: State;
  for (var j = 0u; j < D; j++) {
    var acc = 0.0;
    for (var i = 0u; i < D; i++) { acc += w[i] * params[MF_W + i * D + j]; }
    let c = mf_tanh(x[j]);
    out[j] = acc * (1.0 - c * c);
  }
  return out;
}
`;
  return { source, params };
}
