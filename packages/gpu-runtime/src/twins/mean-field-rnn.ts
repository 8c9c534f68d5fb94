import { meanFieldRnn, type MeanFieldRnnParams } from '@unroll/systems';
import { twinParams } from '../check-input.js';
import { defineGpuDynamics, type GpuDynamics } from '../gpu-dynamics.js';

/**
 * The WGSL twin of `meanFieldRnn` from `@unroll/systems`: `s_t = W tanh(s_{t−1}) + u_t`
 * in f32 on the GPU, with the weights `W_ij ~ N(0, g²/D)` (zero diagonal) drawn by the CPU
 * system from the same `seed`. Jacobian `J_ij = W_ij (1 − tanh² s_j)`; its diagonal is
 * `W_ii (1 − tanh² s_i)`, which is zero (W_ii = 0) but computed, not assumed.
 *
 * `params` layout (f32): `W` (`[D][D]`, row-major), then the inputs `[T][D]`; f_t reads
 * row t − 1 and sees zero input past the last row, as on the CPU.
 *
 * @example
 * ```ts
 * const dyn = meanFieldRnnTwin({ dim: 32, g: 0.9, seed: 7 });
 * ```
 */
export function meanFieldRnnTwin(params: MeanFieldRnnParams): GpuDynamics {
  // The CPU system validates dim, g and the inputs' shape, and draws W from the seed.
  twinParams('twins.meanFieldRnn', params, '{ dim: 32, g: 0.9, seed: 7 }');
  const cpu = meanFieldRnn(params);
  const D = params.dim;
  const u = flatRows(params.inputs);
  const rows = u.length / D;
  const values: number[] = Array.from(cpu.weights);
  const inputOffset = values.length;
  for (let i = 0; i < u.length; i++) values.push(u[i] ?? 0);

  const wgsl = /* wgsl */ `
const MF_W: u32 = 0u;                // W, [D][D] row-major
const MF_U: u32 = ${inputOffset}u;   // inputs u, [MF_ROWS][D]
const MF_ROWS: u32 = ${rows}u;       // f_t reads row t − 1, zero past the last

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
`;
  return defineGpuDynamics({ dim: D, wgsl, params: values, name: cpu.name ?? 'mean-field-rnn' });
}

/** `[T][width]` rows (nested or flat, already validated by the CPU system) as one flat list. */
function flatRows(rows: MeanFieldRnnParams['inputs']): ArrayLike<number> {
  if (rows === undefined) return [];
  if (rows instanceof Float32Array || rows instanceof Float64Array) return rows;
  return Array.from(rows, (row) => Array.from(row)).flat();
}
