import { packParams } from './wgsl-params.js';

/**
 * A potential's WGSL, for the WGSL of `langevin`: `source` defines (with `State`,
 * `Jacobian`, `D` and `params` declared by the GPU runtime's prelude)
 *
 * ```wgsl
 * fn potential_gradient(x: State) -> State            // ∇φ(x)
 * fn potential_hessian_diagonal(x: State) -> State    // diag ∇²φ(x)
 * fn potential_hessian(x: State) -> Jacobian          // optional: ∇²φ(x), row-major D×D
 * ```
 *
 * reading its own numbers as `params[0 …]`: `langevin` places them first and its own
 * after them. A potential of your own gets a GPU form by carrying one.
 */
export interface PotentialWgsl {
  /** WGSL defining `potential_gradient` and `potential_hessian_diagonal` (optionally `potential_hessian`). */
  readonly source: string;
  /** Read as `params[i]`, from index 0 (f32, all finite). */
  readonly params: Float32Array;
}

/** φ(x) = Σ_i (x_i² − 1)²: ∇φ = 4x(x² − 1), ∇²φ = diag(12x² − 4). No params. */
export function twoWellWgsl(): PotentialWgsl {
  const source = /* wgsl */ `
// Two-well φ(x) = Σ_i (x_i² − 1)²
fn potential_gradient(s: State) -> State {
  var x = s;
  var g: State;
  for (var i = 0u; i < D; i++) { g[i] = 4.0 * x[i] * (x[i] * x[i] - 1.0); }
  return g;
}

fn potential_hessian_diagonal(s: State) -> State {
  var x = s;
  var h: State;
  for (var i = 0u; i < D; i++) { h[i] = 12.0 * x[i] * x[i] - 4.0; }
  return h;
}

fn potential_hessian(s: State) -> Jacobian {
  var x = s;
  var H: Jacobian; // zero off the diagonal
  for (var i = 0u; i < D; i++) { H[i * D + i] = 12.0 * x[i] * x[i] - 4.0; }
  return H;
}
`;
  return Object.freeze({ source, params: new Float32Array(0) });
}

/**
 * φ(x) = −log Σ_k w_k N(x; μ_k, Σ_k) from the numbers `gaussianMixture` computed: the
 * means `mu` (`[K][D]`), the precisions `P` (`P_k = Σ_k⁻¹`, `[K][D][D]`) and `logNorm`
 * (`log w_k − ½ log det(2πΣ_k)`, `[K]`) — the params layout, in that order.
 */
export function gaussianMixtureWgsl(K: number, mu: Float64Array, P: Float64Array, logNorm: Float64Array): PotentialWgsl {
  const { params, offsets } = packParams('gaussianMixture', [['means', mu], ['precisions', P], ['log-normalisers', logNorm]]);
  const source = /* wgsl */ `
// Gaussian mixture φ(x) = −log Σ_k w_k N(x; μ_k, Σ_k), with g_k = P_k (x − μ_k) and
// responsibilities γ_k ∝ w_k N(x; μ_k, Σ_k).
const MX_K: u32 = ${K}u;
const MX_MU: u32 = ${offsets['means'] ?? 0}u;           // μ_k, [K][D]
const MX_P: u32 = ${offsets['precisions'] ?? 0}u;       // P_k = Σ_k⁻¹, [K][D][D]
const MX_LN: u32 = ${offsets['log-normalisers'] ?? 0}u; // log w_k − ½ log det(2πΣ_k), [K]
alias MxWeights = array<f32, ${K}>;

// g_k = P_k (x − μ_k)
fn mx_g(k: u32, x: ptr<function, State>) -> State {
  var g: State;
  for (var i = 0u; i < D; i++) {
    var acc = 0.0;
    for (var j = 0u; j < D; j++) { acc += params[MX_P + (k * D + i) * D + j] * ((*x)[j] - params[MX_MU + k * D + j]); }
    g[i] = acc;
  }
  return g;
}

// γ_k by log-sum-exp of log p_k = log w_k − ½ log det(2πΣ_k) − ½ (x − μ_k)ᵀ g_k.
fn mx_gamma(x: ptr<function, State>) -> MxWeights {
  var lp: MxWeights;
  for (var k = 0u; k < MX_K; k++) {
    var g = mx_g(k, x);
    var quad = 0.0;
    for (var i = 0u; i < D; i++) { quad += g[i] * ((*x)[i] - params[MX_MU + k * D + i]); }
    lp[k] = params[MX_LN + k] - 0.5 * quad;
  }
  var top = lp[0];
  for (var k = 1u; k < MX_K; k++) { top = max(top, lp[k]); }
  var total = 0.0;
  for (var k = 0u; k < MX_K; k++) {
    lp[k] = exp(lp[k] - top);
    total += lp[k];
  }
  for (var k = 0u; k < MX_K; k++) { lp[k] = lp[k] / total; }
  return lp;
}

// ∇φ = Σ_k γ_k g_k
fn mx_mean(x: ptr<function, State>, gamma: ptr<function, MxWeights>) -> State {
  var m: State;
  for (var k = 0u; k < MX_K; k++) {
    var g = mx_g(k, x);
    for (var i = 0u; i < D; i++) { m[i] += (*gamma)[k] * g[i]; }
  }
  return m;
}

fn potential_gradient(s: State) -> State {
  var x = s;
  var gamma = mx_gamma(&x);
  return mx_mean(&x, &gamma);
}

// ∇²φ = Σ_k γ_k P_k − Σ_k γ_k (g_k − m)(g_k − m)ᵀ with m = ∇φ. Since Σ_k γ_k = 1 this equals
// Σ_k γ_k (P_k − g_k g_kᵀ) + m mᵀ (the CPU form), without cancelling large g gᵀ terms in f32.
fn potential_hessian_diagonal(s: State) -> State {
  var x = s;
  var gamma = mx_gamma(&x);
  var m = mx_mean(&x, &gamma);
  var h: State;
  for (var k = 0u; k < MX_K; k++) {
    var g = mx_g(k, &x);
    let c = gamma[k];
    for (var i = 0u; i < D; i++) {
      let d = g[i] - m[i];
      h[i] += c * (params[MX_P + (k * D + i) * D + i] - d * d);
    }
  }
  return h;
}

fn potential_hessian(s: State) -> Jacobian {
  var x = s;
  var gamma = mx_gamma(&x);
  var m = mx_mean(&x, &gamma);
  var H: Jacobian;
  for (var k = 0u; k < MX_K; k++) {
    var g = mx_g(k, &x);
    for (var i = 0u; i < D; i++) { g[i] -= m[i]; }
    let c = gamma[k];
    for (var i = 0u; i < D; i++) {
      for (var j = 0u; j < D; j++) { H[i * D + j] += c * (params[MX_P + (k * D + i) * D + j] - g[i] * g[j]); }
    }
  }
  return H;
}
`;
  return Object.freeze({ source, params });
}
