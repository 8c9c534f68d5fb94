import { defineStrategy, diagonal as diagonalStrategy, type Dynamics, type Strategy } from '@unroll/linearize';
import { diagonal as diagonalStructure, type FloatArray } from '@unroll/scan';
import { solve, type Method } from '@unroll/solvers';
import { createRng, gradientDescent, tinyMlp, type TinyMlpLoss } from '@unroll/systems';
import { convergenceFactor, picardInverseNorm, predictIterationsAtRate, predictWindowIterations, spectralNorm } from '@unroll/theory';
import { measuredRate } from './measured-rate.js';
import type { CaseStudy, CaseStudyOptions, CaseStudyResult, CaseTable, Cell, PaperComparison } from './case-study.js';
import { median } from './summary-statistics.js';

/** One optimizer run to reproduce: its dynamics, start, length and sequential reference. */
export interface Training {
  readonly optimizer: 'sgd' | 'adam';
  readonly learningRate: number;
  readonly dyn: ReturnType<typeof gradientDescent>;
  readonly loss: TinyMlpLoss;
  readonly s0: Float64Array;
  readonly T: number;
  readonly reference: FloatArray;
  /** The minibatch of step t is `batches[(t − 1) mod 8]`. */
  readonly batches: readonly (readonly number[])[];
  /** PASO's initialization (§4.6): every step of the window starts at the initial weights w_0. */
  readonly init: Float64Array;
}

/** What one parallel solve is reported by. */
interface Outcome {
  readonly iterations: number;
  readonly converged: boolean;
  /** Calls of f (one minibatch gradient each) divided by T: PASO's cost ratio m = pK/T (App. C.1). */
  readonly evaluationsPerStep: number;
  /** max |s_t − s*_t| over every state entry (θ and the optimizer's moments). */
  readonly maxError: number;
  /** max |θ_t − θ*_t| over the parameters only. */
  readonly maxThetaError: number;
  /** PASO's trajectory divergence d_t = ‖θ_t − θ*_t‖², averaged over t (App. B.2.1, Table 7). */
  readonly meanDivergence: number;
  /** Full-data loss at θ_T relative to the sequential run's: what PASO's quality metrics compare. */
  readonly finalLossChange: number;
}

const rows = 64;
const batchSize = 8;
const features = 3;
const hidden = 4;
/** PASO's window sizes for AdamW on GPT-2 (Table 4). */
const pasoTable4: ReadonlyMap<number, number> = new Map([[7, 184], [35, 39], [77, 21], [117, 16], [159, 12], [201, 11]]);
const demoWindows = [7, 35, 201];
const fullWindows = [7, 35, 77, 117, 159, 201];
/** PASO's recommended tolerance δ = 1e-5 on the mean-square change (§6.1, eq. 9), read as an RMS change √δ per entry. */
const pasoTol = Math.sqrt(1e-5);

/**
 * A regression problem for a tiny tanh MLP: seeded Gaussian inputs, targets tanh(x·w + noise),
 * split into minibatches of 8 that step t cycles through.
 */
function makeLoss(seed: number): { loss: TinyMlpLoss; batches: number[][] } {
  const rng = createRng(seed);
  const X = Array.from({ length: rows }, () => Array.from({ length: features }, () => rng.normal()));
  const w = Array.from({ length: features }, () => rng.normal());
  const y = X.map((x) => Math.tanh(x.reduce((acc, v, j) => acc + v * (w[j] ?? 0), 0) + 0.3 * rng.normal()));
  const batches = Array.from({ length: rows / batchSize }, (_, k) => Array.from({ length: batchSize }, (_, i) => k * batchSize + i));
  return { loss: tinyMlp(X, y, { hidden }), batches };
}

/** The study's training run of `optimizer` for T steps from the seeded problem, with its sequential reference. */
export function training(seed: number, optimizer: 'sgd' | 'adam', learningRate: number, T: number): Training {
  const { loss, batches } = makeLoss(seed);
  const dyn = gradientDescent({ loss, learningRate, batches, optimizer });
  const s0 = new Float64Array(dyn.dim);
  s0.set(loss.initialParams(seed)); // moments (Adam) start at 0
  const reference = solve(dyn, s0, T, { method: 'sequential' }).states;
  const init = new Float64Array(T * dyn.dim);
  for (let t = 0; t < T; t++) init.set(s0, t * dyn.dim);
  return { optimizer, learningRate, dyn, loss, s0, T, reference, batches, init };
}

/**
 * PASO's Adam (App. E, eq. 14–15) recomputes the moments m_t, v_t exactly from the current
 * iterate's gradients and prefix-sums the parameter updates. In the LDS framework that is
 * Ã_t = diag(I, β₁I, β₂I): identity for θ (Picard), the exact decay for m and v. Plain
 * Picard (Ã = I) would iterate the moments too.
 */
function pasoAdam(P: number, beta1: number, beta2: number): Strategy {
  return defineStrategy({
    name: 'paso-adam',
    structure: (D) => diagonalStructure(D),
    prepare: () => ({
      source: 'constant diag(1, β₁, β₂): PASO\'s Adam',
      cost: { storedPerStep: 3 * P, calls: { step: 0, jvp: 0, jacobian: 0, diagonal: 0 } },
      fill(_t, _prev, _po, out, oo) {
        for (let i = 0; i < P; i++) {
          out[oo + i] = 1;
          out[oo + P + i] = beta1;
          out[oo + 2 * P + i] = beta2;
        }
      },
    }),
  });
}

/** PASO's window entry (§4.6) and per-step mean-square change (eq. 9), measured over the whole state [θ, m, v]: the rules as the study first ran them. */
const entryAndMeanSquare = { windowEntry: 'previous', change: 'mean-square' } as const;
/** The same plus PASO's stride (Algorithm 1, line 8: one step past the converged ones). */
const withStride = { ...entryAndMeanSquare, windowAdvance: 'first-unconverged' } as const;
/** PASO's rules in full as solve options: eq. 9 also divides by the model dimension n, measuring the P weights only, not Adam's moments. */
const pasoRules = (P: number) => ({ ...withStride, changeEntries: P }) as const;
/** PASO's recommended tolerance δ on the mean-square change (§6.1, eq. 9). */
const pasoDelta = 1e-5;

interface Rules {
  readonly windowEntry?: 'guess' | 'previous';
  readonly change?: 'max-abs' | 'mean-square';
  readonly windowAdvance?: 'converged' | 'first-unconverged';
  readonly changeEntries?: number;
}

