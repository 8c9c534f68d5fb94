import { gru, type GruParams } from '@unroll/systems';
import { finiteF32, twinParams } from '../check-input.js';
import { defineGpuDynamics, type GpuDynamics } from '../gpu-dynamics.js';

/**
 * The WGSL twin of `gru` from `@unroll/systems`: the same GRU cell (PyTorch convention)
 * in f32 on the GPU, for the same `params` (explicit `weights`, or a `seed` resolved by
 * the CPU system so both draw identical weights).
 *
 *     r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h
 *
 *     ∂h'_i/∂h_j = z_i δ_ij + (h_i − n_i) z_i(1 − z_i) W_hz[i,j]
 *                 + (1 − z_i)(1 − n_i²)(r_i W_hn[i,j] + a_i r_i(1 − r_i) W_hr[i,j]),  a = W_hn h + b_hn.
 *
 * `params` layout (f32): `W_ir, W_iz, W_in` (`[D][I]` each), `W_hr, W_hz, W_hn` (`[D][D]`
 * each), `b_ir, b_iz, b_in, b_hr, b_hz, b_hn` (`[D]` each), then the inputs `[T][I]`;
 * f_t reads input row t − 1 and sees zero input past the last row, as on the CPU.
 *
 * @example
 * ```ts
 * const dyn = gruTwin({ dim: 8, inputDim: 3, seed: 1, inputs });
 * ```
 */
export function gruTwin(params: GruParams): GpuDynamics {
  // The CPU system validates dim/inputDim/weights/inputs and resolves a seed to weights.
  twinParams('twins.gru', params, '{ dim: 8, inputDim: 0, seed: 1 }');
  const cpu = gru(params);
  const { dim: D, inputDim: I } = params;
  const w = cpu.weights;
  // Named checks before the values are packed: past float32's range they would be ±∞ on
  // the device, and the packed index would not tell the caller which field it was.
  const x = finiteF32('twins.gru', 'inputs (flattened)', flatRows(params.inputs));
  const rows = I > 0 ? x.length / I : 0;

  const values: number[] = [];
  const offsets: Record<string, number> = {};
  for (const k of ['Wir', 'Wiz', 'Win', 'Whr', 'Whz', 'Whn', 'bir', 'biz', 'bin', 'bhr', 'bhz', 'bhn'] as const) {
    offsets[k] = values.length;
    const wk = finiteF32('twins.gru', `weights.${k}`, w[k]);
    for (let i = 0; i < wk.length; i++) values.push(wk[i] ?? 0);
  }
  const inputOffset = values.length;
  if (I > 0) for (let i = 0; i < x.length; i++) values.push(x[i] ?? 0);
  const off = (k: string): string => `${offsets[k] ?? 0}u`;

  const wgsl = /* wgsl */ `
// GRU cell, PyTorch convention (see the TypeScript twin for the equations).
const GRU_I: u32 = ${I}u;        // input width
const GRU_ROWS: u32 = ${rows}u;  // rows of inputs; f_t reads row t − 1, zero past the last
const GRU_WIR: u32 = ${off('Wir')};
const GRU_WIZ: u32 = ${off('Wiz')};
const GRU_WIN: u32 = ${off('Win')};
const GRU_WHR: u32 = ${off('Whr')};
const GRU_WHZ: u32 = ${off('Whz')};
const GRU_WHN: u32 = ${off('Whn')};
const GRU_BIR: u32 = ${off('bir')};
const GRU_BIZ: u32 = ${off('biz')};
const GRU_BIN: u32 = ${off('bin')};
const GRU_BHR: u32 = ${off('bhr')};
const GRU_BHZ: u32 = ${off('bhz')};
const GRU_BHN: u32 = ${off('bhn')};
const GRU_X: u32 = ${inputOffset}u;

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
`;
  return defineGpuDynamics({ dim: D, wgsl, params: values, name: cpu.name ?? 'gru' });
}

/** `[T][width]` rows (nested or flat, already validated by the CPU system) as one flat list. */
function flatRows(rows: GruParams['inputs']): ArrayLike<number> {
  if (rows === undefined) return [];
  if (rows instanceof Float32Array || rows instanceof Float64Array) return rows;
  return Array.from(rows, (row) => Array.from(row)).flat();
}
