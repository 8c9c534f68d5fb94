import { defineDynamics, type DefinedDynamics } from '@unroll/linearize';
import { checkArrayLength, checkInteger, checkRecord, checkSeed, UnrollError, type FloatArray } from '@unroll/scan';
import { checkNumbers, isArrayLike } from './arguments.js';
import { gruBlock } from './gru-block.js';
import { gruGates, gruStateDerivative } from './gru-cell.js';
import { gruWgsl } from './gru-wgsl.js';
import { flattenInputs, inputRow } from './inputs.js';
import { createRng } from './random.js';

/** GRU weights, PyTorch layout: input weights `[dim][inputDim]`, hidden weights `[dim][dim]`, biases `[dim]`, for the r, z, n gates. */
export interface GruWeights {
  /** W_ir, the reset gate's input weights, `[dim][inputDim]` row-major. */
  readonly Wir: ArrayLike<number>;
  /** W_iz, the update gate's input weights, `[dim][inputDim]` row-major. */
  readonly Wiz: ArrayLike<number>;
  /** W_in, the candidate's input weights, `[dim][inputDim]` row-major. */
  readonly Win: ArrayLike<number>;
  /** W_hr, the reset gate's hidden weights, `[dim][dim]` row-major. */
  readonly Whr: ArrayLike<number>;
  /** W_hz, the update gate's hidden weights, `[dim][dim]` row-major. */
  readonly Whz: ArrayLike<number>;
  /** W_hn, the candidate's hidden weights, `[dim][dim]` row-major. */
  readonly Whn: ArrayLike<number>;
  /** b_ir, the reset gate's input bias, `[dim]`. */
  readonly bir: ArrayLike<number>;
  /** b_iz, the update gate's input bias, `[dim]`. */
  readonly biz: ArrayLike<number>;
  /** b_in, the candidate's input bias, `[dim]`. */
  readonly bin: ArrayLike<number>;
  /** b_hr, the reset gate's hidden bias, `[dim]`. */
  readonly bhr: ArrayLike<number>;
  /** b_hz, the update gate's hidden bias, `[dim]`. */
  readonly bhz: ArrayLike<number>;
  /** b_hn, the candidate's hidden bias (inside r ⊙ (…)), `[dim]`. */
  readonly bhn: ArrayLike<number>;
}

/** Parameters of {@link gru}: explicit `weights`, or a `seed` for PyTorch's U(−1/√D, 1/√D) initialisation. */
export interface GruParams {
  /** The hidden size D (the state dimension). */
  readonly dim: number;
  /** The input size (0 for an autonomous cell). */
  readonly inputDim: number;
  /** Explicit weights; when given, `seed` is not used. */
  readonly weights?: GruWeights;
  /** Seed of PyTorch's U(−1/√D, 1/√D) initialisation (`createRng(seed)`); required without `weights`. */
  readonly seed?: number;
  /** `[T][inputDim]` inputs x_t (zero past the last row). */
  readonly inputs?: ArrayLike<ArrayLike<number>> | FloatArray;
}

const names = ['Wir', 'Wiz', 'Win', 'Whr', 'Whz', 'Whn', 'bir', 'biz', 'bin', 'bhr', 'bhz', 'bhn'] as const;

/**
 * The standard GRU cell (PyTorch convention), with closed-form derivatives in h:
 *
 *     r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h
 *
 *     ∂h'_i/∂h_j = z_i δ_ij + (h_i − n_i) z_i(1 − z_i) W_hz[i,j]
 *                 + (1 − z_i)(1 − n_i²)(r_i W_hn[i,j] + a_i r_i(1 − r_i) W_hr[i,j]),  a = W_hn h + b_hn.
 *
 * The gates of the last state seen are kept, so the linearization right after a `step`
 * at the same state costs no second forward pass. Predictable for typical trained and
 * randomly initialised weights (the case study of the unifying-framework paper).
 *
 * Carries its WGSL (`wgsl`, from gru-wgsl.ts: the same cell from the same weights and
 * inputs, in f32), so the GPU runtime runs it as it is: `rt.solve(gru(params), …)`.
 */
