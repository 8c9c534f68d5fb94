import { resolveDerivatives, type Dynamics } from '@unroll/linearize';
import type { FloatArray } from '@unroll/scan';
import { elk, scaleElk, solve, type SolveOptions } from '@unroll/solvers';
import { createRng, lorenz63, lorenz96 } from '@unroll/systems';
import { largestLyapunovExponent, predictIterationsAtRate } from '@unroll/theory';
import type { CaseStudy, CaseStudyOptions, CaseStudyResult, CaseTable, Cell, PaperComparison } from './case-study.js';
import { maxAbsDifference } from '../max-abs-difference.js';
import { checkedSolve } from './checked-solve.js';

/** What one parallel solve is reported by. */
interface Outcome {
  readonly iterations: number;
  /** Entries reset to the initial guess, summed over all iterations (`trace.resets`). */
  readonly resets: number;
  readonly converged: boolean;
  /** max |s_t − s*_t| over the whole trajectory against the sequential rollout. */
  readonly maxError: number;
}

/** A system on its attractor with its sequential reference. */
interface Problem {
  readonly dyn: Dynamics;
  readonly s0: Float64Array;
  readonly T: number;
  readonly reference: Float64Array | Float32Array;
}

/** The thesis sets λ "by a sweep over log-spaced values" (§4.2, Implementation details). */
const demoLambdas = [0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];
const fullLambdas = [0, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 1e-1, 1, 10];
const scaleKs = [0.01, 0.03, 0.1, 0.3];
const dt = 0.01;
const burnIn = 500;
/** The solver's default tolerance in float64 (stop 'delta'), which every run here uses. */
const TOL = 1e-8;
/** The solver's default reset threshold: entries beyond it go back to the initial guess. */
const RESET_THRESHOLD = 1e8;

function run(p: Problem, opts: SolveOptions): Outcome {
  const { iterations, resets, converged, maxError } = checkedSolve(p.dyn, p.s0, p.T, opts, p.reference);
  return { iterations, resets, converged, maxError };
}

/**
 * A start on the attractor: a seeded point near `centre`, rolled forward `burnIn` steps,
 * so the solve sees the chaotic regime and not the transient (the thesis starts Lorenz-96
 * from 10 different initial points, §4.4.2).
 */
function onAttractor(dyn: Dynamics, centre: number, seed: number, T: number): Problem {
  const rng = createRng(seed);
  const start = Array.from({ length: dyn.dim }, () => centre + rng.normal());
  const warm = solve(dyn, start, burnIn, { method: 'sequential' }).states;
  const s0 = Float64Array.from({ length: dyn.dim }, (_, i) => warm[(burnIn - 1) * dyn.dim + i] ?? 0);
  const reference = solve(dyn, s0, T, { method: 'sequential' }).states;
  return { dyn, s0, T, reference };
}

/** How the transition matrices A_t = ∂f_t/∂s(s*_{t−1}) of the true trajectory grow. */
interface TransitionGrowth {
  /** max over 1 ≤ s ≤ t ≤ T of ‖A_t ⋯ A_s‖_F (Frobenius: an upper bound on the 2-norm). */
  readonly maxProduct: number;
  /**
   * max_i (1/T) Σ_t ln|(A_t)_ii| per step: the growth rate of the products of the diagonals,
   * which are quasi-DEER's and quasi-ELK's transitions (Ã_t = diag A_t).
   */
  readonly diagonalExponent: number;
}

/**
 * Measures, along the sequential rollout, how far the products of the true Jacobians grow
 * (every interval of steps: T² products of D×D matrices, cheap for D ≤ 5) and the growth
 * rate of the products of their diagonals. These are the transitions the LDS of DEER and
 * quasi-DEER would compose if it linearized about the true trajectory.
 */
