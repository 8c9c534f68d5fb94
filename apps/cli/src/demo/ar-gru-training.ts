import { gradient, solve } from '@unroll/solvers';
import { createRng, gru, type GaussianReadout, type GruWeights, type Rng } from '@unroll/systems';

/**
 * Training the autoregressive GRU of thesis §4.4.1 to generate a noisy sine wave, with the
 * library's own parallel forward pass and exact gradients: teacher forcing runs the GRU on
 * a data trace x_{1:T} (h_t = GRU(h_{t−1}, x_t), solved by DEER), the loss is the negative
 * log-likelihood of the next value under the Gaussian readout, and dL/dθ of the cell comes
 * from `gradient` — the backward pass as one reverse-time linear recurrence (thesis §3.4.3,
 * eqs. 24–26). The readout's gradient is closed-form. Adam updates θ.
 */

/** The data and the optimiser. */
export interface TrainingSetup {
  /** GRU hidden size (the thesis: 3). */
  readonly hidden: number;
  /** Steps of each training trace. */
  readonly traceLength: number;
  /** Traces per Adam step (fresh draws each step: random phase, fresh noise). */
  readonly batch: number;
  /** Adam steps. */
  readonly steps: number;
  readonly learningRate: number;
  /** The sine's period in steps, amplitude (the thesis: 10) and white-noise standard deviation. */
  readonly period: number;
  readonly amplitude: number;
  readonly noise: number;
}

/** A trained model and how training went. */
export interface TrainedModel {
  readonly weights: Readonly<Record<keyof GruWeights, Float64Array>>;
  readonly readout: GaussianReadout;
  /** The weights it started from (the untrained model of Fig. 16, top left). */
  readonly initialWeights: Readonly<Record<keyof GruWeights, Float64Array>>;
  readonly initialReadout: GaussianReadout;
  /** Mean NLL per predicted value, per Adam step. */
  readonly losses: readonly number[];
  /** DEER iterations of the teacher-forced forward passes, mean over all of them. */
  readonly forwardIterations: number;
  /** Forward passes that DEER did not converge (each is redone sequentially, so training never sees a wrong trajectory). */
  readonly unconverged: number;
}

const names = ['Wir', 'Wiz', 'Win', 'Whr', 'Whz', 'Whn', 'bir', 'biz', 'bin', 'bhr', 'bhz', 'bhn'] as const;

/** The NLL of a value under N(μ, σ²), with log σ given: ½((x − μ)/σ)² + log σ + ½ log 2π. */
export function gaussianNll(x: number, mu: number, logStd: number): number {
  const e = (x - mu) * Math.exp(-logStd);
  return 0.5 * e * e + logStd + 0.5 * Math.log(2 * Math.PI);
}

/** θ = the cell's twelve arrays (gru's layout, inputDim 1), then [w_μ, b_μ, w_logσ, b_logσ]. */
export function packParameters(weights: Readonly<Record<keyof GruWeights, ArrayLike<number>>>, readout: GaussianReadout): Float64Array {
  const out: number[] = [];
  for (const k of names) out.push(...Array.from(weights[k]));
  out.push(...Array.from(readout.meanWeights), readout.meanBias, ...Array.from(readout.logStdWeights), readout.logStdBias);
  return Float64Array.from(out);
}

/** The inverse of {@link packParameters}. */
export function unpackParameters(theta: Float64Array, hidden: number): { weights: Record<keyof GruWeights, Float64Array>; readout: GaussianReadout } {
  const H = hidden;
  const sizes: Record<(typeof names)[number], number> = { Wir: H, Wiz: H, Win: H, Whr: H * H, Whz: H * H, Whn: H * H, bir: H, biz: H, bin: H, bhr: H, bhz: H, bhn: H };
  const weights = {} as Record<keyof GruWeights, Float64Array>;
  let o = 0;
  for (const k of names) {
    weights[k] = theta.slice(o, o + sizes[k]);
    o += sizes[k];
  }
  const readout = {
    meanWeights: theta.slice(o, o + H),
    meanBias: theta[o + H] ?? 0,
    logStdWeights: theta.slice(o + H + 1, o + 2 * H + 1),
    logStdBias: theta[o + 2 * H + 1] ?? 0,
  };
  return { weights, readout };
}

/** One training trace: x_t = A sin(2πt/P + φ) + σ_n ε_t, t = 0 … length (length + 1 values). */
export function sineTrace(rng: Rng, setup: Pick<TrainingSetup, 'period' | 'amplitude' | 'noise'>, length: number): Float64Array {
  const phase = 2 * Math.PI * rng.uniform();
  return Float64Array.from({ length: length + 1 }, (_, t) => setup.amplitude * Math.sin((2 * Math.PI * t) / setup.period + phase) + setup.noise * rng.normal());
}

