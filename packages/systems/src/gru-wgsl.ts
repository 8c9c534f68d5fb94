import type { DynamicsWgslSpec } from '@unroll/linearize';
import { packParams } from './wgsl-params.js';

/** The GRU's numbers, as `gru` resolved them (seeded weights drawn, inputs flattened). */
export interface GruWgslInput {
  readonly inputDim: number;
  readonly weights: Readonly<Record<'Wir' | 'Wiz' | 'Win' | 'Whr' | 'Whz' | 'Whn' | 'bir' | 'biz' | 'bin' | 'bhr' | 'bhz' | 'bhn', ArrayLike<number>>>;
  /** `[T][inputDim]`, flat. */
  readonly inputs: Float64Array;
}

const parts = ['Wir', 'Wiz', 'Win', 'Whr', 'Whz', 'Whn', 'bir', 'biz', 'bin', 'bhr', 'bhz', 'bhn'] as const;

/**
 * The WGSL of `gru`: the same cell and closed-form derivatives in f32 (the equations are
 * in gru.ts). `params` layout: `W_ir, W_iz, W_in` (`[D][I]` each), `W_hr, W_hz, W_hn`
 * (`[D][D]` each), `b_ir, b_iz, b_in, b_hr, b_hz, b_hn` (`[D]` each), then the inputs
 * `[T][I]`; f_t reads input row t − 1 and sees zero input past the last row, as on the CPU.
 */
export function gruWgsl(g: GruWgslInput): DynamicsWgslSpec {
  const I = g.inputDim;
  const { params, offsets } = packParams('gru', [...parts.map((k) => [`weights.${k}`, g.weights[k]] as const), ['inputs', g.inputs]]);
  const off = (k: string): string => `${offsets[k] ?? 0}u`;
  const rows = I > 0 ? g.inputs.length / I : 0;
  const source = /* wgsl */ `
// GRU cell, PyTorch convention (equations in gru.ts).
const GRU_I: u32 = ${I}u;        // input width
const GRU_ROWS: u32 = ${rows}u;  // rows of inputs; f_t reads row t − 1, zero past the last
const GRU_WIR: u32 = ${off('weights.Wir')};
const GRU_WIZ: u32 = ${off('weights.Wiz')};
const GRU_WIN: u32 = ${off('weights.Win')};
const GRU_WHR: u32 = ${off('weights.Whr')};
const GRU_WHZ: u32 = ${off('weights.Whz')};
const GRU_WHN: u32 = ${off('weights.Whn')};
const GRU_BIR: u32 = ${off('weights.bir')};
const GRU_BIZ: u32 = ${off('weights.biz')};
const GRU_BIN: u32 = ${off('weights.bin')};
const GRU_BHR: u32 = ${off('weights.bhr')};
const GRU_BHZ: u32 = ${off('weights.bhz')};
const GRU_BHN: u32 = ${off('weights.bhn')};
const GRU_X: u32 = ${off('inputs')};

struct GruGates { r: State, z: State, n: State, a: State }

fn gru_sigmoid(v: f32) -> f32 { return 1.0 / (1.0 + exp(-v)); }

// tanh saturates to ±1 in f32 beyond |v| ≈ 9; clamping keeps exp-based tanh implementations
// from overflowing to inf/inf for large pre-activations.
fn gru_tanh(v: f32) -> f32 { return tanh(clamp(v, -10.0, 10.0)); }

// r, z, n and a = W_hn h + b_hn at state h for step t.
fn gru_gates(t: u32, s: State) -> GruGates {
  var h = s;
  var g: GruGates;
  let has_x = t >= 1u && t <= GRU_ROWS;
  var xo = 0u;
  if (has_x) { xo = GRU_X + (t - 1u) * GRU_I; }
  for (var i = 0u; i < D; i++) {
    var ar = params[GRU_BIR + i] + params[GRU_BHR + i];
    var az = params[GRU_BIZ + i] + params[GRU_BHZ + i];
    var an = params[GRU_BIN + i];
    var ah = params[GRU_BHN + i];
    if (has_x) {
      for (var k = 0u; k < GRU_I; k++) {
        let xk = params[xo + k];
        ar += params[GRU_WIR + i * GRU_I + k] * xk;
        az += params[GRU_WIZ + i * GRU_I + k] * xk;
        an += params[GRU_WIN + i * GRU_I + k] * xk;
      }
    }
    for (var j = 0u; j < D; j++) {
      let hj = h[j];
      ar += params[GRU_WHR + i * D + j] * hj;
      az += params[GRU_WHZ + i * D + j] * hj;
      ah += params[GRU_WHN + i * D + j] * hj;
    }
    let r = gru_sigmoid(ar);
    g.r[i] = r;
    g.z[i] = gru_sigmoid(az);
    g.a[i] = ah;
    g.n[i] = gru_tanh(an + r * ah);
  }
  return g;
}

// h' = (1 − z) ⊙ n + z ⊙ h
fn step(t: u32, s: State) -> State {
  var h = s;
  var g = gru_gates(t, s);
  var out: State;
  for (var i = 0u; i < D; i++) { out[i] = (1.0 - g.z[i]) * g.n[i] + g.z[i] * h[i]; }
  return out;
}

// ∂h'_i/∂h_j = z_i δ_ij + cz_i W_hz[i,j] + cn_i W_hn[i,j] + cr_i W_hr[i,j] with the row factors
// cz = (h − n) z(1 − z), cn = (1 − z)(1 − n²) r, cr = (1 − z)(1 − n²) a r(1 − r).
fn gru_entry(g: ptr<function, GruGates>, h: ptr<function, State>, i: u32, j: u32) -> f32 {
  let z = (*g).z[i];
  let r = (*g).r[i];
  let n = (*g).n[i];
  let dn = (1.0 - z) * (1.0 - n * n);
  var e = ((*h)[i] - n) * z * (1.0 - z) * params[GRU_WHZ + i * D + j]
    + dn * (r * params[GRU_WHN + i * D + j] + (*g).a[i] * r * (1.0 - r) * params[GRU_WHR + i * D + j]);
  if (i == j) { e += z; }
  return e;
}

fn diagonal(t: u32, s: State) -> State {
  var h = s;
  var g = gru_gates(t, s);
  var out: State;
  for (var i = 0u; i < D; i++) { out[i] = gru_entry(&g, &h, i, i); }
  return out;
}

fn jacobian(t: u32, s: State) -> Jacobian {
  var h = s;
  var g = gru_gates(t, s);
  var J: Jacobian;
  for (var i = 0u; i < D; i++) {
    for (var j = 0u; j < D; j++) { J[i * D + j] = gru_entry(&g, &h, i, j); }
  }
  return J;
}

// (vᵀJ)_j = Σ_i v_i ∂h'_i/∂h_j, without forming J.
fn vjp(t: u32, s: State, v: State) -> State {
  var h = s;
  var w = v;
  var g = gru_gates(t, s);
  var out: State;
  for (var j = 0u; j < D; j++) {
    var acc = 0.0;
    for (var i = 0u; i < D; i++) { acc += w[i] * gru_entry(&g, &h, i, j); }
    out[j] = acc;
  }
  return out;
}
`;
  return { source, params };
}
