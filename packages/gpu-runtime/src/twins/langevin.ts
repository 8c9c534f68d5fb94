import { UnrollError } from '@unroll/scan';
import { gaussianMixture, langevin, type LangevinParams, type Potential } from '@unroll/systems';
import { describe, finiteF32, twinParams } from '../check-input.js';
import { defineGpuDynamics, type GpuDynamics } from '../gpu-dynamics.js';

/** The potentials with a WGSL twin, by their `params.kind`. */
const SUPPORTED = "twoWell (kind 'two-well') and gaussianMixture (kind 'gaussian-mixture')";

/**
 * The WGSL twin of `langevin` from `@unroll/systems`: the unadjusted Langevin algorithm
 *
 *     s_t = s_{t−1} − ε ∇φ(s_{t−1}) + √(2ε) ξ_t,   ∂s_t/∂s_{t−1} = I − ε ∇²φ(s_{t−1}),
 *
 * in f32 on the GPU, for the same `params`. The potential φ is read from its plain-data
 * `params`: `twoWell` and `gaussianMixture` have twins; any other potential throws
 * `UnrollError('UNSUPPORTED')`.
 *
 * The noise is the CPU's: explicit `noise` rows are copied (zero past the last row), and
 * seeded noise is `counterNormal(seed, t, i)` ported to WGSL — the same two u32 hashes
 * (u32 products wrap mod 2³², as `Math.imul` does), so the same uniforms, and Box–Muller
 * with a `−log u` and a `cos 2πv` written to f32 accuracy from + − × ÷ alone (built-in
 * `log`/`cos` on some GPUs only promise an absolute 2⁻²¹ / 2⁻¹¹), so ξ_t agrees with the
 * CPU to about 1e-6 relative on any GPU.
 *
 * `params` layout (f32): `[ε, √(2ε)]`, then the potential's numbers (none for the two-well;
 * for a K-component mixture the means `[K][D]`, the precisions `P_k = Σ_k⁻¹` `[K][D][D]`
 * and `log w_k − ½ log det(2πΣ_k)` `[K]`), then the explicit noise `[T][D]` if given.
 *
 * @example
 * ```ts
 * const dyn = langevinTwin({ potential: twoWell(4), stepSize: 0.01, seed: 3 });
 * ```
 */
export function langevinTwin(params: LangevinParams): GpuDynamics {
  twinParams('twins.langevin', params, '{ potential: twoWell(4), stepSize: 0.01, seed: 3 }');
  const given: unknown = (params as { potential?: unknown }).potential;
  if (typeof given !== 'object' || given === null || typeof (given as { dim?: unknown }).dim !== 'number' || typeof (given as { params?: unknown }).params !== 'object') {
    throw new UnrollError('INVALID_ARGUMENT', `twins.langevin: params.potential must be a potential of @unroll/systems (twoWell(D) or gaussianMixture(…)), got ${describe(given)}.`);
  }
  // The CPU system validates ε and the noise's shape.
  const cpu = langevin(params);
  const { potential, stepSize: eps } = params;
  const D = potential.dim;
  const values: number[] = [eps, Math.sqrt(2 * eps)];
  const potentialWgsl = potentialTwin(potential, values);

  let noiseWgsl: string;
  if (params.noise !== undefined) {
    const xi = finiteF32('twins.langevin', 'noise (flattened)', flatRows(params.noise));
    const offset = values.length;
    for (let i = 0; i < xi.length; i++) values.push(xi[i] ?? 0);
    noiseWgsl = `
const LG_NOISE: u32 = ${offset}u;          // explicit noise, [LG_ROWS][D]
const LG_ROWS: u32 = ${xi.length / D}u;    // ξ_t is row t − 1, zero past the last

fn lg_xi(t: u32, i: u32) -> f32 {
  if (t >= 1u && t <= LG_ROWS) { return params[LG_NOISE + (t - 1u) * D + i]; }
  return 0.0;
}
`;
  } else {
    noiseWgsl = counterNormalWgsl((params.seed ?? 0) >>> 0);
  }

  const wgsl = /* wgsl */ `
${potentialWgsl}
${noiseWgsl}
// s_t = s_{t−1} − ε ∇φ(s_{t−1}) + √(2ε) ξ_t
fn step(t: u32, s: State) -> State {
  var x = s;
  var g = lg_gradient(s);
  var out: State;
  for (var i = 0u; i < D; i++) { out[i] = x[i] - params[0] * g[i] + params[1] * lg_xi(t, i); }
  return out;
}

// diag(I − ε ∇²φ)
fn diagonal(t: u32, s: State) -> State {
  var h = lg_hessian_diagonal(s);
  var out: State;
  for (var i = 0u; i < D; i++) { out[i] = 1.0 - params[0] * h[i]; }
  return out;
}

// I − ε ∇²φ
fn jacobian(t: u32, s: State) -> Jacobian {
  var J = lg_hessian(s);
  for (var e = 0u; e < D * D; e++) { J[e] = -params[0] * J[e]; }
  for (var i = 0u; i < D; i++) { J[i * D + i] += 1.0; }
  return J;
}
`;
  return defineGpuDynamics({ dim: D, wgsl, params: values, name: cpu.name ?? 'langevin' });
}

