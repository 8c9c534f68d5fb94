import { checkInteger, checkOptions, diagonal as diagonalStructure } from '@unroll/scan';
import { resolveDerivatives, scaleCalls } from './derivatives.js';
import { rademacher } from './rademacher.js';
import { defineStrategy, type Strategy } from './strategy.js';

/** Options of {@link hutchinson}. */
export interface HutchinsonOptions {
  /** Rademacher probes averaged per step (default 1); the variance falls as 1/probes. */
  readonly probes?: number;
  /** Seed of the probes (default 0): each solve with the same seed draws the same probes. */
  readonly seed?: number;
}

/**
 * Quasi-DEER with a stochastic diagonal: Ã_t = (1/n) Σ_k v_k ⊙ (J v_k) over n Rademacher
 * probes v_k (Hutchinson's estimator; unifying-framework paper §2). Unbiased —
 * E[v ⊙ Jv]_i = Σ_j J_ij E[v_i v_j] = J_ii — with variance Σ_{j≠i} J_ij² / n per entry.
 * One JVP per probe: the diagonal of a model without closed-form derivatives at the cost
 * of one forward-mode pass, whatever D is.
 *
 * @example
 * ```ts
 * import { defineDynamics, hutchinson } from '@unroll/linearize';
 * import { quasiDeer, solve } from '@unroll/solvers';
 *
 * const dyn = defineDynamics({
 *   dim: 2,
 *   step: (t, s, so, out, oo) => {
 *     out[oo] = Math.tanh(0.5 * s[so] + 0.2 * s[so + 1]);
 *     out[oo + 1] = Math.tanh(0.3 * s[so + 1] - 0.1 * s[so]) + 0.1;
 *   },
 *   jvp: (t, s, so, v, vo, out, oo) => {
 *     const a = 1 - Math.tanh(0.5 * s[so] + 0.2 * s[so + 1]) ** 2;
 *     const b = 1 - Math.tanh(0.3 * s[so + 1] - 0.1 * s[so]) ** 2;
 *     out[oo] = a * (0.5 * v[vo] + 0.2 * v[vo + 1]);
 *     out[oo + 1] = b * (-0.1 * v[vo] + 0.3 * v[vo + 1]);
 *   },
 * });
 * const { converged, method } = solve(dyn, [0, 0], 500, { method: quasiDeer({ diagonal: hutchinson({ probes: 4, seed: 1 }) }) });
 * converged; // → true
 * method; // → 'quasi-deer(hutchinson)'
 * ```
 * @throws {UnrollError} `INVALID_ARGUMENT` unless `probes` is a positive integer and `seed`
 *   an integer (or when the options are not an object).
 */
export function hutchinson(opts?: HutchinsonOptions): Strategy {
  const { probes = 1, seed = 0 } = checkOptions('hutchinson', opts, '{ probes: 4, seed: 0 }');
  checkInteger('hutchinson', 'probes', probes, 1);
  checkInteger('hutchinson', 'seed', seed, Number.MIN_SAFE_INTEGER);
  return defineStrategy({
    name: 'hutchinson',
    structure: (D) => diagonalStructure(D),
    wgsl: { source: hutchinsonWgsl(probes, seed) },
    prepare(dyn) {
      const D = dyn.dim;
      const { jvp } = resolveDerivatives(dyn);
      const draw = rademacher(seed);
      const v = new Float64Array(D);
      const w = new Float64Array(D);
      const inv = 1 / probes;
      return {
        source: `Hutchinson diagonal from ${probes} ${jvp.source === 'finite-difference' ? 'finite-difference' : 'closed-form'} JVP${probes === 1 ? '' : 's'}`,
        cost: { storedPerStep: D, calls: scaleCalls(jvp.calls, probes) },
        fill(t, prev, po, out, oo) {
          for (let i = 0; i < D; i++) out[oo + i] = 0;
          for (let k = 0; k < probes; k++) {
            draw(v, 0, D);
            jvp.fn(t, prev, po, v, 0, w, 0);
            for (let i = 0; i < D; i++) out[oo + i] += v[i] * w[i];
          }
          if (probes > 1) for (let i = 0; i < D; i++) out[oo + i] *= inv;
        },
      };
    },
  });
}

/**
 * The same estimator in WGSL for the GPU (the strategy's `wgsl`), through the dynamics'
 * WGSL `vjp`: E[v ⊙ Jᵀv]_i = J_ii as well. Its Rademacher probes come from a hash of
 * (seed, t, probe, i) — a counter-based stream, since GPU threads run steps in any order —
 * so they are not the CPU's probes: the GPU's estimate has the same law, not the same draws.
 */
function hutchinsonWgsl(probes: number, seed: number): string {
  return `
const strategy_probes: u32 = ${probes}u;
const strategy_seed: u32 = ${seed >>> 0}u;
fn strategy_hash(x: u32) -> u32 {
  var h = x;
  h ^= h >> 16u; h *= 0x7feb352du; h ^= h >> 15u; h *= 0x846ca68bu; h ^= h >> 16u;
  return h;
}
fn strategy_fill(t: u32, s: State) -> Matrix {
  var out: Matrix;
  for (var k = 0u; k < strategy_probes; k++) {
    var v: State;
    for (var i = 0u; i < D; i++) {
      let h = strategy_hash(strategy_seed ^ strategy_hash((t * 0x9e3779b9u) ^ strategy_hash(k * D + i)));
      v[i] = select(-1.0, 1.0, (h & 1u) == 1u);
    }
    let w = vjp(t, s, v);
    for (var i = 0u; i < D; i++) { out[i] += v[i] * w[i]; }
  }
  for (var i = 0u; i < D; i++) { out[i] = out[i] / f32(strategy_probes); }
  return out;
}`;
}