function transitionGrowth(dyn: Dynamics, s0: Float64Array, states: FloatArray, T: number): TransitionGrowth {
  const D = dyn.dim;
  const jac = resolveDerivatives(dyn).jacobian.fn;
  const A = new Float64Array(T * D * D);
  const logDiag = new Float64Array(D);
  for (let t = 1; t <= T; t++) {
    if (t === 1) jac(t, s0, 0, A, 0);
    else jac(t, states, (t - 2) * D, A, (t - 1) * D * D);
    for (let i = 0; i < D; i++) logDiag[i] = (logDiag[i] ?? 0) + Math.log(Math.abs(A[(t - 1) * D * D + i * D + i] ?? 0)) / T;
  }
  let maxProduct = 0;
  const P = new Float64Array(D * D), Q = new Float64Array(D * D);
  for (let s = 1; s <= T; s++) {
    P.fill(0);
    for (let i = 0; i < D; i++) P[i * D + i] = 1;
    for (let t = s; t <= T; t++) {
      const o = (t - 1) * D * D;
      let frob = 0;
      for (let i = 0; i < D; i++) {
        for (let j = 0; j < D; j++) {
          let acc = 0;
          for (let k = 0; k < D; k++) acc += (A[o + i * D + k] ?? 0) * (P[k * D + j] ?? 0);
          Q[i * D + j] = acc;
          frob += acc * acc;
        }
      }
      P.set(Q);
      const norm = Math.sqrt(frob);
      // NaN-safe: a non-finite product counts as unbounded growth.
      if (!(norm <= maxProduct)) maxProduct = Number.isNaN(norm) ? Infinity : norm;
    }
  }
  return { maxProduct, diagonalExponent: Math.max(...logDiag) };
}

/** What the LLE of one system predicts, beside the runs that check it. */
interface LlePrediction {
  readonly system: string;
  /** λ per unit time (`largestLyapunovExponent` with dt). */
  readonly lle: number;
  /** Jacobi's run: its error after i iterations is a product of i Jacobians (unifying-framework paper eq. 15 with J̃ = I), so it contracts at e^{λ·dt} per iteration. */
  readonly jacobi: Outcome;
  /** Jacobi's count from `predictIterationsAtRate({ lle: λ·dt })`: the cap T when e^{λ·dt} ≥ 1. */
  readonly predicted: number;
  readonly capped: boolean;
  /** e^{λ·dt} − 1: ELK's damping ‖Γ_t A_t‖ ≤ ‖A_t‖/(1 + λ) (thesis §4.3) makes the products contract on average above it. */
  readonly threshold: number;
  readonly growth: TransitionGrowth;
}

/** Runs Jacobi and measures the transitions of one problem, for the LLE's predictions. */
function llePrediction(system: string, p: Problem, lle: number): LlePrediction {
  const r = solve(p.dyn, p.s0, p.T, { method: 'jacobi', tol: TOL });
  const jacobi: Outcome = { iterations: r.iterations, converged: r.converged, resets: r.trace.resets.reduce((a, b) => a + b, 0), maxError: maxAbsDifference(r.states, p.reference) };
  const predicted = predictIterationsAtRate({ lle: lle * dt, firstChange: r.trace.delta[0] ?? 0, tol: TOL, T: p.T });
  return {
    system,
    lle,
    jacobi,
    predicted: predicted.iterations,
    capped: predicted.capped,
    threshold: Math.expm1(lle * dt),
    growth: transitionGrowth(p.dyn, p.s0, p.reference, p.T),
  };
}

/** The smallest λ > 0 of a sweep whose run converged without a reset; undefined when none did. */
function smallestCalm(runs: readonly (readonly [number, Outcome])[]): number | undefined {
  return runs.filter(([l, o]) => l > 0 && o.converged && o.resets === 0).map(([l]) => l).sort((a, b) => a - b)[0];
}

function outcomeCells(o: Outcome): Cell[] {
  return [o.iterations, o.resets, o.converged, o.maxError];
}

/** The converged run with the fewest iterations (ties: the smaller λ); undefined when none converged. */
function best<K>(runs: readonly (readonly [K, Outcome])[]): readonly [K, Outcome] | undefined {
  let found: readonly [K, Outcome] | undefined;
  for (const r of runs) {
    if (r[1].converged && (found === undefined || r[1].iterations < found[1].iterations)) found = r;
  }
  return found;
}

const fmt = (x: number): string => (x === 0 ? '0' : x < 1e-2 ? x.toExponential(0) : String(x));
const summary = (o: Outcome): string => `${o.iterations} iterations, ${o.resets} resets${o.converged ? '' : ', not converged'}`;

/**
 * Case study 6: ELK against DEER on chaotic flows where DEER's intermediate iterates blow
 * up. ELK (thesis §4.2) replaces the Newton step by a Levenberg–Marquardt step — the Kalman
 * filter means of an LGSSM that observes the current iterate with precision λ (thesis
 * eq. 30) — which damps every transition to ‖Γ_t A_t‖ ≤ ‖A_t‖/(1 + λ) (§4.3). Sweeps λ for
 * ELK and quasi-ELK, runs scale-ELK and clip-ELK (§4.5), and reports iterations, resets
 * (the overflow heuristic of §3), convergence and the error against the sequential rollout
 * on Lorenz-63 and on the thesis's 5-dimensional Lorenz-96 (§4.4.2).
 */
