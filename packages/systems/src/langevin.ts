import { defineDynamics, type DefinedDynamics } from '@unroll/linearize';
import { checkArrayLength, checkInteger, checkRecord, checkSeed, describeValue, isRecord, UnrollError, type FloatArray } from '@unroll/scan';
import { counterNormal } from './counter-normal.js';
import { flattenInputs, inputRow } from './inputs.js';
import { langevinWgsl, potentialWgslOf } from './langevin-wgsl.js';
import type { Potential } from './potentials.js';

/** Parameters of {@link langevin}. */
export interface LangevinParams {
  /** The potential φ of the target ∝ e^{−φ}; its dimension is the state's. */
  readonly potential: Potential;
  /** ε > 0. */
  readonly stepSize: number;
  /** Seed of the noise ξ_t (default 0), unless `noise` is given. */
  readonly seed?: number;
  /** Explicit noise `[T][D]` (rows past the end are zero). */
  readonly noise?: ArrayLike<ArrayLike<number>> | FloatArray;
}

/**
 * The unadjusted Langevin algorithm targeting ∝ e^{−φ}:
 * `s_t = s_{t−1} − ε ∇φ(s_{t−1}) + √(2ε) ξ_t`, ξ_t ~ N(0, I) from `seed` (a function of
 * (seed, t, i) only) or `noise`. Jacobian `I − ε ∇²φ(s_{t−1})`: predictable where φ is
 * convex and ε small (a Gaussian target), less so across the barrier of a two-well.
 *
 * Carries its WGSL (`wgsl`, from langevin-wgsl.ts: the same step and noise in f32) when
 * the potential carries its own (`twoWell` and `gaussianMixture` do; see `PotentialWgsl`
 * for giving one to a potential of your own), so the GPU runtime runs it as it is.
 */
export function langevin(params: LangevinParams): DefinedDynamics & {
  /** The parameters it was built from, frozen: passing them back rebuilds the same system. */
  readonly params: LangevinParams;
} {
  checkRecord('langevin(params)', 'params', params, '{ potential: twoWell(2), stepSize: 0.01, seed: 1 }');
  const { potential, stepSize: eps } = params;
  checkPotential(potential);
  const D = potential.dim;
  checkArrayLength('langevin', `the Hessian scratch (dim² for potential.dim = ${D})`, D * D, 'use a potential of smaller dim');
  const step: unknown = eps;
  if (typeof step !== 'number' || !(step > 0) || !Number.isFinite(step)) throw new UnrollError('INVALID_ARGUMENT', `langevin: stepSize must be finite and > 0, got ${describeValue(step)}.`);
  const { seed = 0 } = params;
  checkSeed('langevin', 'seed', seed);
  const explicit = params.noise === undefined ? undefined : flattenInputs('langevin', 'noise', params.noise, D);
  const potentialName: unknown = potential.name;
  const potentialWgsl = potentialWgslOf(potential.wgsl);
  const scale = Math.sqrt(2 * eps);
  const H = new Float64Array(D * D);
  const grad = new Float64Array(D);
  const dyn = defineDynamics({
    dim: D,
    name: `langevin(${typeof potentialName === 'string' ? potentialName : 'potential'}, ε=${eps})`,
    ...(potentialWgsl === undefined ? {} : { wgsl: langevinWgsl(potentialWgsl, eps, seed, explicit, D) }),
    step(t, s, so, out, oo) {
      potential.gradient(s, so, grad, 0);
      const no = explicit === undefined ? -1 : inputRow(explicit, D, t);
      for (let i = 0; i < D; i++) {
        const xi = explicit === undefined ? counterNormal(seed, t, i) : no < 0 ? 0 : (explicit[no + i] ?? 0);
        out[oo + i] = s[so + i] - eps * grad[i] + scale * xi;
      }
    },
    jacobian(_t, s, so, out, oo) {
      potential.hessian(s, so, H, 0);
      for (let i = 0; i < D * D; i++) out[oo + i] = -eps * H[i];
      for (let i = 0; i < D; i++) out[oo + i * D + i] += 1;
    },
    diagonal(_t, s, so, out, oo) {
      potential.hessian(s, so, H, 0);
      for (let i = 0; i < D; i++) out[oo + i] = 1 - eps * H[i * D + i];
    },
    jvp(_t, s, so, v, vo, out, oo) {
      potential.hessian(s, so, H, 0);
      for (let i = 0; i < D; i++) {
        let acc = v[vo + i];
        for (let j = 0; j < D; j++) acc -= eps * H[i * D + j] * v[vo + j];
        out[oo + i] = acc;
      }
    },
  });
  return Object.freeze({ ...dyn, params: Object.freeze({ ...params }) });
}

/** Throws unless `potential` is a {@link Potential}: a positive integer dim, and gradient and hessian functions. */
function checkPotential(potential: unknown): asserts potential is Potential {
  if (!isRecord(potential) || typeof potential['gradient'] !== 'function' || typeof potential['hessian'] !== 'function') {
    throw new UnrollError(
      'INVALID_ARGUMENT',
      `langevin: potential must be a Potential — twoWell(dim), gaussianMixture({ means, covariances }), or your own { dim, name, gradient(x, xo, out, oo), hessian(x, xo, out, oo) } — got ${describeValue(potential)}${isRecord(potential) && 'kind' in potential ? ' (plain data with a kind is not a potential: build it with its factory)' : ''}.`,
    );
  }
  checkInteger('langevin', 'potential.dim', potential['dim'], 1);
}
