import { wgslDeclares, type DynamicsWgslSpec } from '@unroll/linearize';
import { describeValue, isRecord, UnrollError } from '@unroll/scan';
import { counterNormalWgsl } from './counter-normal-wgsl.js';
import type { PotentialWgsl } from './potential-wgsl.js';
import { packParams } from './wgsl-params.js';

/**
 * The WGSL of `langevin`: `s_t = s_{t−1} − ε ∇φ(s_{t−1}) + √(2ε) ξ_t` and its Jacobian
 * `I − ε ∇²φ(s_{t−1})` in f32, around the potential's own WGSL. The noise is the CPU's:
 * explicit `noise` rows are read from params (zero past the last row), seeded noise is
 * `counterNormal(seed, t, i)` in WGSL (counter-normal-wgsl.ts).
 *
 * `params` layout: the potential's numbers (its WGSL reads them from index 0), then
 * `[ε, √(2ε)]`, then the explicit noise `[T][D]` if given. `jacobian` and `vjp` are defined
 * when the potential defines `potential_hessian`.
 */
export function langevinWgsl(potential: PotentialWgsl, eps: number, seed: number, noise: Float64Array | undefined, D: number): DynamicsWgslSpec {
  const { params, offsets } = packParams('langevin', [
    ['potential.wgsl.params', potential.params],
    ['stepSize', [eps, Math.sqrt(2 * eps)]],
    ['noise', noise ?? []],
  ]);
  const noiseSource =
    noise === undefined
      ? `${counterNormalWgsl(seed)}
fn lg_xi(t: u32, i: u32) -> f32 { return counter_normal(t, i); }
`
      : `
const LG_NOISE: u32 = ${offsets['noise'] ?? 0}u;   // explicit noise, [LG_ROWS][D]
const LG_ROWS: u32 = ${noise.length / D}u;        // ξ_t is row t − 1, zero past the last

fn lg_xi(t: u32, i: u32) -> f32 {
  if (t >= 1u && t <= LG_ROWS) { return params[LG_NOISE + (t - 1u) * D + i]; }
  return 0.0;
}
`;
  const jacobian = wgslDeclares(potential.source, 'potential_hessian')
    ? `
// I − ε ∇²φ
fn jacobian(t: u32, s: State) -> Jacobian {
  var J = potential_hessian(s);
  for (var e = 0u; e < D * D; e++) { J[e] = -params[LG_EPS] * J[e]; }
  for (var i = 0u; i < D; i++) { J[i * D + i] += 1.0; }
  return J;
}

// vᵀ(I − ε ∇²φ) = v − ε vᵀ∇²φ
fn vjp(t: u32, s: State, v: State) -> State {
  var H = potential_hessian(s);
  var w = v;
  var out: State;
  for (var j = 0u; j < D; j++) {
    var acc = 0.0;
    for (var i = 0u; i < D; i++) { acc += H[i * D + j] * w[i]; }
    out[j] = w[j] - params[LG_EPS] * acc;
  }
  return out;
}
`
    : '';
  const source = /* wgsl */ `${potential.source}
const LG_EPS: u32 = ${offsets['stepSize'] ?? 0}u; // ε, then √(2ε)
${noiseSource}
// s_t = s_{t−1} − ε ∇φ(s_{t−1}) + √(2ε) ξ_t
fn step(t: u32, s: State) -> State {
  var x = s;
  var g = potential_gradient(s);
  var out: State;
  for (var i = 0u; i < D; i++) { out[i] = x[i] - params[LG_EPS] * g[i] + params[LG_EPS + 1u] * lg_xi(t, i); }
  return out;
}

// diag(I − ε ∇²φ)
fn diagonal(t: u32, s: State) -> State {
  var h = potential_hessian_diagonal(s);
  var out: State;
  for (var i = 0u; i < D; i++) { out[i] = 1.0 - params[LG_EPS] * h[i]; }
  return out;
}
${jacobian}`;
  return { source, params };
}

/**
 * A potential's `wgsl`, checked: absent (the Langevin system then has no WGSL), or an
 * object whose `source` declares `potential_gradient` and `potential_hessian_diagonal`
 * and whose `params` are numbers (finiteness in float32 is checked when they are packed).
 */
export function potentialWgslOf(wgsl: unknown): PotentialWgsl | undefined {
  if (wgsl === undefined) return undefined;
  const what =
    '{ source, params } with source defining `fn potential_gradient(x: State) -> State` and `fn potential_hessian_diagonal(x: State) -> State` (optionally `fn potential_hessian(x: State) -> Jacobian`), or absent';
  const ok =
    isRecord(wgsl) &&
    typeof wgsl['source'] === 'string' &&
    wgslDeclares(wgsl['source'], 'potential_gradient') &&
    wgslDeclares(wgsl['source'], 'potential_hessian_diagonal') &&
    (Array.isArray(wgsl['params']) || wgsl['params'] instanceof Float32Array || wgsl['params'] instanceof Float64Array);
  if (!ok) throw new UnrollError('INVALID_ARGUMENT', `langevin: potential.wgsl must be ${what}; got ${describeValue(wgsl)}.`);
  return wgsl as unknown as PotentialWgsl;
}