export const elkSweep: CaseStudy = {
  number: 6,
  id: 'elk',
  title: 'ELK vs DEER on chaotic flows: iterations and resets over λ',
  run(options: CaseStudyOptions): CaseStudyResult {
    const { full, seed, progress } = options;
    const T = full ? 1000 : 300;
    const lambdas = full ? fullLambdas : demoLambdas;

    // Lorenz-63 on its attractor: DEER's linearizations about wrong iterates overflow.
    progress('Lorenz-63: sequential reference');
    const l63 = onAttractor(lorenz63({ dt }), 0, seed, T);
    const lle63 = largestLyapunovExponent(l63.dyn, l63.s0, 5000, { dt }).value;
    const elkRuns: (readonly [number, Outcome])[] = [];
    const quasiRuns: (readonly [number, Outcome])[] = [];
    const sweepRows: Cell[][] = [];
    for (const lambda of lambdas) {
      progress(`Lorenz-63: ELK, λ = ${fmt(lambda)}`);
      const e = run(l63, { method: elk({ lambda }) });
      progress(`Lorenz-63: quasi-ELK, λ = ${fmt(lambda)}`);
      const q = run(l63, { method: elk({ lambda, base: 'diagonal' }) });
      elkRuns.push([lambda, e]);
      quasiRuns.push([lambda, q]);
      sweepRows.push([lambda, ...outcomeCells(e), ...outcomeCells(q)]);
    }
    progress('Lorenz-63: DEER, quasi-DEER, scale-ELK, clip-ELK');
    const deer63 = run(l63, { method: 'deer' });
    const quasiDeer63 = run(l63, { method: 'quasi-deer' });
    const scaleRuns = scaleKs.map((k) => [k, run(l63, { method: scaleElk({ k }) })] as const);
    const clip63 = run(l63, { method: 'clip-elk' });

    // The thesis's chaotic experiment: Lorenz-96, D = 5, F = 8 (§4.4.2).
    progress('Lorenz-96: sequential reference');
    const l96 = onAttractor(lorenz96({ dim: 5, forcing: 8, dt }), 8, seed + 1, T);
    const lle96 = largestLyapunovExponent(l96.dyn, l96.s0, 5000, { dt }).value;
    progress('Lorenz-96: DEER, quasi-DEER');
    const deer96 = run(l96, { method: 'deer' });
    const quasiDeer96 = run(l96, { method: 'quasi-deer' });
    const elk96: (readonly [number, Outcome])[] = [];
    for (const lambda of [1e-4, 1e-3, 1e-2]) {
      progress(`Lorenz-96: ELK, λ = ${fmt(lambda)}`);
      elk96.push([lambda, run(l96, { method: elk({ lambda }) })]);
    }
    const quasiElk96: (readonly [number, Outcome])[] = [];
    for (const lambda of [1e-3, 1e-2]) {
      progress(`Lorenz-96: quasi-ELK, λ = ${fmt(lambda)}`);
      quasiElk96.push([lambda, run(l96, { method: elk({ lambda, base: 'diagonal' }) })]);
    }
    progress('Lorenz-96: scale-ELK, clip-ELK');
    const scale96 = [0.03, 0.1].map((k) => [k, run(l96, { method: scaleElk({ k }) })] as const);
    const clip96 = run(l96, { method: 'clip-elk' });

    const sweepTable: CaseTable = {
      title: `Lorenz-63 (RK4, dt = ${dt}), T = ${T}: ELK and quasi-ELK over λ (λ = 0 is DEER / quasi-DEER)`,
      columns: ['λ', 'ELK iterations', 'ELK resets', 'ELK converged', 'ELK max |error|', 'quasi-ELK iterations', 'quasi-ELK resets', 'quasi-ELK converged', 'quasi-ELK max |error|'],
      rows: sweepRows,
    };
    const lightTable: CaseTable = {
      title: `Lorenz-63, T = ${T}: the lighter damping of thesis §4.5 against undamped DEER`,
      columns: ['method', 'parameter', 'iterations', 'resets', 'converged', 'max |error|'],
      rows: [
        ['DEER', null, ...outcomeCells(deer63)],
        ['quasi-DEER', null, ...outcomeCells(quasiDeer63)],
        ...scaleRuns.map(([k, o]): Cell[] => ['scale-ELK', `k = ${k}`, ...outcomeCells(o)]),
        ['clip-ELK', 'diagonal clipped to [−1, 1]', ...outcomeCells(clip63)],
      ],
    };
    const l96Table: CaseTable = {
      title: `Lorenz-96 (D = 5, F = 8, RK4, dt = ${dt}), T = ${T}: the thesis's chaotic case (§4.4.2)`,
      columns: ['method', 'parameter', 'iterations', 'resets', 'converged', 'max |error|'],
      rows: [
        ['DEER', null, ...outcomeCells(deer96)],
        ['quasi-DEER', null, ...outcomeCells(quasiDeer96)],
        ...elk96.map(([l, o]): Cell[] => ['ELK', `λ = ${fmt(l)}`, ...outcomeCells(o)]),
        ...quasiElk96.map(([l, o]): Cell[] => ['quasi-ELK', `λ = ${fmt(l)}`, ...outcomeCells(o)]),
        ...scale96.map(([k, o]): Cell[] => ['scale-ELK', `k = ${k}`, ...outcomeCells(o)]),
        ['clip-ELK', 'diagonal clipped to [−1, 1]', ...outcomeCells(clip96)],
      ],
    };

    progress('Lorenz-63 and Lorenz-96: Jacobi, and the growth of the true transitions');
    const pred63 = llePrediction('Lorenz-63', l63, lle63);
    const pred96 = llePrediction('Lorenz-96', l96, lle96);
    const lle: LleResults = {
      T,
      systems: [
        { p: pred63, deer: deer63, quasiDeer: quasiDeer63, elk: elkRuns, quasiElk: quasiRuns, clip: clip63 },
        { p: pred96, deer: deer96, quasiDeer: quasiDeer96, elk: elk96, quasiElk: quasiElk96, clip: clip96 },
      ],
    };
    const lleTable: CaseTable = {
      title: `What the LLE predicts, T = ${T}: Jacobi's rate e^{λ·dt}, the cap T as a bound for DEER and quasi-DEER, and the λ above which ELK's damped transitions contract on average`,
      columns: [
        'system',
        'LLE λ per unit time',
        'e^{λ·dt} per iteration',
        'Jacobi iterations predicted',
        'Jacobi iterations measured',
        'DEER iterations / T',
        'quasi-DEER iterations / T',
        'λ* = e^{λ·dt} − 1',
        'smallest reset-free λ: ELK',
        'smallest reset-free λ: quasi-ELK',
        'max ‖A_t⋯A_s‖_F on the true trajectory',
        'diagonal exponent per step',
      ],
      rows: lle.systems.map(({ p, deer, quasiDeer, elk: e, quasiElk: q }): Cell[] => [
        p.system,
        p.lle,
        Math.exp(p.lle * dt),
        p.predicted,
        p.jacobi.iterations,
        deer.iterations / T,
        quasiDeer.iterations / T,
        p.threshold,
        smallestCalm(e) ?? null,
        smallestCalm(q) ?? null,
        p.growth.maxProduct,
        p.growth.diagonalExponent,
      ]),
    };

    const goodLambdas = elkRuns.filter(([l, o]) => l > 0 && o.converged && o.resets === 0 && o.iterations < deer63.iterations).map(([l]) => l);
    const comparisons = compare({ T, deer63, quasiDeer63, elkRuns, quasiRuns, scaleRuns, clip63, deer96, quasiDeer96, elk96, quasiElk96 });

    return {
      setup:
        `Lorenz-63 (σ, ρ, β = 10, 28, 8/3; measured LLE ${lle63.toFixed(2)} per unit time) and Lorenz-96 (D = 5, F = 8; LLE ${lle96.toFixed(2)} per unit time), ` +
        `both RK4 with dt = ${dt}, started on the attractor (${burnIn} seeded burn-in steps), T = ${T}, float64, tol 1e-8 on the max-abs change, ` +
        `resets on (entries beyond 1e8 go back to the zero initial guess). Methods: DEER, quasi-DEER, ELK and quasi-ELK over λ, scale-ELK, clip-ELK.`,
      tables: [sweepTable, lightTable, l96Table, lleTable],
      comparisons: [...comparisons, ...compareToLle(lle)],
      notes: [
        'λ is the precision with which ELK observes the previous iterate (thesis eq. 30), so its useful range depends on the scale of the states: ' +
          `Lorenz states are O(10), and the λ that beat DEER on Lorenz-63 without a reset here are ${goodLambdas.length > 0 ? goodLambdas.map(fmt).join(', ') : 'none'}, ` +
          'where the thesis swept 10^0 to 10^7 for its AR GRU (§4.4.1).',
        'Iterations count LDS (or Kalman-filter) solves including the one that confirms convergence (stop on max-abs change < 1e-8); ' +
          'a run that reaches T iterations without a small residual is reported as not converged.',
        'Large λ makes ELK a small trust-region step that no longer fixes one more leading step per iteration, so it can reach the T cap unconverged: ' +
          'that is the right arm of the thesis\'s U-shaped curve (Fig. 17), not a failure of the code.',
        'clip-ELK keeps every LDS stable (|Ã_t| ≤ 1), but iterates far off the attractor still make RK4 of the quadratic Lorenz field overflow, so it can still need resets.',
      ],
    };
  },
};