function run(tr: Training, method: Method | Strategy, window: number | undefined, tol: number, rules: Rules = {}): Outcome {
  const { dyn, T, reference, loss } = tr;
  const D = dyn.dim, P = loss.params;
  let calls = 0;
  // The same dynamics with its f calls counted: each is one minibatch gradient.
  const counted: Dynamics = {
    dim: D,
    step: (t, s, so, out, oo) => {
      calls++;
      dyn.step(t, s, so, out, oo);
    },
    jacobian: (t, s, so, out, oo) => {
      dyn.jacobian(t, s, so, out, oo);
    },
    diagonal: (t, s, so, out, oo) => {
      dyn.diagonal(t, s, so, out, oo);
    },
    jvp: (t, s, so, v, vo, out, oo) => {
      dyn.jvp(t, s, so, v, vo, out, oo);
    },
  };
  const r = solve(counted, tr.s0, T, { method, tol, init: tr.init, ...rules, ...(window === undefined ? {} : { window }) });
  let maxError = 0, maxThetaError = 0, divergence = 0;
  for (let t = 0; t < T; t++) {
    let d = 0;
    for (let i = 0; i < D; i++) {
      const e = Math.abs((r.states[t * D + i] ?? 0) - (reference[t * D + i] ?? 0));
      const err = Number.isFinite(e) ? e : Infinity;
      if (!(err <= maxError)) maxError = err;
      if (i < P) {
        if (!(err <= maxThetaError)) maxThetaError = err;
        d += err * err;
      }
    }
    divergence += d / T;
  }
  const all = Array.from({ length: loss.rows }, (_, i) => i);
  const last = (s: FloatArray) => Array.from({ length: P }, (_, i) => s[(T - 1) * D + i] ?? 0);
  const seqLoss = loss.value(last(reference), all);
  return {
    iterations: r.iterations,
    converged: r.converged,
    evaluationsPerStep: calls / T,
    maxError,
    maxThetaError,
    meanDivergence: divergence,
    finalLossChange: (loss.value(last(r.states), all) - seqLoss) / seqLoss,
  };
}

/** What PASO's Algorithm 1, run as written, is reported by. */
export interface Algorithm1Outcome {
  /** Parallel iterations K (passes of the while loop, line 4). */
  readonly iterations: number;
  /** Gradients computed, G ≤ pK (the window shrinks at the end, App. C.1). */
  readonly gradients: number;
  /** max |θ_t − θ*_t| against the sequential run. */
  readonly maxThetaError: number;
  /** Full-data loss at θ_T relative to the sequential run's. */
  readonly finalLossChange: number;
  /** The window's start t at each iteration, and its stride s there (line 8). */
  readonly strides: readonly (readonly [t: number, s: number])[];
}

/** Eq. 10's adaptive tolerance: δ ← λδ + (1 − λ)·A(d over the window), A the mean or the median. */
export interface Ema {
  readonly decay: number;
  readonly aggregate: 'mean' | 'median';
}


/**
 * PASO's Algorithm 1 with PASO's Adam, written out as the paper states it — not through the
 * solver — so that every rule the paper's m depends on is in one place:
 *
 * - line 5: gradients at the window's weights of the previous iterate, ∇L(ŵ_τ, ζ_τ);
 * - line 6–7 with App. E (eq. 14–15): the moments m_τ, v_τ recomputed from this iteration's
 *   gradients, starting from the window's exact first state, then ŵ_{t+i+1} = ŵ_t − Σ η ĉ₁m/(√(ĉ₂v) + ε);
 *   our "PASO form" strategy instead iterates the moments (Ã = diag(1, β₁, β₂)), so its
 *   θ-update at step τ uses the moments of the previous iterate;
 * - eq. 9: d_i = (1/n)‖ŵ^{(k+1)} − ŵ^{(k)}‖² over the n = P weights;
 * - line 8: stride s = i + 1 for the first step i with d_i > δ, else p;
 * - line 9 (§4.6): steps entering the window start at its rightmost weights;
 * - line 10, eq. 10 (when `ema` is given): δ ← λδ + (1 − λ)·A({d_i});
 * - line 11: t ← t + s, p ← min(p, T − t).
 */
export function algorithm1(tr: Training, p: number, delta0: number, ema?: Ema): Algorithm1Outcome {
  const { dyn, loss, T, reference, batches, learningRate: eta } = tr;
  const D = dyn.dim, P = loss.params;
  const b1 = dyn.params.beta1 ?? 0.9, b2 = dyn.params.beta2 ?? 0.999, eps = dyn.params.epsilon ?? 1e-8;
  // Row r holds the state (θ, m, v) after r steps; row 0 is s_0 and exact.
  const cur = new Float64Array((T + 1) * D);
  for (let r = 0; r <= Math.min(T, p); r++) cur.set(tr.s0, r * D); // line 2
  let entered = Math.min(T, p);
  const next = new Float64Array((p + 1) * D), g = new Float64Array(P);
  const d: number[] = [];
  let t = 0, K = 0, G = 0, delta = delta0;
  const strides: [number, number][] = [];
  while (t < T) {
    const pw = Math.min(p, T - t);
    for (let j = 0; j < D; j++) next[j] = cur[t * D + j] ?? 0;
    for (let i = 0; i < pw; i++) {
      const step = t + i + 1; // ζ of step `step`, gradient at ŵ_{step−1} of the previous iterate
      loss.gradient(cur, (step - 1) * D, batches[(step - 1) % batches.length] ?? [], g);
      G++;
      const c1 = 1 / (1 - b1 ** step), c2 = 1 / (1 - b2 ** step), a = i * D, o = (i + 1) * D;
      for (let j = 0; j < P; j++) {
        const gj = g[j] ?? 0;
        const m = b1 * (next[a + P + j] ?? 0) + (1 - b1) * gj;
        const v = b2 * (next[a + 2 * P + j] ?? 0) + (1 - b2) * gj * gj;
        next[o + P + j] = m;
        next[o + 2 * P + j] = v;
        next[o + j] = (next[a + j] ?? 0) - (eta * c1 * m) / (Math.sqrt(c2 * v) + eps);
      }
    }
    d.length = 0;
    for (let i = 0; i < pw; i++) {
      let sq = 0;
      for (let j = 0; j < P; j++) sq += ((next[(i + 1) * D + j] ?? 0) - (cur[(t + i + 1) * D + j] ?? 0)) ** 2;
      d.push(sq / P);
    }
    for (let k = D; k < (pw + 1) * D; k++) cur[t * D + k] = next[k] ?? 0;
    const first = d.findIndex((x) => !(x <= delta));
    const stride = first < 0 ? pw : first + 1;
    if (ema) delta = ema.decay * delta + (1 - ema.decay) * (ema.aggregate === 'mean' ? d.reduce((x, y) => x + y, 0) / d.length : median(d));
    K++;
    strides.push([t, stride]);
    t += stride;
    const until = Math.min(T, t + p);
    for (let r = entered + 1; r <= until; r++) cur.copyWithin(r * D, entered * D, (entered + 1) * D);
    entered = Math.max(entered, until);
  }
  let maxThetaError = 0;
  for (let r = 1; r <= T; r++) {
    for (let j = 0; j < P; j++) {
      const e = Math.abs((cur[r * D + j] ?? 0) - (reference[(r - 1) * D + j] ?? 0));
      if (!(e <= maxThetaError)) maxThetaError = Number.isFinite(e) ? e : Infinity;
    }
  }
  const all = Array.from({ length: loss.rows }, (_, i) => i);
  const last = (s: FloatArray, row: number) => Array.from({ length: P }, (_, i) => s[row * D + i] ?? 0);
  const seqLoss = loss.value(last(reference, T - 1), all);
  return { iterations: K, gradients: G, maxThetaError, finalLossChange: (loss.value(last(cur, T), all) - seqLoss) / seqLoss, strides };
}