/** What {@link teacherForcedLoss} returns. */
export interface LossAndGradient {
  /** Σ_t NLL(x_{t+1} | h_t) over the trace (not averaged). */
  readonly loss: number;
  /** dL/dθ in {@link packParameters}' layout. */
  readonly gradient: Float64Array;
  /** DEER iterations of the forward pass (0 when it fell back to the rollout). */
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * The teacher-forced loss of one trace and its exact gradient. h_0 = 0; h_t = GRU(h_{t−1},
 * x_t) for t = 1 … T (inputs x_1 … x_T = trace[0 … T−1]); h_t predicts trace[t]. Forward by
 * `forward` (DEER by default; a run that does not converge is redone sequentially).
 */
export function teacherForcedLoss(theta: Float64Array, hidden: number, trace: Float64Array, forward: 'deer' | 'sequential' = 'deer'): LossAndGradient {
  const H = hidden, T = trace.length - 1;
  const { weights, readout } = unpackParameters(theta, H);
  const dyn = gru({ dim: H, inputDim: 1, weights, inputs: trace.slice(0, T) });
  const h0 = new Float64Array(H);
  let r = solve(dyn, h0, T, { method: forward });
  const iterations = forward === 'deer' ? r.iterations : 0;
  const converged = r.converged;
  if (!converged) r = solve(dyn, h0, T, { method: 'sequential' });
  const hs = r.states;
  const grad = new Float64Array(theta.length);
  const ro = theta.length - (2 * H + 2);
  const dLdh = new Float64Array(T * H);
  let loss = 0;
  const { meanWeights: wMu, logStdWeights: wLs } = readout;
  for (let t = 0; t < T; t++) {
    let mu = readout.meanBias, ls = readout.logStdBias;
    for (let i = 0; i < H; i++) {
      mu += (wMu[i] ?? 0) * (hs[t * H + i] ?? 0);
      ls += (wLs[i] ?? 0) * (hs[t * H + i] ?? 0);
    }
    const x = trace[t + 1] ?? 0;
    loss += gaussianNll(x, mu, ls);
    // ∂NLL/∂μ = −(x − μ)/σ², ∂NLL/∂log σ = 1 − (x − μ)²/σ².
    const inv = Math.exp(-2 * ls), e = x - mu;
    const dMu = -e * inv, dLs = 1 - e * e * inv;
    for (let i = 0; i < H; i++) {
      const h = hs[t * H + i] ?? 0;
      dLdh[t * H + i] = dMu * (wMu[i] ?? 0) + dLs * (wLs[i] ?? 0);
      grad[ro + i] = (grad[ro + i] ?? 0) + dMu * h;
      grad[ro + H + 1 + i] = (grad[ro + H + 1 + i] ?? 0) + dLs * h;
    }
    grad[ro + H] = (grad[ro + H] ?? 0) + dMu;
    grad[ro + 2 * H + 1] = (grad[ro + 2 * H + 1] ?? 0) + dLs;
  }
  // The cell's dL/dθ through the adjoint recurrence (exact: the Jacobians at the solved trajectory).
  const cell = gradient(dyn, h0, hs, dLdh).params;
  if (cell === undefined) throw new Error('gru has a parameter VJP');
  grad.set(cell, 0);
  return { loss, gradient: grad, iterations, converged };
}

/** Trains from PyTorch's initialisation (seeded) with Adam (β = 0.9, 0.999), reporting progress every 50 steps. */
export function trainArGru(setup: TrainingSetup, seed: number, progress: (message: string) => void): TrainedModel {
  const H = setup.hidden;
  const init = gru({ dim: H, inputDim: 1, seed: seed + 11 });
  const rng = createRng(seed + 12);
  // A readout that starts near "predict 0 with σ = 2": the sine's scale is learned.
  const initialReadout: GaussianReadout = {
    meanWeights: Float64Array.from({ length: H }, () => 0.1 * rng.normal()),
    meanBias: 0,
    logStdWeights: Float64Array.from({ length: H }, () => 0.1 * rng.normal()),
    logStdBias: Math.log(2),
  };
  const theta = packParameters(init.weights, initialReadout);
  const m = new Float64Array(theta.length), v = new Float64Array(theta.length), g = new Float64Array(theta.length);
  const losses: number[] = [];
  let iterations = 0, forwards = 0, unconverged = 0;
  for (let step = 1; step <= setup.steps; step++) {
    g.fill(0);
    let loss = 0;
    for (let b = 0; b < setup.batch; b++) {
      const r = teacherForcedLoss(theta, H, sineTrace(rng, setup, setup.traceLength));
      loss += r.loss;
      for (let p = 0; p < g.length; p++) g[p] = (g[p] ?? 0) + (r.gradient[p] ?? 0);
      iterations += r.iterations;
      forwards++;
      if (!r.converged) unconverged++;
    }
    const scale = 1 / (setup.batch * setup.traceLength);
    losses.push(loss * scale);
    for (let p = 0; p < theta.length; p++) {
      const gp = (g[p] ?? 0) * scale;
      m[p] = 0.9 * (m[p] ?? 0) + 0.1 * gp;
      v[p] = 0.999 * (v[p] ?? 0) + 0.001 * gp * gp;
      const mHat = (m[p] ?? 0) / (1 - 0.9 ** step), vHat = (v[p] ?? 0) / (1 - 0.999 ** step);
      theta[p] = (theta[p] ?? 0) - (setup.learningRate * mHat) / (Math.sqrt(vHat) + 1e-8);
    }
    if (step % 50 === 0) progress(`training: Adam step ${step} of ${setup.steps}, NLL ${(loss * scale).toFixed(3)}`);
  }
  const trained = unpackParameters(theta, H);
  return { ...trained, initialWeights: init.weights, initialReadout, losses, forwardIterations: iterations / Math.max(1, forwards), unconverged };
}