interface Results {
  readonly T: number;
  readonly deer63: Outcome;
  readonly quasiDeer63: Outcome;
  readonly elkRuns: readonly (readonly [number, Outcome])[];
  readonly quasiRuns: readonly (readonly [number, Outcome])[];
  readonly scaleRuns: readonly (readonly [number, Outcome])[];
  readonly clip63: Outcome;
  readonly deer96: Outcome;
  readonly quasiDeer96: Outcome;
  readonly elk96: readonly (readonly [number, Outcome])[];
  readonly quasiElk96: readonly (readonly [number, Outcome])[];
}

function compare(r: Results): PaperComparison[] {
  const out: PaperComparison[] = [];
  const damped = r.elkRuns.filter(([l]) => l > 0);
  const bestElk = best(damped);
  const tableSource = 'thesis §4.4.1, Table 4 (trained AR GRU, T = 10,000)';

  out.push({
    quantity: 'ELK with a tuned λ vs DEER: iterations to converge',
    ours: bestElk
      ? `ELK ${bestElk[1].iterations} (λ = ${fmt(bestElk[0])}, ${bestElk[1].resets} resets) vs DEER ${r.deer63.iterations} (${r.deer63.resets} resets); Lorenz-63, T = ${r.T}`
      : `no damped ELK run converged; DEER ${summary(r.deer63)}`,
    paper: 'ELK 172 Newton steps vs DEER 4449 (quasi-ELK 1566, quasi-DEER 7383)',
    source: tableSource,
    verdict: bestElk !== undefined && r.deer63.converged && bestElk[1].iterations < r.deer63.iterations ? 'agrees' : 'differs',
    note:
      (bestElk ? `A factor ${(r.deer63.iterations / bestElk[1].iterations).toFixed(1)} here against 4449 / 172 ≈ 25.9 in the thesis: ` : '') +
      `our system is Lorenz-63 over ${r.T} steps, not the thesis's trained autoregressive GRU over 10,000; case study 12 trains that model and runs this comparison on it.`,
  });

  const stable = bestElk !== undefined && bestElk[1].resets === 0;
  out.push({
    quantity: 'Resets: DEER needs them, ELK at a good λ does not',
    ours: `DEER ${r.deer63.resets} resets; ELK at λ = ${bestElk ? fmt(bestElk[0]) : '—'}: ${bestElk ? bestElk[1].resets : '—'}`,
    paper: '"The linear recurrence relation (18) was numerically unstable in DEER and quasi-DEER" … ELK converges "with the evaluation never incurring numerical instabilities or requiring heuristics"',
    source: 'thesis §4.4.1 (Trained AR GRU)',
    verdict: r.deer63.resets > 0 && stable ? 'agrees' : 'differs',
    ...(r.deer63.resets > 0 && stable ? {} : { note: 'On this seed the fastest ELK run still reset entries, or DEER never overflowed.' }),
  });

  // U shape: the best λ is interior, the smallest λ resets, the largest is slower than the best.
  const first = damped.at(0), last = damped.at(-1);
  const uShape =
    bestElk !== undefined && first !== undefined && last !== undefined &&
    bestElk[0] !== first[0] && bestElk[0] !== last[0] &&
    first[1].resets > 0 && (last[1].iterations > bestElk[1].iterations || !last[1].converged);
  out.push({
    quantity: 'Iterations over λ (ELK, Lorenz-63)',
    ours: damped.map(([l, o]) => `λ ${fmt(l)}: ${o.iterations}${o.converged ? '' : ' (cap)'}${o.resets > 0 ? ` [${o.resets} resets]` : ''}`).join('; '),
    paper: '"We see a U-shaped curve: large λ takes needlessly small steps, slowing progress; small λ results in many resets, slowing convergence."',
    source: 'thesis §4.4.1 (Further details on setting λ), Fig. 17',
    verdict: uShape ? 'agrees' : 'differs',
    ...(uShape ? {} : { note: 'The minimum is not interior to the sweep on this seed, or the smallest λ did not reset.' }),
  });

  const dampedQuasi = r.quasiRuns.filter(([l]) => l > 0);
  const bestQuasi = best(dampedQuasi);
  const quasiWins = bestQuasi !== undefined && r.quasiDeer63.converged && bestQuasi[1].iterations < r.quasiDeer63.iterations;
  out.push({
    quantity: 'quasi-ELK (tuned λ) vs quasi-DEER: iterations',
    ours: `quasi-ELK ${bestQuasi ? `${bestQuasi[1].iterations} (λ = ${fmt(bestQuasi[0])}, ${bestQuasi[1].resets} resets)` : 'never converged'} vs quasi-DEER ${summary(r.quasiDeer63)}`,
    paper: 'quasi-ELK 1566 Newton steps vs quasi-DEER 7383',
    source: tableSource,
    verdict: quasiWins ? 'agrees' : 'differs',
    note: quasiWins
      ? 'Same direction; the thesis gains 4.7× on its AR GRU.'
      : 'On Lorenz-63 the diagonal drops the strong x–y–z coupling, so the quasi steps are poor with or without damping, and the λ that stops the resets ' +
        'also slows every step; the thesis\'s own chaotic experiment (Lorenz-96, §4.4.2) likewise found "quasi is slower by all metrics".',
  });

  const bestElk96 = best(r.elk96);
  const comparable = bestElk96 !== undefined && r.deer96.converged && bestElk96[1].iterations <= 2 * r.deer96.iterations && r.deer96.iterations <= 2 * bestElk96[1].iterations;
  out.push({
    quantity: 'Lorenz-96 (D = 5, F = 8): DEER vs ELK iterations',
    ours: `DEER ${summary(r.deer96)}; best ELK ${bestElk96 ? `${summary(bestElk96[1])} at λ = ${fmt(bestElk96[0])}` : 'never converged'}`,
    paper: '"We see that DEER and ELK methods converge in a comparable number of steps"',
    source: 'thesis §4.4.2, Fig. 18',
    verdict: comparable ? 'agrees' : 'differs',
    note: `"Comparable" read as within a factor 2. Thesis: T = 1000 with a Dormand–Prince step; ours: T = ${r.T} RK4 steps of dt = ${dt}.`,
  });

  const calm96 = r.elk96.find(([, o]) => o.converged && o.resets === 0);
  out.push({
    quantity: 'Lorenz-96: resets of DEER vs ELK',
    ours: `DEER ${r.deer96.resets} resets; ${calm96 ? `ELK λ = ${fmt(calm96[0])}: 0 resets, ${calm96[1].iterations} iterations` : 'every ELK run in the sweep reset'}`,
    paper: '"ELK has stabilized convergence, whereas DEER relies heavily on resetting"',
    source: 'thesis §4.4.2',
    verdict: r.deer96.resets > 0 && calm96 !== undefined ? 'agrees' : 'differs',
    ...(r.deer96.resets > 0 && calm96 !== undefined ? {} : { note: 'No ELK λ in our short sweep converged without resets on this seed, or DEER never reset.' }),
  });

  const bestQuasi96 = best(r.quasiElk96);
  const quasiSlower =
    r.quasiDeer96.iterations > r.deer96.iterations && (bestQuasi96 === undefined || bestElk96 === undefined || bestQuasi96[1].iterations > bestElk96[1].iterations);
  out.push({
    quantity: 'Lorenz-96: quasi vs dense iterations',
    ours: `quasi-DEER ${r.quasiDeer96.iterations} vs DEER ${r.deer96.iterations}; best quasi-ELK ${bestQuasi96 ? bestQuasi96[1].iterations : '—'} vs best ELK ${bestElk96 ? bestElk96[1].iterations : '—'}`,
    paper: '"Interestingly we see that quasi is slower by all metrics, suggesting that the chaotic dynamics may require the more accurate updates."',
    source: 'thesis §4.4.2',
    verdict: quasiSlower ? 'agrees' : 'differs',
    note: 'Compared by iterations only: wall-clock per iteration on this CPU is not the thesis\'s A100.',
  });

  const calmScale = r.scaleRuns.find(([, o]) => o.converged && o.resets === 0);
  out.push({
    quantity: 'scale-ELK: damping without a Kalman filter (Lorenz-63)',
    ours: r.scaleRuns.map(([k, o]) => `k ${k}: ${o.iterations}${o.resets > 0 ? ` [${o.resets} resets]` : ''}`).join('; ') + `; clip-ELK: ${summary(r.clip63)}`,
    paper: '"simpler and more lightweight damping techniques to achieve many of the stabilization benefits of ELK"; "Ideally, k is chosen to keep the spectral norms of {A_t} below 1."',
    source: 'thesis §4.5, §4.5.1',
    verdict: calmScale !== undefined ? 'agrees' : 'differs',
    note:
      (calmScale ? `scale-ELK converges without resets from k = ${calmScale[0]}. ` : 'No k in the sweep avoided resets. ') +
      (r.clip63.resets > 0
        ? 'clip-ELK still resets here: clipping bounds the LDS, but RK4 of the quadratic Lorenz field overflows at iterates far off the attractor.'
        : 'clip-ELK needed no resets.'),
  });
  return out;
}

