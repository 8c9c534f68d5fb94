import { defineDynamics, type DefinedDynamics } from '@unroll/linearize';
import { checkInteger, checkRecord, UnrollError, type FloatArray } from '@unroll/scan';
import { checkNumbers } from './arguments.js';
import { gru, type GruWeights } from './gru.js';
import { gruGates, gruInputDerivative, gruStateDerivative } from './gru-cell.js';
import { createRng } from './random.js';

/** The Gaussian readout of {@link autoregressiveGru}: μ = meanWeights·h + meanBias, log σ = logStdWeights·h + logStdBias. */
export interface GaussianReadout {
  /** `[dim]` weights of the mean. */
  readonly meanWeights: ArrayLike<number>;
  /** The mean's bias b_μ. */
  readonly meanBias: number;
  /** `[dim]` weights of the log standard deviation. */
  readonly logStdWeights: ArrayLike<number>;
  /** The log standard deviation's bias b_logσ. */
  readonly logStdBias: number;
}

/** Parameters of {@link autoregressiveGru}. */
export interface AutoregressiveGruParams {
  /** The GRU's hidden size; the state has `dim + 1` entries (h_t, then x_{t+1}). */
  readonly dim: number;
  /** The cell's weights in {@link GruWeights} layout with inputDim = 1 (the fed-back output). */
  readonly weights?: GruWeights;
  /** The readout; required with `weights`. */
  readonly readout?: GaussianReadout;
  /** Without `weights`: PyTorch's U(−1/√dim, 1/√dim) initialisation of the cell (as `gru`), then the readout's weights from the same stream. */
  readonly seed?: number;
  /**
   * The standard-normal draws ε_t of the sampled outputs, `[T]`: step t draws
   * x_{t+1} = μ(h_t) + σ(h_t)·ε[t − 1] (reparameterised, so the trace is a deterministic
   * function of ε and parallel evaluation has one answer). Steps past the end draw ε = 0
   * (the mean). Default: none (the mean path).
   */
  readonly noise?: ArrayLike<number>;
}

/**
 * An autoregressive GRU that samples its own next input (thesis §4.4.1): the hidden state
 * h_t = GRU(h_{t−1}, x_t) parameterises a Gaussian over the next output,
 * x_{t+1} ~ N(μ(h_t), σ(h_t)²), which is fed back as the next input. The Markovian state is
 * s_t = (h_t, x_{t+1}) ∈ R^{dim+1}, so the parallel methods evaluate the whole generated
 * sequence at once; with the noise fixed (ε given), the trace is the solution of
 * s_t = f_t(s_{t−1}).
 *
 * The Jacobian is closed-form: with G_h = ∂h_t/∂h_{t−1} (the GRU's, as in `gru`) and
 * G_x = ∂h_t/∂x_t = (h − n) z(1 − z) W_iz + (1 − z)(1 − n²)(W_in + a r(1 − r) W_ir),
 *
 *     ∂s_t/∂s_{t−1} = [ G_h            G_x          ]
 *                     [ cᵀ G_h         cᵀ G_x       ],   c = w_μ + σ(h_t) ε_t w_logσ.
 *
 * A trained one that generates a noisy oscillation sits at the edge of stability (its
 * largest Lyapunov exponent is near 0), where DEER's iterates overflow and ELK pays off.
 *
 * @example
 * ```ts
 * import { solve } from '@unroll/solvers';
 * import { autoregressiveGru, createRng } from '@unroll/systems';
 *
 * const rng = createRng(0);
 * const noise = Array.from({ length: 100 }, () => rng.normal());
 * const dyn = autoregressiveGru({ dim: 3, seed: 1, noise });
 * const { states } = solve(dyn, [0, 0, 0, 0], 100, { method: 'deer' });
 * states.length; // → 400
 * ```
 * @throws {UnrollError} `INVALID_ARGUMENT` (malformed params, weights without a readout),
 *   `DIMENSION_MISMATCH` (readout weights that are not `[dim]`), `NON_FINITE`; `INVALID_ARGUMENT`
 *   too for a readout whose σ could overflow (|log σ| can reach beyond 700 for |h| ≤ 1).
 */