/**
 * Adam's effective step size η ĉ₁ / (√(ĉ₂ v_t) + ε), averaged over the weights and steps
 * [from, to) of the sequential run: the factor by which a change in the gradient moves the
 * weights. Picard's Ã = I for θ leaves out −(η ĉ₁ / √(ĉ₂ v)) ∂g/∂θ, so the larger it is,
 * the more passes a window takes.
 */
function adamStepSize(tr: Training, from: number, to: number): number {
  const { dyn, loss, reference, learningRate: eta } = tr;
  const D = dyn.dim, P = loss.params, b1 = dyn.params.beta1 ?? 0.9, b2 = dyn.params.beta2 ?? 0.999, eps = dyn.params.epsilon ?? 1e-8;
  let sum = 0;
  for (let t = from; t < to; t++) {
    const c1 = 1 / (1 - b1 ** (t + 1)), c2 = 1 / (1 - b2 ** (t + 1));
    for (let j = 0; j < P; j++) sum += (eta * c1) / (Math.sqrt(c2 * (reference[t * D + 2 * P + j] ?? 0)) + eps);
  }
  return sum / ((to - from) * P);
}

/** m = pK/T over the steps [from, to): the iterations whose window started there, over the steps they passed. */
function mBetween(p: number, strides: readonly (readonly [number, number])[], from: number, to: number): number {
  const inside = strides.filter(([t]) => t >= from && t < to);
  return (p * inside.length) / inside.reduce((acc, [, s]) => acc + s, 0);
}

/** Counts over restarting windows for one method: measured, and predicted two ways. */
interface WindowCounts {
  /** Σ over the windows of the solves each took, alone, from the true state at its start. */
  readonly measured: number;
  /** Median over the windows of the measured rate (δ_n/δ_1)^{1/(n−1)}. */
  readonly rate: number;
  /** Σ of `predictIterationsAtRate` at rate γ from each window's first change (the cap p where γ ≥ 1). */
  readonly fromGamma: number;
  /** Σ of `predictWindowIterations`: the first-order bound from the neglected part of A_t (eq. 15's error recursion is nilpotent). */
  readonly fromBound: number;
}

/** Picard and quasi-DEER on SGD over restarting windows of p steps: the predictions beside the runs. */
export interface WindowPrediction {
  readonly p: number;
  /** max_t ‖A_t − I‖₂ = η·max_t ‖H_t‖₂ along the sequential run. */
  readonly picardError: number;
  /** γ = ‖J̃_P⁻¹‖·max_t ‖A_t − I‖₂, ‖J̃_P⁻¹‖ = picardInverseNorm(p) (unifying-framework paper, Prop. 3, eq. 15, Lemma 2). */
  readonly gamma: number;
  /** max over the windows of ‖J̃_q⁻¹‖·‖J̃_q − J‖ (`convergenceFactor` with the diagonal): the rate from the neglected off-diagonal part. */
  readonly gammaQuasi: number;
  readonly picard: WindowCounts;
  readonly quasi: WindowCounts;
}

/** The same dynamics with step t read as step t + offset: one window of a longer run, solved alone. */
function shifted(dyn: Training['dyn'], offset: number): Dynamics {
  return {
    dim: dyn.dim,
    step: (t, s, so, out, oo) => {
      dyn.step(t + offset, s, so, out, oo);
    },
    jacobian: (t, s, so, out, oo) => {
      dyn.jacobian(t + offset, s, so, out, oo);
    },
    diagonal: (t, s, so, out, oo) => {
      dyn.diagonal(t + offset, s, so, out, oo);
    },
    jvp: (t, s, so, v, vo, out, oo) => {
      dyn.jvp(t + offset, s, so, v, vo, out, oo);
    },
  };
}

/**
 * Picard (PASO for SGD) and quasi-DEER over restarting windows [kp, (k + 1)p) of an SGD run:
 * each window solved alone from the true state at its start, from the study's initial guess
 * w_0, beside the two predictions from the window's Jacobians A_t = I − ηH_t along the
 * sequential run: γ (Prop. 3) and the first-order count bound of `predictWindowIterations`
 * (ε = max ‖A_t − I‖_∞ for Picard; the off-diagonal part for quasi-DEER, r = max |(A_t)_ii|).
 */
export function windowPredictions(tr: Training, windows: readonly number[], tol: number): WindowPrediction[] {
  const { dyn, T, reference, s0 } = tr;
  const D = dyn.dim;
  // A_t at s*_{t−1} for every step; per step: ‖A_t − I‖₂, ‖A_t − I‖_∞, ‖A_t − diag A_t‖_∞, max |(A_t)_ii|.
  const A = new Float64Array(D * D), M = new Float64Array(D * D), scratch = new Float64Array(2 * D * D);
  const two = new Float64Array(T), inf = new Float64Array(T), off = new Float64Array(T), diag = new Float64Array(T);
  for (let t = 1; t <= T; t++) {
    if (t === 1) dyn.jacobian(t, s0, 0, A, 0);
    else dyn.jacobian(t, reference, (t - 2) * D, A, 0);
    let rowI = 0, rowO = 0, d = 0;
    for (let i = 0; i < D; i++) {
      let si = 0, so = 0;
      for (let j = 0; j < D; j++) {
        const a = A[i * D + j] ?? 0;
        M[i * D + j] = i === j ? a - 1 : a;
        si += Math.abs(i === j ? a - 1 : a);
        if (i !== j) so += Math.abs(a);
      }
      rowI = Math.max(rowI, si);
      rowO = Math.max(rowO, so);
      d = Math.max(d, Math.abs(A[i * D + i] ?? 0));
    }
    two[t - 1] = spectralNorm(M, 0, D, scratch);
    inf[t - 1] = rowI;
    off[t - 1] = rowO;
    diag[t - 1] = d;
  }
  const maxOver = (v: Float64Array, from: number, to: number) => {
    let m = 0;
    for (let k = from; k < to; k++) m = Math.max(m, v[k] ?? 0);
    return m;
  };
  // Over the finite values only (a window whose rate is undefined is left out).
  const finiteMedian = (xs: number[]) => median(xs.filter(Number.isFinite));
  const picardError = maxOver(two, 0, T);
  return windows.map((p) => {
    const gamma = picardInverseNorm(p) * picardError;
    let gammaQuasi = 0;
    const counts = { picard: { measured: 0, fromGamma: 0, fromBound: 0, rates: [] as number[] }, quasi: { measured: 0, fromGamma: 0, fromBound: 0, rates: [] as number[] } };
    const quasiGammas: number[] = [];
    for (let start = 0; start < T; start += p) {
      const pw = Math.min(p, T - start);
      const w = shifted(dyn, start);
      const ws0 = start === 0 ? s0 : reference.slice((start - 1) * D, start * D);
      const wref = reference.slice(start * D, (start + pw) * D);
      const init = tr.init.slice(start * D, (start + pw) * D);
      let e0 = 0;
      for (let k = 0; k < pw * D; k++) e0 = Math.max(e0, Math.abs((init[k] ?? 0) - (wref[k] ?? 0)));
      // A_1 of the window multiplies its fixed start: only steps 2 … pw carry the error.
      const epsI = maxOver(inf, start + 1, start + pw), epsO = maxOver(off, start + 1, start + pw), r = Math.max(1, maxOver(diag, start + 1, start + pw));
      const gq = pw > 1 ? convergenceFactor(diagonalStrategy(), w, ws0, wref).factor : 0;
      quasiGammas.push(gq);
      for (const [method, c, rate, eps, rr] of [['picard', counts.picard, gamma, epsI, 1], ['quasi-deer', counts.quasi, gq, epsO, r]] as const) {
        const run = solve(w, ws0, pw, { method, tol, init });
        c.measured += run.iterations;
        c.rates.push(measuredRate(run.trace.delta));
        c.fromGamma += predictIterationsAtRate({ rate, firstChange: run.trace.delta[0] ?? 0, tol, T: pw }).iterations;
        c.fromBound += predictWindowIterations({ neglected: eps, kept: rr, window: pw, initialError: e0, tol }).iterations;
      }
    }
    gammaQuasi = Math.max(...quasiGammas);
    const done = (c: typeof counts.picard): WindowCounts => ({ measured: c.measured, rate: finiteMedian(c.rates), fromGamma: c.fromGamma, fromBound: c.fromBound });
    return { p, picardError, gamma, gammaQuasi, picard: done(counts.picard), quasi: done(counts.quasi) };
  });
}