/** One system's runs beside what its LLE predicts. */
interface LleSystem {
  readonly p: LlePrediction;
  readonly deer: Outcome;
  readonly quasiDeer: Outcome;
  readonly elk: readonly (readonly [number, Outcome])[];
  readonly quasiElk: readonly (readonly [number, Outcome])[];
  readonly clip: Outcome;
}

interface LleResults {
  readonly T: number;
  readonly systems: readonly LleSystem[];
}

const frac = (k: number, T: number): string => `${k} = ${(k / T).toFixed(2)} T`;

/** Predictions from the measured LLE (and the transitions along the true trajectory) against the runs. */
function compareToLle(r: LleResults): PaperComparison[] {
  const { T, systems } = r;
  const out: PaperComparison[] = [];

  // Jacobi: rate e^{λ·dt} per iteration; λ > 0 gives no contraction, so the cap T.
  const jacobiMatches = systems.every(({ p }) => p.jacobi.converged && Math.abs(p.jacobi.iterations - p.predicted) <= 0.05 * T);
  out.push({
    quantity: `Jacobi's iterations predicted from the LLE (rate e^{λ·dt}, predictIterationsAtRate) vs measured, T = ${T}`,
    ours: systems
      .map(({ p }) => `${p.system}: e^{λ·dt} = ${Math.exp(p.lle * dt).toFixed(4)}, predicted ${p.predicted}${p.capped ? ' (no contraction: the cap T)' : ''} vs measured ${p.jacobi.iterations}${p.jacobi.converged ? '' : ' (not converged)'}`)
      .join('; '),
    paper: "Jacobi's error after i iterations is a product of i Jacobians (eq. 15 with J̃ = I), which grows like e^{λi} for λ > 0; \"the chaotic systems converge slowly–often taking the whole sequence length T\"",
    source: 'unifying-framework paper, Prop. 3 and eq. 15; predictability paper, Theorem 2 and Fig. 8',
    verdict: jacobiMatches ? 'agrees' : 'differs',
    note: jacobiMatches
      ? "Measured at the cap (within 5% of T): with e^{λ·dt} > 1 Jacobi's only progress is its exact prefix, one step per iteration."
      : 'Jacobi converged in fewer than 95% of T iterations, or did not converge: the LLE predicts the cap T here, so this count is not what the rate predicts.',
  });

  // DEER and quasi-DEER: the LLE says no contraction, so T is an upper bound only.
  const bounded = systems.every(({ deer, quasiDeer }) => deer.converged && quasiDeer.converged && deer.iterations <= T && quasiDeer.iterations <= T);
  out.push({
    quantity: `DEER and quasi-DEER iterations: the bound the LLE gives (e^{λ·dt} > 1, no contraction: the cap T = ${T}) vs measured`,
    ours: systems.map(({ p, deer, quasiDeer }) => `${p.system}: DEER ${frac(deer.iterations, T)}, quasi-DEER ${frac(quasiDeer.iterations, T)}`).join('; '),
    paper: 'with λ > 0 the merit\'s PL constant shrinks like e^{−λT} (Theorem 2), so the iterations grow with T up to the cap T (and every fixed-point method of the framework converges in at most T iterations)',
    source: 'predictability paper, Theorem 2 and App. J.1; Prop. 1 of Gonzalez et al. (2024) as cited by the unifying-framework paper',
    verdict: bounded ? 'agrees' : 'differs',
    note: bounded
      ? 'Judged as a bound: the LLE predicts no contraction, hence at most T. The measured counts sit at about a third of T or below: each iteration fixes several leading steps, more than the one the bound assumes, and the rate alone does not say how many.'
      : 'A DEER or quasi-DEER run did not converge within T.',
  });

  // ELK: ‖Γ_t A_t‖ ≤ ‖A_t‖/(1 + λ), so the damped products contract on average once (1 + λ) > e^{λ_LLE·dt}.
  const elkHolds = systems.every(({ p, elk: runs }) => runs.filter(([l]) => l >= p.threshold).every(([, o]) => o.resets === 0));
  const elkBelow = systems.map(({ p, elk: runs }) => {
    const calm = smallestCalm(runs);
    const where = calm === undefined ? '' : calm < p.threshold ? ` (${(p.threshold / calm).toFixed(0)}× below λ*)` : ' (at or above λ*)';
    return `${p.system}: λ* = ${p.threshold.toExponential(1)}, smallest reset-free λ of the sweep ${calm === undefined ? 'none' : fmt(calm)}${where}`;
  });
  out.push({
    quantity: "ELK: the λ above which the damped transitions contract on average, λ* = e^{λ_LLE·dt} − 1 (e^{λ_LLE·dt}/(1 + λ) < 1), vs the smallest λ of the sweep that needed no resets",
    ours: `${elkBelow.join('; ')}; every ELK λ ≥ λ* ran without resets: ${elkHolds ? 'yes' : 'no'}`,
    paper: '"the spectral norm of Γ_t A_t is bounded above by ‖A_t‖/(1 + λ) … larger λ corresponds to more regularization/smaller trust region; and therefore correspondingly results in smaller effective spectral norm"',
    source: 'thesis §4.3 (Dynamics perspective on ELK)',
    verdict: elkHolds ? 'agrees' : 'differs',
    note:
      (elkHolds ? 'Judged as a sufficient condition, it holds; it is far from necessary. ' : 'An ELK run with λ ≥ λ* still reset. ') +
      `Along the true trajectory the largest product of Jacobians over any interval is ${systems.map(({ p }) => `${p.growth.maxProduct.toExponential(1)} (${p.system})`).join(', ')}, ` +
      (systems.every(({ p }) => p.growth.maxProduct < RESET_THRESHOLD)
        ? `below the reset threshold ${RESET_THRESHOLD.toExponential(0)}, so an LDS linearized about the true trajectory would not overflow even at λ = 0; DEER still resets (${systems.map(({ p, deer }) => `${deer.resets} on ${p.system}`).join(', ')}), ` +
          'so what overflows is linearized about iterates that are not yet the trajectory, which the LLE, measured on the trajectory, does not describe. The λ that tames those iterates is what the sweep finds.'
        : `beyond the reset threshold ${RESET_THRESHOLD.toExponential(0)} on some system: there even the true trajectory's LDS overflows without damping.`),
  });

  // quasi-ELK: its transitions are the diagonals, whose products already contract.
  const quasiHolds = systems.every(({ p, quasiElk: runs }) => runs.filter(([l]) => l >= p.threshold).every(([, o]) => o.resets === 0));
  out.push({
    quantity: 'quasi-ELK: the same λ* vs the smallest λ of the sweep that needed no resets',
    ours:
      systems
        .map(({ p, quasiElk: runs }) => {
          const calm = smallestCalm(runs);
          const resetAbove = runs.filter(([l, o]) => l >= p.threshold && o.resets > 0).map(([l, o]) => `${o.resets} at λ = ${fmt(l)}`);
          return `${p.system}: λ* = ${p.threshold.toExponential(1)}, smallest reset-free λ ${calm === undefined ? 'none in the sweep' : fmt(calm)}${resetAbove.length > 0 ? `, resets above λ*: ${resetAbove.join(', ')}` : ''}`;
        })
        .join('; ') + `; every quasi-ELK λ ≥ λ* ran without resets: ${quasiHolds ? 'yes' : 'no'}`,
    paper: 'quasi-ELK damps the diagonal transitions the same way, ‖Γ_t diag(A_t)‖ ≤ ‖diag(A_t)‖/(1 + λ)',
    source: 'thesis §4.2–4.3',
    verdict: quasiHolds ? 'agrees' : 'differs',
    note:
      `quasi-ELK's transitions are the diagonals of the A_t, whose products grow at ${systems.map(({ p }) => `${p.growth.diagonalExponent.toFixed(4)} per step (${p.system})`).join(', ')} along the true trajectory: ` +
      (systems.every(({ p }) => p.growth.diagonalExponent < 0)
        ? 'they contract without any damping, so neither the LLE nor the diagonal predicts quasi-ELK\'s resets. '
        : 'a positive rate, so the diagonal alone would call for damping. ') +
      `What resets it are iterates off the attractor, where RK4 of the quadratic Lorenz field can overflow even through a bounded LDS, as clip-ELK shows (|Ã_t| ≤ 1, yet ${systems.map(({ p, clip }) => `${clip.resets} resets on ${p.system}`).join(', ')}).`,
  });
  return out;
}