export function autoregressiveGru(params: AutoregressiveGruParams): DefinedDynamics & {
  /** The cell's weights in use (inputDim = 1), as `gru(...).weights`. */
  readonly weights: Readonly<Record<keyof GruWeights, Float64Array>>;
  /** The readout in use. */
  readonly readout: Readonly<{ meanWeights: Float64Array; meanBias: number; logStdWeights: Float64Array; logStdBias: number }>;
} {
  const where = 'autoregressiveGru';
  checkRecord(`${where}(params)`, 'params', params, '{ dim: 3, seed: 1, noise }');
  const H = params.dim;
  checkInteger(where, 'dim', H, 1);
  if (params.weights !== undefined && params.readout === undefined) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: weights were given without a readout; pass readout: { meanWeights, meanBias, logStdWeights, logStdBias } too (or a seed for both).`);
  }
  // The cell's validation and initialisation are gru's own.
  const cell = gru({ dim: H, inputDim: 1, ...(params.weights === undefined ? {} : { weights: params.weights }), ...(params.seed === undefined ? {} : { seed: params.seed }) });
  let readout: { meanWeights: Float64Array; meanBias: number; logStdWeights: Float64Array; logStdBias: number };
  if (params.readout !== undefined) {
    const r: unknown = params.readout;
    checkRecord(where, 'readout', r, '{ meanWeights: [dim], meanBias, logStdWeights: [dim], logStdBias }');
    const [meanBias, logStdBias] = checkNumbers(where, 'readout biases (meanBias, logStdBias)', [r['meanBias'], r['logStdBias']]);
    readout = {
      meanWeights: checkNumbers(where, 'readout.meanWeights', r['meanWeights'], H),
      meanBias,
      logStdWeights: checkNumbers(where, 'readout.logStdWeights', r['logStdWeights'], H),
      logStdBias,
    };
  } else {
    // After the cell's 12 arrays, from the same seeded stream.
    const rng = createRng((params.seed ?? 0) + 1);
    const bound = 1 / Math.sqrt(H);
    const draw = () => bound * (2 * rng.uniform() - 1);
    readout = { meanWeights: Float64Array.from({ length: H }, draw), meanBias: draw(), logStdWeights: Float64Array.from({ length: H }, draw), logStdBias: draw() };
  }
  const eps = params.noise === undefined ? new Float64Array(0) : checkNumbers(where, 'noise', params.noise);
  // A GRU's hidden state stays in [−1, 1] (a convex mix of tanh outputs and the previous
  // state), so the readout is bounded by its weights: refuse one whose σ = e^{log σ} or μ
  // could overflow on the way, rather than fail later on a non-finite step.
  let logStdReach = Math.abs(readout.logStdBias), meanReach = Math.abs(readout.meanBias);
  for (let i = 0; i < H; i++) {
    logStdReach += Math.abs(readout.logStdWeights[i]);
    meanReach += Math.abs(readout.meanWeights[i]);
  }
  if (!(logStdReach <= 700)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: readout.logStdBias and readout.logStdWeights let log σ reach ±${logStdReach.toPrecision(3)} for |h| ≤ 1, and σ = e^{log σ} overflows past 709; pass log-σ weights whose absolute values sum to at most 700.`);
  }
  if (!Number.isFinite(meanReach)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: readout.meanBias and readout.meanWeights let μ overflow for |h| ≤ 1; pass weights whose absolute values have a finite sum.`);
  }
  const { meanWeights: wMu, logStdWeights: wLs, meanBias: bMu, logStdBias: bLs } = readout;

  const D = H + 1;
  const w = cell.weights;
  const g = { r: new Float64Array(H), z: new Float64Array(H), n: new Float64Array(H), a: new Float64Array(H) };
  const evaluateGates = gruGates(w, H, 1, g);
  const h = new Float64Array(H), Gx = new Float64Array(H);
  let sigma = 0, e = 0;
  // The cell at (h_{t−1}, x_t) = s (its input is the state's last entry), then h_t, the
  // readout's σ(h_t) and ε_t.
  const forward = (t: number, s: FloatArray, so: number) => {
    evaluateGates(s, so + H, s, so);
    const { z, n } = g;
    for (let i = 0; i < H; i++) h[i] = (1 - z[i]) * n[i] + z[i] * s[so + i];
    let ls = bLs;
    for (let i = 0; i < H; i++) ls += wLs[i] * h[i];
    sigma = Math.exp(ls);
    e = t - 1 < eps.length ? eps[t - 1] : 0;
  };
  const mean = () => {
    let mu = bMu;
    for (let i = 0; i < H; i++) mu += wMu[i] * h[i];
    return mu;
  };
  // ∂h_t/∂h_{t−1} and ∂h_t/∂x_t, after forward.
  const dh = gruStateDerivative(w, H, g);
  const dxk = gruInputDerivative(w, 1, g);
  const dx = (s: FloatArray, so: number, i: number) => dxk(s, so, i, 0);

  const dyn = defineDynamics({
    dim: D,
    name: `autoregressiveGru(D=${H})`,
    step(t, s, so, out, oo) {
      forward(t, s, so);
      for (let i = 0; i < H; i++) out[oo + i] = h[i];
      out[oo + H] = mean() + sigma * e;
    },
    jacobian(t, s, so, out, oo) {
      forward(t, s, so);
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < H; j++) out[oo + i * D + j] = dh(s, so, i, j);
        out[oo + i * D + H] = Gx[i] = dx(s, so, i);
      }
      // The output row: x_{t+1} = μ(h_t) + σ(h_t) ε, so its gradient in h_t is c = w_μ + σ ε w_logσ.
      for (let j = 0; j <= H; j++) {
        let v = 0;
        for (let i = 0; i < H; i++) v += (wMu[i] + sigma * e * wLs[i]) * (j < H ? (out[oo + i * D + j] ?? 0) : Gx[i]);
        out[oo + H * D + j] = v;
      }
    },
    diagonal(t, s, so, out, oo) {
      forward(t, s, so);
      for (let i = 0; i < H; i++) out[oo + i] = dh(s, so, i, i);
      let v = 0;
      for (let i = 0; i < H; i++) v += (wMu[i] + sigma * e * wLs[i]) * dx(s, so, i);
      out[oo + H] = v;
    },
  });
  return Object.freeze({ ...dyn, weights: cell.weights, readout: Object.freeze(readout) });
}