/**
 * WGSL `lg_gradient`, `lg_hessian_diagonal` and `lg_hessian` (∇φ, diag ∇²φ, ∇²φ) for a
 * supported potential; appends the numbers they read to `values`.
 */
function potentialTwin(potential: Potential, values: number[]): string {
  const kind = potential.params['kind'];
  if (kind === 'two-well') return twoWellWgsl();
  if (kind === 'gaussian-mixture') return gaussianMixtureWgsl(potential, values);
  throw new UnrollError(
    'UNSUPPORTED',
    `langevin twin: the potential ${potential.name} (kind ${String(kind)}) has no WGSL twin; the supported potentials are ${SUPPORTED}.`,
  );
}

/** φ(x) = Σ_i (x_i² − 1)²: ∇φ = 4x(x² − 1), ∇²φ = diag(12x² − 4). */
function twoWellWgsl(): string {
  return /* wgsl */ `
// Two-well φ(x) = Σ_i (x_i² − 1)²
fn lg_gradient(s: State) -> State {
  var x = s;
  var g: State;
  for (var i = 0u; i < D; i++) { g[i] = 4.0 * x[i] * (x[i] * x[i] - 1.0); }
  return g;
}

fn lg_hessian_diagonal(s: State) -> State {
  var x = s;
  var h: State;
  for (var i = 0u; i < D; i++) { h[i] = 12.0 * x[i] * x[i] - 4.0; }
  return h;
}

fn lg_hessian(s: State) -> Jacobian {
  var x = s;
  var H: Jacobian; // zero off the diagonal
  for (var i = 0u; i < D; i++) { H[i * D + i] = 12.0 * x[i] * x[i] - 4.0; }
  return H;
}
`;
}

const isNumbers = (v: unknown): v is readonly number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
const isRows = (v: unknown): v is readonly (readonly number[])[] => Array.isArray(v) && v.every(isNumbers);
const isRowsList = (v: unknown): v is readonly (readonly (readonly number[])[])[] => Array.isArray(v) && v.every(isRows);

/**
 * φ(x) = −log Σ_k w_k N(x; μ_k, Σ_k). Each component's precision P_k and normaliser are
 * taken from systems' own one-component mixture (so its Cholesky checks apply): at x = μ_k
 * its Hessian is exactly P_k and its value ½ log det(2πΣ_k).
 */
