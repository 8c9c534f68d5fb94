import { defineDynamics, type DefinedDynamics } from '@unroll/linearize';
import { checkArrayLength, checkInteger, checkNumber, checkRecord, checkSeed, type FloatArray } from '@unroll/scan';
import { flattenInputs, inputRow } from './inputs.js';
import { meanFieldRnnBlock } from './mean-field-rnn-block.js';
import { meanFieldRnnWgsl } from './mean-field-rnn-wgsl.js';
import { createRng } from './random.js';

/** Parameters of {@link meanFieldRnn}: with the seed, they fully determine the system. */
export interface MeanFieldRnnParams {
  /** The state dimension D (number of units). */
  readonly dim: number;
  /** Gain: W_ij ~ N(0, g²/D). */
  readonly g: number;
  /** Seed of the weights W (`createRng(seed)`): the same seed gives the same W on every platform. */
  readonly seed: number;
  /** `[T][dim]` inputs u_t (zero past the last row). */
  readonly inputs?: ArrayLike<ArrayLike<number>> | FloatArray;
}

/**
 * The mean-field RNN `s_t = W tanh(s_{t−1}) + u_t` with `W_ij ~ N(0, g²/D)` and a zero
 * diagonal (the classic random network of Sompolinsky, Crisanti & Sommers): predictable
 * for small g, chaotic for large g — its Lyapunov exponent crosses zero near g = 1 as D
 * grows. Jacobian `J_ij = W_ij (1 − tanh² s_j)`, whose diagonal is zero.
 *
 * Carries its WGSL (`wgsl`, from mean-field-rnn-wgsl.ts: the same map from the same W and
 * inputs, in f32), so the GPU runtime runs it as it is.
 */
export function meanFieldRnn(params: MeanFieldRnnParams): DefinedDynamics & {
  /** The parameters it was built from, frozen: passing them back rebuilds the same system. */
  readonly params: MeanFieldRnnParams;
  /** The coupling matrix W, `[dim][dim]` row-major, drawn from `seed` (zero diagonal). */
  readonly weights: Float64Array;
} {
  checkRecord('meanFieldRnn(params)', 'params', params, '{ dim: 64, g: 0.5, seed: 1 }');
  const { dim: D, g, seed } = params;
  checkInteger('meanFieldRnn', 'dim', D, 1);
  checkArrayLength('meanFieldRnn', `the weights W (dim² for dim = ${D})`, D * D, 'pass a smaller dim');
  checkNumber('meanFieldRnn', 'g', g, { min: 0 });
  checkSeed('meanFieldRnn', 'seed', seed);
  const u = flattenInputs('meanFieldRnn', 'inputs', params.inputs, D);
  const rng = createRng(seed);
  const W = new Float64Array(D * D);
  const sd = g / Math.sqrt(D);
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) W[i * D + j] = i === j ? 0 : sd * rng.normal();
  const th = new Float64Array(D);
  const dyn = defineDynamics({
    dim: D,
    name: `mean-field-rnn(D=${D}, g=${g})`,
    wgsl: meanFieldRnnWgsl(D, W, u),
    block: meanFieldRnnBlock(D, W, u),
    step(t, s, so, out, oo) {
      for (let j = 0; j < D; j++) th[j] = Math.tanh(s[so + j]);
      const uo = inputRow(u, D, t);
      for (let i = 0; i < D; i++) {
        let acc = uo < 0 ? 0 : u[uo + i];
        for (let j = 0; j < D; j++) acc += W[i * D + j] * th[j];
        out[oo + i] = acc;
      }
    },
    jacobian(_t, s, so, out, oo) {
      for (let j = 0; j < D; j++) {
        const x = Math.tanh(s[so + j]);
        th[j] = 1 - x * x;
      }
      for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) out[oo + i * D + j] = W[i * D + j] * th[j];
    },
    diagonal(_t, s, so, out, oo) {
      for (let i = 0; i < D; i++) {
        const x = Math.tanh(s[so + i]);
        out[oo + i] = W[i * D + i] * (1 - x * x);
      }
    },
    jvp(_t, s, so, v, vo, out, oo) {
      for (let j = 0; j < D; j++) {
        const x = Math.tanh(s[so + j]);
        th[j] = (1 - x * x) * v[vo + j];
      }
      for (let i = 0; i < D; i++) {
        let acc = 0;
        for (let j = 0; j < D; j++) acc += W[i * D + j] * th[j];
        out[oo + i] = acc;
      }
    },
  });
  return Object.freeze({ ...dyn, params: Object.freeze({ ...params }), weights: W });
}