const windowLabel = (w: number | undefined, T: number): Cell => (w === undefined ? `none (${T})` : w);

/**
 * Case study 7: a training run as a dynamical system, evaluated in parallel over its steps.
 * PASO (step-parallel optimization) is Picard iteration with a sliding window (its eq. 7–8);
 * in the LDS framework it is Ã_t = I, and quasi-DEER replaces I by the diagonal of the
 * optimizer's Jacobian (I − ηH for SGD). Runs SGD and Adam on a tiny MLP for T = 1000 steps
 * and reports the parallel iterations K, PASO's step reduction T/K, the gradient
 * evaluations per step and the error against the sequential training run, for PASO's
 * window sizes (Table 4) and tolerances.
 */
export const optimizers: CaseStudy = {
  number: 7,
  id: 'optimizers',
  title: 'Step-parallel optimization: SGD and Adam trajectories by Picard with a window (PASO) and quasi-DEER',
  run(options: CaseStudyOptions): CaseStudyResult {
    const { full, seed, progress } = options;
    const T = 1000; // PASO's GPT-2 and Llama runs are T = 1000 steps (Tables 2, 4)
    const windows: (number | undefined)[] = full ? [...fullWindows, undefined] : demoWindows;
    const tol = 1e-8;

    progress('SGD: sequential training run');
    const sgd = training(seed, 'sgd', 0.01, T);
    const sgdRuns: { method: string; window: number | undefined; outcome: Outcome }[] = [];
    for (const [name, method] of [['Picard (PASO)', 'picard'], ['quasi-DEER', 'quasi-deer']] as const) {
      for (const window of windows) {
        progress(`SGD: ${name}, window ${String(window ?? T)}`);
        sgdRuns.push({ method: name, window, outcome: run(sgd, method, window, tol) });
      }
    }

    progress('SGD: Picard and quasi-DEER over restarting windows, beside what the windows\' Jacobians predict');
    const predictions = windowPredictions(sgd, windows.map((w) => w ?? T), tol);

    progress('Adam: sequential training run');
    const adam = training(seed, 'adam', 1e-3, T);
    const P = adam.loss.params;
    const paso = pasoAdam(P, adam.dyn.params.beta1 ?? 0.9, adam.dyn.params.beta2 ?? 0.999);
    const adamRuns = windows.map((window) => {
      progress(`Adam: Picard, PASO form, quasi-DEER; window ${String(window ?? T)}`);
      return {
        window,
        picard: run(adam, 'picard', window, tol),
        paso: run(adam, paso, window, tol),
        quasi: run(adam, 'quasi-deer', window, tol),
      };
    });

    // PASO stops on a loose, adaptive tolerance (eq. 9–10); ours on max-abs change.
    const pMax = fullWindows[fullWindows.length - 1] ?? 201;
    const tols = [1e-8, 1e-4, pasoTol];
    const tolRuns: { label: string; tol: number; outcome: Outcome }[] = [];
    for (const t of tols) {
      progress(`tolerance ${t.toExponential(1)}: SGD Picard, Adam PASO form (window ${pMax})`);
      tolRuns.push({ label: 'SGD, Picard (PASO)', tol: t, outcome: run(sgd, 'picard', pMax, t) });
      tolRuns.push({ label: 'Adam, PASO form', tol: t, outcome: run(adam, paso, pMax, t) });
    }

    const sgdTable: CaseTable = {
      title: `SGD (lr ${sgd.learningRate}) on a tiny MLP (${features} → ${hidden} → 1, P = ${P}), T = ${T} steps: parallel iterations by window p`,
      columns: ['method', 'window p', 'iterations K', 'T / K', 'f evaluations / T', 'converged', 'max |error|'],
      rows: sgdRuns.map(({ method, window, outcome: o }): Cell[] => [method, windowLabel(window, T), o.iterations, T / o.iterations, o.evaluationsPerStep, o.converged, o.maxError]),
    };
    const adamTable: CaseTable = {
      title: `Adam (lr ${adam.learningRate}), same model and data, T = ${T}: iterations K by window p, next to PASO Table 4 (AdamW, GPT-2, T = 1000)`,
      columns: ['window p', 'PASO Table 4 K', 'Picard K (Ã = I)', 'PASO form K (Ã = diag(1, β₁, β₂))', 'quasi-DEER K', 'T / K (PASO form)', 'f evaluations / T (PASO form)', 'all converged', 'max |error| (worst)'],
      rows: adamRuns.map(({ window, picard, paso: q0, quasi }): Cell[] => [
        windowLabel(window, T),
        window === undefined ? null : pasoTable4.get(window) ?? null,
        picard.iterations,
        q0.iterations,
        quasi.iterations,
        T / q0.iterations,
        q0.evaluationsPerStep,
        picard.converged && q0.converged && quasi.converged,
        Math.max(picard.maxError, q0.maxError, quasi.maxError),
      ]),
    };
    // m = pK/T, rule by rule, from our strict rule to PASO's Algorithm 1 as written (App. C.1).
    const ruleWindows = full ? fullWindows : [7, 35];
    const ruleRuns = ruleWindows.map((p) => {
      progress(`Adam, window ${p}: from our strict rule to PASO's Algorithm 1, rule by rule`);
      return {
        p,
        strict: run(adam, paso, p, tol),
        entry: run(adam, paso, p, pasoDelta, entryAndMeanSquare),
        stride: run(adam, paso, p, pasoDelta, withStride),
        rules: run(adam, paso, p, pasoDelta, pasoRules(P)),
        algorithm1: algorithm1(adam, p, pasoDelta),
        ema90: algorithm1(adam, p, pasoDelta, { decay: 0.9, aggregate: 'mean' }),
        ema99: algorithm1(adam, p, pasoDelta, { decay: 0.99, aggregate: 'mean' }),
      };
    });
    // Fig. 7's horizon: the same model and data, T = 10⁴ steps of Adam.
    const longT = 10_000;
    progress(`Adam, T = ${longT}: sequential training run and PASO's Algorithm 1`);
    const adamLong = training(seed, 'adam', 1e-3, longT);
    const longWorst = Math.max(...ruleWindows);
    progress(`Adam, T = ${longT}: quasi-DEER with PASO's rules, p = ${longWorst}`);
    const long = {
      T: longT,
      runs: ruleWindows.map((p) => ({ p, outcome: algorithm1(adamLong, p, pasoDelta) })),
      rate: (from: number, to: number) => adamStepSize(adamLong, from, to),
      // The same rules with quasi-DEER, whose Ã_t keeps the diagonal of the step-size factor Picard leaves out: does m fall with it?
      quasi: { p: longWorst, outcome: run(adamLong, 'quasi-deer', longWorst, pasoDelta, pasoRules(adamLong.loss.params)) },
    };
    const m = (p: number, K: number) => (p * K) / T;
    const rulesTable: CaseTable = {
      title: `Adam, T = ${T}: gradient evaluations per step m = pK/T, adding PASO's rules one at a time (δ = ${pasoDelta.toExponential(0)} from the second column on), next to m implied by PASO Table 4 (AdamW, GPT-2, T = 1000)`,
      columns: [
        'window p',
        'strict rule (max |Δ| < 1e-8, new steps at w_0)',
        '+ new steps at the previous window\'s last weights, mean-square change over [θ, m, v] (§4.6, eq. 9)',
        '+ stride one past the converged steps (Alg. 1, line 8)',
        '+ eq. 9 over the P weights only (n = model dimension): PASO\'s rules in the solver',
        "PASO's Adam, moments recomputed each iteration (Alg. 1 as written, App. E)",
        '+ adaptive δ, eq. 10 (λ = 0.9, mean)',
        '+ adaptive δ, eq. 10 (λ = 0.99, mean)',
        'PASO Table 4: m = pK/T',
        "K: PASO's rules in the solver / Alg. 1 / Table 4",
        'final loss vs sequential (solver / Alg. 1)',
        'solver runs converged',
      ],
      rows: ruleRuns.map((r): Cell[] => {
        const table = pasoTable4.get(r.p);
        return [
          r.p,
          m(r.p, r.strict.iterations),
          m(r.p, r.entry.iterations),
          m(r.p, r.stride.iterations),
          m(r.p, r.rules.iterations),
          m(r.p, r.algorithm1.iterations),
          m(r.p, r.ema90.iterations),
          m(r.p, r.ema99.iterations),
          table === undefined ? null : m(r.p, table),
          `${r.rules.iterations} / ${r.algorithm1.iterations} / ${table ?? '—'}`,
          `${r.rules.finalLossChange.toExponential(1)} / ${r.algorithm1.finalLossChange.toExponential(1)}`,
          r.strict.converged && r.entry.converged && r.stride.converged && r.rules.converged,
        ];
      }),
    };
    const sliding = (method: string, p: number) => sgdRuns.find((r) => r.method === method && (r.window ?? T) === p)?.outcome.iterations ?? null;
    const predictionTable: CaseTable = {
      title:
        `SGD (lr ${sgd.learningRate}), T = ${T}: Picard and quasi-DEER over restarting windows of p steps (each solved alone from the true state at its start), ` +
        "their iterations predicted from the windows' Jacobians A_t = I − ηH_t along the sequential run, beside the measured ones and the sliding window's",
      columns: [
        'window p',
        'max ‖A_t − I‖₂ = η max ‖H_t‖₂',
        'Picard γ = ‖J̃_P⁻¹‖·max ‖A_t − I‖₂',
        'Picard measured rate (median over windows)',
        'Picard K from γ',
        'Picard K bound (C(p − 1, i)·ε^i)',
        'Picard K, restarting windows',
        'Picard K, sliding window',
        'quasi-DEER γ = ‖J̃_q⁻¹‖·‖J̃_q − J‖ (max over windows)',
        'quasi-DEER measured rate (median)',
        'quasi-DEER K from γ',
        'quasi-DEER K bound (off-diagonal ε)',
        'quasi-DEER K, restarting windows',
        'quasi-DEER K, sliding window',
      ],
      rows: predictions.map((w): Cell[] => [
        w.p,
        w.picardError,
        w.gamma,
        w.picard.rate,
        w.picard.fromGamma,
        w.picard.fromBound,
        w.picard.measured,
        sliding('Picard (PASO)', w.p),
        w.gammaQuasi,
        w.quasi.rate,
        w.quasi.fromGamma,
        w.quasi.fromBound,
        w.quasi.measured,
        sliding('quasi-DEER', w.p),
      ]),
    };
    const tolTable: CaseTable = {
      title: `Stopping tolerance at window p = ${pMax}: exact reproduction vs PASO's δ = 1e-5 (as an RMS change √δ = ${pasoTol.toFixed(4)})`,
      columns: ['run', 'tol (max-abs change)', 'iterations K', 'T / K', 'converged', 'max |θ error|', 'mean ‖θ_t − θ*_t‖²', 'final loss vs sequential (relative)'],
      rows: tolRuns.map(({ label, tol: t, outcome: o }): Cell[] => [label, t, o.iterations, T / o.iterations, o.converged, o.maxThetaError, o.meanDivergence, o.finalLossChange]),
    };

    return {
      setup:
        `A training run as a dynamical system (state θ, plus m and v for Adam): a ${features} → ${hidden} → 1 tanh MLP (P = ${P}) on ${rows} seeded regression rows, ` +
        `minibatches of ${batchSize}, T = ${T} steps of SGD (lr ${sgd.learningRate}) and Adam (lr ${adam.learningRate}). Picard with a sliding window is PASO; ` +
        `quasi-DEER uses the diagonal of the optimizer's Jacobian. Steps enter a window at the initial weights unless PASO's rules are stated (then at the previous window's last weights, §4.6); float64, tol ${tol} unless stated.`,
      tables: [sgdTable, adamTable, tolTable, rulesTable, predictionTable],
      comparisons: [...compare(T, P, sgdRuns, adamRuns, tolRuns, pMax), ...pasoRulesComparison(T, ruleRuns, long), ...comparePredictions(T, predictions, sliding)],
      notes: [
        'K counts parallel iterations (one LDS solve over the window each, including the one that confirms convergence); T / K is PASO\'s step reduction (Table 2 "Iters (19.2×)").',
        'f evaluations / T counts every minibatch gradient, including one final sweep over all T steps that checks the residual; quasi-DEER also evaluates the Hessian diagonal at each linearized step.',
        "PASO's rules as solve options: windowEntry: 'previous' (new steps start at the previous window's last weights, §4.6), change: 'mean-square' with changeEntries: P (eq. 9's (1/n)‖Δw‖² over the n = P weights), windowAdvance: 'first-unconverged' (the stride of Algorithm 1, line 8), tol δ = 1e-5; the last table adds them one at a time. Our other tables start new steps at w_0 and use the strict max-abs rule.",
        "PASO's Adam (App. E) recomputes the moments from each iteration's gradients before the weight update; no Ã_t expresses that (the update is nonlinear in the new moments), so the \"Alg. 1 as written\" columns run the paper's loop directly, and the solver's PASO form iterates the moments (its weight update at step t uses the previous iterate's moments).",
        'At lr 1e-3 the θ-block of Adam\'s Jacobian has a diagonal within about 1e-3 of 1, so quasi-DEER and the PASO form take nearly the same K; quasi-DEER\'s gain over Picard on SGD grows with the learning rate.',
        'For SGD, Ã = I is exactly PASO. For Adam the state-space Picard also iterates the moments, which decay with β₁ = 0.9, far from the identity; PASO\'s own Adam recomputes them from the gradients, which is Ã = diag(I, β₁I, β₂I) here (our "PASO form" strategy).',
      ],
    };
  },
};

