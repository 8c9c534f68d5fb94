import { defineStrategy, type Dynamics, type Strategy } from '@unroll/linearize';
import { diagonal as diagonalStructure, type FloatArray } from '@unroll/scan';
import { solve, type Method } from '@unroll/solvers';
import { createRng, gradientDescent, tinyMlp, type TinyMlpLoss } from '@unroll/systems';
import type { CaseStudy, CaseStudyOptions, CaseStudyResult, CaseTable, Cell, PaperComparison } from './case-study.js';

/** One optimizer run to reproduce: its dynamics, start, length and sequential reference. */
interface Training {
  readonly optimizer: 'sgd' | 'adam';
  readonly learningRate: number;
  readonly dyn: ReturnType<typeof gradientDescent>;
  readonly loss: TinyMlpLoss;
  readonly s0: Float64Array;
  readonly T: number;
  readonly reference: FloatArray;
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

function training(seed: number, optimizer: 'sgd' | 'adam', learningRate: number, T: number): Training {
  const { loss, batches } = makeLoss(seed);
  const dyn = gradientDescent({ loss, learningRate, batches, optimizer });
  const s0 = new Float64Array(dyn.dim);
  s0.set(loss.initialParams(seed)); // moments (Adam) start at 0
  const reference = solve(dyn, s0, T, { method: 'sequential' }).states;
  const init = new Float64Array(T * dyn.dim);
  for (let t = 0; t < T; t++) init.set(s0, t * dyn.dim);
  return { optimizer, learningRate, dyn, loss, s0, T, reference, init };
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

/** PASO's own rules (§4.6, eq. 9): new steps enter a window at the previous window's last weights, and a step counts as converged once its mean-square change is below δ = 1e-5. */
const pasoRules = { windowEntry: 'previous', change: 'mean-square' } as const;

function run(tr: Training, method: Method | Strategy, window: number | undefined, tol: number, rules: { readonly windowEntry?: 'guess' | 'previous'; readonly change?: 'max-abs' | 'mean-square' } = {}): Outcome {
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
    // PASO's rules next to ours (issue: m = pK/T ≈ 1.1 / 1.3 at p = 7 / 35 with PASO's rules).
    const rulesRuns = [7, 35].map((p) => {
      progress(`Adam, PASO form, window ${p}: our strict rule and PASO's rules`);
      return { p, strict: run(adam, paso, p, tol), paso: run(adam, paso, p, 1e-5, pasoRules) };
    });
    const rulesTable: CaseTable = {
      title: "Adam, PASO form: our strict rule (max |Δ| < 1e-8, new steps at w_0) vs PASO's rules (mean-square change < δ = 1e-5, eq. 9; new steps at the previous window's last weights, §4.6)",
      columns: ['window p', 'strict K', 'strict m = pK/T', "PASO's rules K", "PASO's rules m = pK/T", 'converged (both)', 'final loss vs sequential (PASO rules)'],
      rows: rulesRuns.map(({ p, strict, paso: q }): Cell[] => [p, strict.iterations, (p * strict.iterations) / T, q.iterations, (p * q.iterations) / T, strict.converged && q.converged, q.finalLossChange]),
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
      tables: [sgdTable, adamTable, tolTable, rulesTable],
      comparisons: [...compare(T, P, sgdRuns, adamRuns, tolRuns, pMax), pasoRulesComparison(T, rulesRuns)],
      notes: [
        'K counts parallel iterations (one LDS solve over the window each, including the one that confirms convergence); T / K is PASO\'s step reduction (Table 2 "Iters (19.2×)").',
        'f evaluations / T counts every minibatch gradient, including one final sweep over all T steps that checks the residual; quasi-DEER also evaluates the Hessian diagonal at each linearized step.',
        "PASO initializes steps that enter the window with the rightmost weights of the previous window (§4.6) — the solver's windowEntry: 'previous' — and slides the window on a mean-square change (eq. 9) — change: 'mean-square'; the last table runs both, our other tables start new steps at w_0 and use the strict max-abs rule.",
        'At lr 1e-3 the θ-block of Adam\'s Jacobian has a diagonal within about 1e-3 of 1, so quasi-DEER and the PASO form take nearly the same K; quasi-DEER\'s gain over Picard on SGD grows with the learning rate.',
        'For SGD, Ã = I is exactly PASO. For Adam the state-space Picard also iterates the moments, which decay with β₁ = 0.9, far from the identity; PASO\'s own Adam recomputes them from the gradients, which is Ã = diag(I, β₁I, β₂I) here (our "PASO form" strategy).',
      ],
    };
  },
};

/** m = pK/T with PASO's rules (window entry and mean-square change), against PASO's App. C.1. */
function pasoRulesComparison(T: number, runs: readonly { p: number; strict: Outcome; paso: Outcome }[]): PaperComparison {
  const ms = runs.map(({ p, paso }) => (p * paso.iterations) / T);
  return {
    quantity: "m = pK/T with PASO's own rules (new steps at the previous window's last weights; mean-square change < δ = 1e-5)",
    ours: runs.map(({ p, strict }, k) => `p ${p}: ${(ms[k] ?? NaN).toFixed(2)} (strict rule ${((p * strict.iterations) / T).toFixed(2)})`).join('; '),
    paper: '"m remains close to 1 and does not exceed 1.5"',
    source: 'PASO paper, §4.6, eq. 9 and App. C.1, Fig. 7',
    verdict: ms.every((m) => m <= 1.5) ? 'agrees' : 'differs',
    note:
      "PASO's window entry and per-step rule take m from ~4–6.5 (our strict rule) to ~2, but not to PASO's ≤ 1.5. This run keeps δ fixed at 1e-5; PASO adapts δ by an exponential moving average of the window's changes (eq. 10), which is not implemented here, so this run does not test whether it closes the gap. PASO's runs are T = 10000 steps of larger models.",
  };
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
      'Our window advances only past the steps whose change fell below 1e-8, so every step is recomputed several times; PASO\'s loose adaptive tolerance lets its window slide almost p steps per iteration. ' +
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