function gaussianMixtureWgsl(potential: Potential, values: number[]): string {
  const { means: mu, covariances, weights } = potential.params;
  if (!isRows(mu) || !isRowsList(covariances) || !isNumbers(weights) || covariances.length !== mu.length || weights.length !== mu.length) {
    throw new UnrollError('INVALID_ARGUMENT', `langevin twin: the gaussian-mixture potential ${potential.name} has malformed params (means, covariances, weights).`);
  }
  const K = mu.length;
  const D = potential.dim;
  const wsum = weights.reduce((a, b) => a + b, 0);
  const muOffset = values.length;
  for (const m of mu) values.push(...m);
  const pOffset = values.length;
  const logNorm: number[] = [];
  const H = new Float64Array(D * D);
  for (let k = 0; k < K; k++) {
    const m = Float64Array.from(mu[k] ?? []);
    const single = gaussianMixture({ means: [Array.from(m)], covariances: [covariances[k] ?? []] });
    if (single.dim !== D) throw new UnrollError('DIMENSION_MISMATCH', `langevin twin: mixture component ${k} has dimension ${single.dim}, expected ${D}.`);
    single.hessian(m, 0, H, 0);
    values.push(...H);
    logNorm.push(Math.log((weights[k] ?? 1) / wsum) - single.value(m, 0));
  }
  const lnOffset = values.length;
  values.push(...logNorm);
  return /* wgsl */ `
// Gaussian mixture φ(x) = −log Σ_k w_k N(x; μ_k, Σ_k), with g_k = P_k (x − μ_k) and
// responsibilities γ_k ∝ w_k N(x; μ_k, Σ_k).
const MX_K: u32 = ${K}u;
const MX_MU: u32 = ${muOffset}u;  // μ_k, [K][D]
const MX_P: u32 = ${pOffset}u;    // P_k = Σ_k⁻¹, [K][D][D]
const MX_LN: u32 = ${lnOffset}u;  // log w_k − ½ log det(2πΣ_k), [K]
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

fn lg_gradient(s: State) -> State {
  var x = s;
  var gamma = mx_gamma(&x);
  return mx_mean(&x, &gamma);
}

// ∇²φ = Σ_k γ_k P_k − Σ_k γ_k (g_k − m)(g_k − m)ᵀ with m = ∇φ. Since Σ_k γ_k = 1 this equals
// Σ_k γ_k (P_k − g_k g_kᵀ) + m mᵀ (the CPU form), without cancelling large g gᵀ terms in f32.
fn lg_hessian_diagonal(s: State) -> State {
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

fn lg_hessian(s: State) -> Jacobian {
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
}

/**
 * `lg_xi(t, i)` = `counterNormal(seed, t, i)` of `@unroll/systems` in WGSL:
 *
 *     a = mix(mix(seed ⊕ 0x9e3779b9, t), 2i),  b = mix(mix(seed ⊕ 0x85ebca6b, t), 2i + 1)
 *     u = (a + 1)/(2³² + 1) ∈ (0, 1],  v = b/2³²,  ξ = √(−2 log u) cos(2πv).
 *
 * The hashes are exact (u32 arithmetic). `−log u` is taken as `−log u` where u ≤ ½ (then
 * |log u| ≥ log 2 and the built-in log is accurate relative to it) and as `−log1p(−(1 − u))`
 * with `1 − u = (2³² − a)/(2³² + 1)` computed exactly in u32 otherwise, since √ magnifies
 * the relative error of a small −log u. `cos 2πv = −cos 2π(v − ½)`, where `v − ½` is `b`
 * with its top bit flipped read as i32 (exact), reduced to [0, π/4] and evaluated by
 * Taylor polynomials (truncation error < 1e-9).
 */
function counterNormalWgsl(seed: number): string {
  return /* wgsl */ `
const LG_SEED: u32 = ${seed}u;
const LG_INV: f32 = 1.0 / 4294967297.0; // 1/(2³² + 1)

// A 32-bit avalanche mix of (h, k): murmur3's finaliser over a combined word.
fn lg_mix(h: u32, k: u32) -> u32 {
  var x = (h * 0x9e3779b1u) ^ (k * 0x85ebca77u);
  x ^= x >> 16u;
  x *= 0x85ebca6bu;
  x ^= x >> 13u;
  x *= 0xc2b2ae35u;
  x ^= x >> 16u;
  return x;
}

// log(1 + x) for x in [−1/2, 0] as 2 artanh(z), z = x/(2 + x) ∈ [−1/3, 0]: the series
// 2(z + z³/3 + … + z¹⁷/17) truncates below 1e-9 relative.
fn lg_log1p(x: f32) -> f32 {
  let z = x / (2.0 + x);
  let z2 = z * z;
  var p = 1.0 / 17.0;
  p = p * z2 + 1.0 / 15.0;
  p = p * z2 + 1.0 / 13.0;
  p = p * z2 + 1.0 / 11.0;
  p = p * z2 + 1.0 / 9.0;
  p = p * z2 + 1.0 / 7.0;
  p = p * z2 + 1.0 / 5.0;
  p = p * z2 + 1.0 / 3.0;
  p = p * z2 + 1.0;
  return 2.0 * z * p;
}

// cos θ and sin θ for θ ∈ [0, π/4] by Taylor polynomials to θ¹⁰ and θ¹¹.
fn lg_cos_poly(x: f32) -> f32 {
  let x2 = x * x;
  var p = -1.0 / 3628800.0;
  p = p * x2 + 1.0 / 40320.0;
  p = p * x2 - 1.0 / 720.0;
  p = p * x2 + 1.0 / 24.0;
  p = p * x2 - 0.5;
  return p * x2 + 1.0;
}

fn lg_sin_poly(x: f32) -> f32 {
  let x2 = x * x;
  var p = -1.0 / 39916800.0;
  p = p * x2 + 1.0 / 362880.0;
  p = p * x2 - 1.0 / 5040.0;
  p = p * x2 + 1.0 / 120.0;
  p = p * x2 - 1.0 / 6.0;
  return x + x * x2 * p;
}

// cos 2πc for c ∈ [−1/2, 1/2]: even in c; cos 2π(1/2 − r) = −cos 2πr; cos 2πr = sin 2π(1/4 − r).
// The subtractions are exact (Sterbenz).
fn lg_cos2pi(c: f32) -> f32 {
  var r = abs(c);
  var sign = 1.0;
  if (r > 0.25) {
    r = 0.5 - r;
    sign = -1.0;
  }
  if (r > 0.125) { return sign * lg_sin_poly(6.283185307179586 * (0.25 - r)); }
  return sign * lg_cos_poly(6.283185307179586 * r);
}

// ξ_t,i = counterNormal(seed, t, i)
fn lg_xi(t: u32, i: u32) -> f32 {
  let a = lg_mix(lg_mix(LG_SEED ^ 0x9e3779b9u, t), 2u * i);
  let b = lg_mix(lg_mix(LG_SEED ^ 0x85ebca6bu, t), 2u * i + 1u);
  var e: f32; // −log u
  if (a < 0x80000000u) {
    e = -log(f32(a + 1u) * LG_INV);
  } else {
    e = -lg_log1p(-f32(0u - a) * LG_INV);
  }
  let c = f32(bitcast<i32>(b ^ 0x80000000u)) * (1.0 / 4294967296.0); // v − 1/2
  return -sqrt(2.0 * e) * lg_cos2pi(c);
}
`;
}

/** `[T][D]` rows (nested or flat, already validated by the CPU system) as one flat list. */
function flatRows(rows: NonNullable<LangevinParams['noise']>): ArrayLike<number> {
  if (rows instanceof Float32Array || rows instanceof Float64Array) return rows;
  return Array.from(rows, (row) => Array.from(row)).flat();
}