type RuleRuns = readonly { p: number; strict: Outcome; entry: Outcome; stride: Outcome; rules: Outcome; algorithm1: Algorithm1Outcome; ema90: Algorithm1Outcome; ema99: Algorithm1Outcome }[];

/** m = pK/T with PASO's rules, against the m that PASO's Table 4 implies at T = 1000 and Fig. 7's at T = 10⁴ (App. C.1). */
function pasoRulesComparison(
  T: number,
  runs: RuleRuns,
  long: { T: number; runs: readonly { p: number; outcome: Algorithm1Outcome }[]; rate: (from: number, to: number) => number; quasi: { p: number; outcome: Outcome } },
): PaperComparison[] {
  const m = (p: number, K: number, horizon = T) => (p * K) / horizon;
  const withTable = runs.filter((r) => pasoTable4.has(r.p));
  const close = (a: number, b: number) => a <= 1.5 * b && b <= 1.5 * a;
  const agreesAt1000 = withTable.every((r) => close(m(r.p, r.algorithm1.iterations), m(r.p, pasoTable4.get(r.p) ?? NaN)));
  const fig7 = long.runs.map((r) => m(r.p, r.outcome.iterations, long.T));
  // The study always runs p = 7 first (two windows in the demo, six under --full).
  const [first] = runs;
  return [
    {
      quantity: `m = pK/T at T = ${T} with PASO's rules (Algorithm 1 as written: eq. 9 over the weights, stride line 8, new steps at the last weights, PASO's Adam; δ = ${pasoDelta.toExponential(0)} fixed)`,
      ours: withTable.map((r) => `p ${r.p}: ${m(r.p, r.algorithm1.iterations).toFixed(2)}`).join('; ') + ` (the solver with PASO's rules: ${withTable.map((r) => m(r.p, r.rules.iterations).toFixed(2)).join(', ')}; strict rule: ${withTable.map((r) => m(r.p, r.strict.iterations).toFixed(2)).join(', ')})`,
      paper: withTable.map((r) => `p ${r.p}: ${m(r.p, pasoTable4.get(r.p) ?? NaN).toFixed(2)}`).join('; ') + ' (pK/T from Table 4\'s K)',
      source: 'PASO paper, Table 4 (AdamW, GPT-2, T = 1000) with App. C.1\'s m = pK/T',
      verdict: agreesAt1000 ? 'agrees' : 'differs',
      note:
        `Measured rule by rule (last table; p ${first.p}): new steps at the previous window's last weights with a mean-square change over the whole state [θ, m, v] give ${m(first.p, first.entry.iterations).toFixed(2)}; PASO's stride (line 8) ${m(first.p, first.stride.iterations).toFixed(2)}; ` +
          `measuring eq. 9 over the P weights alone, as PASO does (n is the model dimension; Adam's moments change far more than the weights), ${m(first.p, first.rules.iterations).toFixed(2)} — the step that closes the gap. ` +
          `PASO's Adam, with the moments recomputed from each iteration's gradients, ${m(first.p, first.algorithm1.iterations).toFixed(2)} (final loss vs sequential ${first.algorithm1.finalLossChange.toExponential(1)}, against ${first.rules.finalLossChange.toExponential(1)} for the solver's PASO form). ` +
          `Eq. 10's adaptive δ, which pulls δ towards the window's mean change, gives ${m(first.p, first.ema90.iterations).toFixed(2)} at λ = 0.9 and ${m(first.p, first.ema99.iterations).toFixed(2)} at λ = 0.99: it moves m either way. ` +
          'At T = 1000 PASO\'s own Table 4 implies m above 1.5 for p ≥ 77 (77 · 21 / 1000 = 1.62); its "≤ 1.5" is for T = 10⁴ (next row).'
    },
    {
      quantity: `m = pK/T at T = ${long.T}, PASO's rules (Algorithm 1 as written, δ = ${pasoDelta.toExponential(0)} fixed)`,
      ours: long.runs.map((r, k) => `p ${r.p}: ${(fig7[k] ?? NaN).toFixed(2)}`).join('; '),
      paper: '"m remains close to 1 and does not exceed 1.5 across various window sizes"',
      source: 'PASO paper, App. C.1, Fig. 7 (T = 10000)',
      verdict: fig7.every((x) => x <= 1.5) ? 'agrees' : 'differs',
      note: fig7.every((x) => x <= 1.5)
        ? `The same windows at T = ${T} give ${runs.map((r) => m(r.p, r.algorithm1.iterations).toFixed(2)).join(', ')}: over ${long.T} steps m is lower.`
        : (() => {
            // The largest window, where m is furthest from 1.
            const worst = long.runs.reduce((a, b) => (b.p > a.p ? b : a));
            const seg = 1000, end = long.T;
            const early = mBetween(worst.p, worst.outcome.strides, 0, seg), late = mBetween(worst.p, worst.outcome.strides, end - seg, end);
            return `Measured along the run (p ${worst.p}): m is ${early.toFixed(2)} over the first ${seg} steps and ${late.toFixed(2)} over the last ${seg}, and over the same steps Adam's effective step size η ĉ₁/√(ĉ₂v) grows as the gradients shrink, from ${long.rate(0, seg).toExponential(1)} to ${long.rate(end - seg, end).toExponential(1)} (mean over the weights). ` +
              "That factor times ∂g/∂θ is the part of the weights' Jacobian that Picard's Ã = I (PASO's iteration, eq. 7–8) leaves out; m rises with it here. " +
              `Its diagonal alone does not close the gap: quasi-DEER, whose Ã_t keeps the diagonal of the whole Jacobian, takes m = ${m(long.quasi.p, long.quasi.outcome.iterations, long.T).toFixed(2)} with the same rules at p ${long.quasi.p}, against ${m(worst.p, worst.outcome.iterations, long.T).toFixed(2)} for Algorithm 1's Picard, so the coupling between weights through ∂g/∂θ, which neither keeps, is what these runs leave as the candidate; none of them isolates it. PASO's GPT-2 runs take lr 6e-5 on millions of weights.`;
          })(),
    },
  ];
}