export function gru(params: GruParams): DefinedDynamics & {
  /** The parameters it was built from, frozen: passing them back rebuilds the same system. */
  readonly params: GruParams;
  /** The weights in use (the given ones, or PyTorch's initialisation drawn from `seed`), in the layout of {@link GruWeights}. */
  readonly weights: Readonly<Record<keyof GruWeights, Float64Array>>;
} {
  checkRecord('gru(params)', 'params', params, '{ dim: 8, inputDim: 2, seed: 1 }');
  const { dim: D, inputDim: I } = params;
  checkInteger('gru', 'dim', D, 1);
  checkInteger('gru', 'inputDim', I, 0);
  const sizes: Record<(typeof names)[number], number> = { Wir: D * I, Wiz: D * I, Win: D * I, Whr: D * D, Whz: D * D, Whn: D * D, bir: D, biz: D, bin: D, bhr: D, bhz: D, bhn: D };
  checkArrayLength('gru', `each hidden weight matrix (dim² for dim = ${D})`, D * D, 'pass a smaller dim');
  checkArrayLength('gru', `each input weight matrix (dim·inputDim = ${D}·${I})`, D * I, 'pass a smaller dim or inputDim');
  const w = {} as Record<(typeof names)[number], Float64Array>;
  const weights: unknown = params.weights;
  if (weights !== undefined) {
    checkRecord('gru', 'weights', weights, `{ ${names.join(', ')} } (PyTorch layout)`);
    const missing = names.filter((k) => weights[k] === undefined);
    if (missing.length > 0) {
      const unknown = Object.keys(weights).filter((k) => !(names as readonly string[]).includes(k));
      throw new UnrollError(
        'INVALID_ARGUMENT',
        `gru: weights.${missing.join(', weights.')} ${missing.length === 1 ? 'is' : 'are'} missing; give all of ${names.join(', ')} (PyTorch layout)${unknown.length > 0 ? `, not ${unknown.join(', ')}` : ''} — or a seed instead of weights.`,
      );
    }
    for (const k of names) {
      const shape = k.startsWith('b') ? `[dim] = ${D}` : k.startsWith('Wi') ? `[dim][inputDim] = ${D}·${I}` : `[dim][dim] = ${D}·${D}`;
      const src = weights[k];
      if (isArrayLike(src) && src.length !== sizes[k]) {
        throw new UnrollError('DIMENSION_MISMATCH', `gru: weights.${k} has ${src.length} numbers, expected ${sizes[k]} (${shape}, row-major).`);
      }
      w[k] = checkNumbers('gru', `weights.${k}`, src, sizes[k]);
    }
  } else {
    if (params.seed === undefined) throw new UnrollError('INVALID_ARGUMENT', 'gru: give weights or a seed.');
    checkSeed('gru', 'seed', params.seed);
    const rng = createRng(params.seed);
    const bound = 1 / Math.sqrt(D);
    for (const k of names) w[k] = Float64Array.from({ length: sizes[k] }, () => bound * (2 * rng.uniform() - 1));
  }
  const x = flattenInputs('gru', 'inputs', params.inputs, I);
  const { Whr, Whz, Whn } = w;
  const r = new Float64Array(D), z = new Float64Array(D), n = new Float64Array(D), a = new Float64Array(D);
  const g = { r, z, n, a };
  const evaluateGates = gruGates(w, D, I, g);
  const entry = gruStateDerivative(w, D, g);
  const lastH = new Float64Array(D);
  let lastT = -1;
  const gates = (t: number, h: FloatArray, ho: number) => {
    if (t === lastT) {
      let same = true;
      for (let i = 0; i < D && same; i++) same = lastH[i] === h[ho + i];
      if (same) return;
    }
    lastT = t;
    for (let i = 0; i < D; i++) lastH[i] = h[ho + i];
    evaluateGates(x, inputRow(x, I, t), h, ho);
  };
  // θ is the twelve weight arrays concatenated in `names` order (PyTorch's layout each).
  const offsets = {} as Record<(typeof names)[number], number>;
  let paramCount = 0;
  for (const k of names) {
    offsets[k] = paramCount;
    paramCount += sizes[k];
  }
  const dAr = new Float64Array(D), dAz = new Float64Array(D), dAn = new Float64Array(D), dAh = new Float64Array(D);
  const dyn = defineDynamics({
    dim: D,
    name: `gru(D=${D}, inputs=${I})`,
    paramCount,
    // out ← wᵀ ∂h'/∂θ by the chain rule through h' = (1 − z) n + z h, n = tanh(a_n + r a_h):
    // d z = w (h − n), d n = w (1 − z), d(pre-n) = d n (1 − n²), then each gate's
    // pre-activation, whose weights see the input x_t (W_i·) or the state h (W_h·).
    vjpParams(t, h, ho, wv, wo, out, oo) {
      gates(t, h, ho);
      for (let i = 0; i < D; i++) {
        const wi = wv[wo + i];
        const dPre = wi * (1 - z[i]) * (1 - n[i] * n[i]);
        dAz[i] = wi * (h[ho + i] - n[i]) * z[i] * (1 - z[i]);
        dAn[i] = dPre;
        dAh[i] = dPre * r[i];
        dAr[i] = dPre * a[i] * r[i] * (1 - r[i]);
      }
      const xo = inputRow(x, I, t);
      for (let i = 0; i < D; i++) {
        for (let q = 0; q < I; q++) {
          const xq = xo >= 0 ? x[xo + q] : 0;
          out[oo + offsets.Wir + i * I + q] = dAr[i] * xq;
          out[oo + offsets.Wiz + i * I + q] = dAz[i] * xq;
          out[oo + offsets.Win + i * I + q] = dAn[i] * xq;
        }
        for (let j = 0; j < D; j++) {
          const hj = h[ho + j];
          out[oo + offsets.Whr + i * D + j] = dAr[i] * hj;
          out[oo + offsets.Whz + i * D + j] = dAz[i] * hj;
          out[oo + offsets.Whn + i * D + j] = dAh[i] * hj;
        }
        out[oo + offsets.bir + i] = dAr[i];
        out[oo + offsets.biz + i] = dAz[i];
        out[oo + offsets.bin + i] = dAn[i];
        out[oo + offsets.bhr + i] = dAr[i];
        out[oo + offsets.bhz + i] = dAz[i];
        out[oo + offsets.bhn + i] = dAh[i];
      }
    },
    wgsl: gruWgsl({ inputDim: I, weights: w, inputs: x }),
    block: gruBlock(D, I, w, x),
    step(t, h, ho, out, oo) {
      gates(t, h, ho);
      for (let i = 0; i < D; i++) out[oo + i] = (1 - z[i]) * n[i] + z[i] * h[ho + i];
    },
    jacobian(t, h, ho, out, oo) {
      gates(t, h, ho);
      for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) out[oo + i * D + j] = entry(h, ho, i, j);
    },
    diagonal(t, h, ho, out, oo) {
      gates(t, h, ho);
      for (let i = 0; i < D; i++) out[oo + i] = entry(h, ho, i, i);
    },
    jvp(t, h, ho, v, vo, out, oo) {
      gates(t, h, ho);
      for (let i = 0; i < D; i++) {
        let hz = 0, hn = 0, hr = 0;
        for (let j = 0; j < D; j++) {
          hz += Whz[i * D + j] * v[vo + j];
          hn += Whn[i * D + j] * v[vo + j];
          hr += Whr[i * D + j] * v[vo + j];
        }
        out[oo + i] = z[i] * v[vo + i] + (h[ho + i] - n[i]) * z[i] * (1 - z[i]) * hz + (1 - z[i]) * (1 - n[i] * n[i]) * (r[i] * hn + a[i] * r[i] * (1 - r[i]) * hr);
      }
    },
  });
  return Object.freeze({ ...dyn, params: Object.freeze({ ...params }), weights: Object.freeze(w) });
}