type Runs = readonly { method: string; window: number | undefined; outcome: Outcome }[];
type AdamRuns = readonly { window: number | undefined; picard: Outcome; paso: Outcome; quasi: Outcome }[];
type TolRuns = readonly { label: string; tol: number; outcome: Outcome }[];

/** Same order of magnitude: within a factor 1.5 either way. */
const close = (a: number, b: number): boolean => a <= 1.5 * b && b <= 1.5 * a;
const times = (T: number, K: number): string => `${K} (${(T / K).toFixed(1)}×)`;

function compare(T: number, P: number, sgdRuns: Runs, adamRuns: AdamRuns, tolRuns: TolRuns, pMax: number): PaperComparison[] {
  const out: PaperComparison[] = [];
  const sgdAt = (method: string) => sgdRuns.find((r) => r.method === method && r.window === pMax)?.outcome;
  const adamAt = adamRuns.find((r) => r.window === pMax);
  const sgdPicard = sgdAt('Picard (PASO)'), sgdQuasi = sgdAt('quasi-DEER');
  const sizes = `Ours: a P = ${P} tiny MLP, window p = ${pMax}, tol 1e-8 on the max-abs change, float64; PASO: GPT-2 with η = 6e-5, B = 130, δ = 1e-5 on the mean-square change adapted by an EMA, window not stated for Table 2.`;

  if (sgdPicard) {
    const ok = sgdPicard.converged && close(T / sgdPicard.iterations, 19.2);
    out.push({
      quantity: `SGD, T = ${T}: parallel iterations (step reduction) of Picard with a window`,
      ours: times(T, sgdPicard.iterations),
      paper: 'ParaSGD (SGD + PASO): 52 (19.2×); Llama-3.2-1B: 69 (14.5×)',
      source: 'PASO paper, Table 2 (WikiText, GPT-2, T = 1000)',
      verdict: ok ? 'agrees' : 'differs',
      note: `${ok ? 'Same order (within 1.5×). ' : ''}${sizes}`,
    });
  }
  if (adamAt) {
    const ok = adamAt.paso.converged && close(T / adamAt.paso.iterations, 17.5);
    out.push({
      quantity: `Adam, T = ${T}: parallel iterations (step reduction), PASO form`,
      ours: `${times(T, adamAt.paso.iterations)}; state-space Picard ${times(T, adamAt.picard.iterations)}; quasi-DEER ${times(T, adamAt.quasi.iterations)}`,
      paper: 'ParaAdam (Adam + PASO): 57 (17.5×); ParaAdamW: 57 (17.5×)',
      source: 'PASO paper, Table 2 (WikiText, GPT-2, T = 1000)',
      verdict: ok ? 'agrees' : 'differs',
      note: `${ok ? 'Same order (within 1.5×) for PASO\'s Adam; ' : ''}plain Picard on the (θ, m, v) state is much slower because Ã = I misses the moments' β₁ decay. ${sizes}`,
    });
  }

  const withTable = adamRuns.filter((r) => r.window !== undefined && pasoTable4.has(r.window));
  const ks = withTable.map((r) => r.paso.iterations);
  const falls = ks.every((k, i) => i === 0 || k <= (ks[i - 1] ?? Infinity));
  const looseAdam = tolRuns.find((r) => r.label.startsWith('Adam') && r.tol === pasoTol)?.outcome;
  out.push({
    quantity: 'Adam: iterations K as the window p grows',
    ours: withTable.map((r) => `p ${String(r.window)}: ${r.paso.iterations}`).join('; '),
    paper: withTable.map((r) => `p ${String(r.window)}: ${String(r.window === undefined ? '—' : pasoTable4.get(r.window) ?? '—')}`).join('; ') + ' ("from 184 to 11 … 4.0× to 91×")',
    source: 'PASO paper, Table 4 (AdamW, GPT-2, T = 1000)',
    verdict: falls ? 'agrees' : 'differs',
    note:
      'The trend agrees; our K is several times PASO\'s at every p because we stop on a max-abs change of 1e-8 per entry and PASO on a mean-square change of δ = 1e-5' +
      (looseAdam ? `; at a PASO-like tolerance (√δ per entry) our p = ${pMax} run needs ${looseAdam.iterations} (table 3).` : '.'),
  });

  const ms = adamRuns.filter((r) => r.window !== undefined).map((r) => r.paso.evaluationsPerStep);
  const mMax = Math.max(...ms), mMin = Math.min(...ms);
  out.push({
    quantity: 'Gradient evaluations per sequential step, m = pK/T',
    ours: `${mMin.toFixed(1)} to ${mMax.toFixed(1)} (Adam, PASO form, p = ${adamRuns.filter((r) => r.window !== undefined).map((r) => String(r.window)).join(', ')})`,
    paper: '"m remains close to 1 and does not exceed 1.5 across various window sizes"',
    source: 'PASO paper, App. C.1, Fig. 7 (T = 10000)',
    verdict: mMax <= 1.5 ? 'agrees' : 'differs',
    note:
      'This row is our strict rule (max |Δ| < 1e-8 on every entry of [θ, m, v], new steps at w_0), under which every step is recomputed several times; with PASO\'s rules m comes down to PASO\'s own (last table and the rows below). ' +
      'Our count also includes one residual sweep over all T steps.',
  });

  const exactSgd = tolRuns.find((r) => r.label.startsWith('SGD') && r.tol === 1e-8)?.outcome;
  const exactAdam = tolRuns.find((r) => r.label.startsWith('Adam') && r.tol === 1e-8)?.outcome;
  if (exactSgd && exactAdam) {
    const ok = exactSgd.meanDivergence <= 3.14e-6 && exactAdam.meanDivergence <= 3.56e-3;
    out.push({
      quantity: 'Trajectory divergence: mean over t of ‖θ_t − θ*_t‖²',
      ours: `SGD ${exactSgd.meanDivergence.toExponential(1)}, Adam ${exactAdam.meanDivergence.toExponential(1)} (tol 1e-8, p = ${pMax})`,
      paper: 'SGD + PASO 3.14×10⁻⁶, Adam + PASO 3.56×10⁻³ ("functionally equivalent")',
      source: 'PASO paper, App. B.2.1, Table 7',
      verdict: ok ? 'agrees' : 'differs',
      note: 'Both reproduce the sequential run; ours is far closer because the tolerance is 1e-8 in float64 on a 21-parameter model, where PASO stops at δ = 1e-5 on a model with millions of parameters.',
    });
  }

  if (sgdPicard && sgdQuasi && adamAt) {
    const sgdRatio = sgdPicard.iterations / sgdQuasi.iterations;
    const adamRatio = adamAt.picard.iterations / adamAt.quasi.iterations;
    const ok = sgdRatio < 1.5 && adamRatio > sgdRatio;
    out.push({
      quantity: 'Picard vs quasi-DEER: iterations ratio (p = ' + String(pMax) + ')',
      ours: `SGD ${sgdPicard.iterations} / ${sgdQuasi.iterations} = ${sgdRatio.toFixed(2)}; Adam (state-space Picard) ${adamAt.picard.iterations} / ${adamAt.quasi.iterations} = ${adamRatio.toFixed(2)}`,
      paper: 'Picard "is generally a less faithful approximation and takes more iterations to converge, unless the Jacobian is well-approximated by the identity"',
      source: 'unifying-framework paper, §2.3',
      verdict: ok ? 'agrees' : 'differs',
      note: 'SGD\'s Jacobian I − ηH is close to I at lr 0.01, so Picard is nearly as good as the diagonal; Adam\'s moment block (β₁ = 0.9) is not.',
    });
  }
  return out;
}

/** Picard's and quasi-DEER's rates and counts on SGD predicted from the windows' Jacobians, against the runs. */
function comparePredictions(T: number, ws: readonly WindowPrediction[], sliding: (method: string, p: number) => number | null): PaperComparison[] {
  const out: PaperComparison[] = [];
  const rateBelow = ws.every((w) => w.picard.rate <= w.gamma && w.quasi.rate <= w.gammaQuasi);
  const tight = ws.filter((w) => w.gamma < 1);
  out.push({
    quantity: `SGD: Picard's and quasi-DEER's rate per iteration over a window of p steps, γ = ‖J̃⁻¹‖·‖J̃ − J‖ vs measured (median over the windows)`,
    ours: ws.map((w) => `p ${w.p}: Picard γ ${w.gamma.toFixed(3)} vs ${w.picard.rate.toFixed(3)}, quasi-DEER γ ${w.gammaQuasi.toFixed(3)} vs ${w.quasi.rate.toFixed(3)}`).join('; '),
    paper: 'the error contracts at the rate ‖J̃⁻¹‖‖J̃ − J‖ (eq. 15); Picard\'s ‖J̃_P⁻¹‖ = 1/(2 sin(π/(4T + 2))) grows linearly in the length (Lemma 2), here the window\'s p',
    source: 'unifying-framework paper, Prop. 3, eq. 15 and Lemma 2',
    verdict: rateBelow ? 'agrees' : 'differs',
    note:
      (rateBelow ? 'Judged as a bound, it holds at every p; ' : 'A measured rate exceeds its γ: the bound is asymptotic and first-order, and these windows are short. ') +
      `it is loose: γ is ${tight.length > 0 ? `${Math.min(...tight.map((w) => w.gamma / w.picard.rate)).toFixed(0)}–${Math.max(...tight.map((w) => w.gamma / w.picard.rate)).toFixed(0)}× Picard's measured rate where it is below 1` : 'never below 1 here'}` +
      `${ws.some((w) => w.gamma >= 1) ? ` and at least 1 from p = ${Math.min(...ws.filter((w) => w.gamma >= 1).map((w) => w.p))} on, where it predicts no contraction at all (the cap p per window)` : ''}. ` +
      "‖J̃_P⁻¹‖ ≈ 2p/π is a worst case over the window; Picard's error after i iterations shrinks like C(p − 1, i)·ε^i (next row), faster than any fixed rate.",
  });

  const boundHolds = ws.every((w) => w.picard.measured <= w.picard.fromBound && w.quasi.measured <= w.quasi.fromBound);
  const slidingFewer = ws.every((w) => (sliding('Picard (PASO)', w.p) ?? Infinity) <= w.picard.measured);
  out.push({
    quantity: `SGD, T = ${T}: Picard's and quasi-DEER's iterations over restarting windows, first-order bound C(p − 1, i)·ε^i·E₀ of predictWindowIterations (ε = max ‖A_t − I‖_∞ for Picard, the off-diagonal part for quasi-DEER) vs measured`,
    ours: ws
      .map((w) => `p ${w.p}: Picard ≤ ${w.picard.fromBound} (from γ ${w.picard.fromGamma}) vs ${w.picard.measured} measured (sliding ${sliding('Picard (PASO)', w.p) ?? '—'}); quasi-DEER ≤ ${w.quasi.fromBound} (from γ ${w.quasi.fromGamma}) vs ${w.quasi.measured} (sliding ${sliding('quasi-DEER', w.p) ?? '—'})`)
      .join('; '),
    paper: '"the fixed-point iteration in Eq. (7) converges exactly to the autoregressive GD trajectory … This convergence is achieved in at most T steps" (here: at most p per window)',
    source: 'PASO paper, Proposition 2 and App. G; unifying-framework paper, eq. 15 (J̃⁻¹(J̃ − J) strictly lower triangular)',
    verdict: boundHolds ? 'agrees' : 'differs',
    note:
      (boundHolds
        ? `Judged as a bound, it holds at every p and is within ${Math.max(...ws.map((w) => w.picard.fromBound / w.picard.measured)).toFixed(1)}× of Picard's measured count, where γ's count is up to ${Math.max(...ws.map((w) => w.picard.fromGamma / w.picard.measured)).toFixed(1)}× (the cap p per window wherever γ ≥ 1). `
        : 'A measured count exceeds the first-order bound: the Jacobians at the iterates differ from those along the sequential run. ') +
      "Linearized, the error obeys e_t^{(i+1)} = D_t e_{t−1}^{(i+1)} + (A_t − D_t) e_{t−1}^{(i)} with e_0 = 0, so after i iterations it is at most r^p (ε/r)^i C(p − 1, i) E₀ (D_t = I and r = 1 for Picard, D_t = diag A_t for quasi-DEER with r = max |(A_t)_ii|; E₀ the initial guess's max error): exact after p iterations, as PASO's Proposition 2 says for T. " +
      (slidingFewer ? "The solver's sliding window needs fewer iterations than restarting windows at every p: it advances past each converged step at once." : "The sliding window does not need fewer iterations than restarting windows at every p."),
  });
  return out;
}
