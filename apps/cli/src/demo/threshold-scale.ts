import { zero } from '@unroll/linearize';
import { solve, type IterationInfo } from '@unroll/solvers';
import { createRng, meanFieldRnn } from '@unroll/systems';
import { convergenceFactor, largestLyapunovExponent, predictIterationsAtRate } from '@unroll/theory';
import type { Panel, Series } from '../plot/line-chart.js';
import type { CaseStudy, CaseStudyOptions, CaseStudyResult, Cell, PaperComparison } from './case-study.js';
import { measuredRate } from './measured-rate.js';
import { mean, median } from './summary-statistics.js';

/** DEER with a sliding window: the same states as the whole-sequence solve, Ã_t for `steps` steps only. */
interface WindowSweep {
  /** Steps iterated at once (the solver's `window`). */
  readonly steps: number;
  /** Networks per g: seeds 0 … seeds − 1. */
  readonly seeds: number;
  /** Sequence lengths, ascending; the first ones overlap the dense sweep, so the two counts can be compared. */
  readonly Ts: readonly number[];
}

/** One size of the sweep. */
export interface ThresholdSize {
  /** Neurons: the paper's D = 100 at both sizes. */
  readonly D: number;
  /** Networks per g (the paper: 20). */
  readonly seeds: number;
  /** Gains of the DEER sweep, ascending. */
  readonly gs: readonly number[];
  /** Gains of the LLE sweep (Fig. 4), ascending; contains `gs`. */
  readonly lleGs: readonly number[];
  /** Sequence lengths, ascending, log-spaced (the paper: 50 values from 9 to 9999). */
  readonly Ts: readonly number[];
  /** Rows with λ ≥ `longLle` run dense DEER only up to this T: near the edge and beyond, DEER takes tens to ≈ T iterations of O(T·D²) work each. */
  readonly chaoticTmax: number;
  /** Only networks with λ below this run dense DEER beyond `chaoticTmax`. */
  readonly longLle: number;
  /** Steps the LLE is estimated over (the paper: 9999). */
  readonly lleSteps: number;
  /** Windowed DEER over every g, to T beyond `chaoticTmax` (absent: none). */
  readonly window?: WindowSweep;
  /** T of one quasi-DEER and one Jacobi solve on the largest g, seed 0, beside dense DEER's count (absent: none). */
  readonly quasiT?: number;
}

const DEMO: ThresholdSize = {
  D: 100,
  seeds: 5,
  gs: [0.5, 1, 1.5, 2],
  lleGs: [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2],
  Ts: [10, 32, 100],
  chaoticTmax: 100,
  longLle: -0.02,
  lleSteps: 1000,
};
/**
 * The `--full` size. Dense DEER at D = 100 costs ≈ 0.1 s per iteration at T = 1000 on one
 * core (O(T·D²): the CPU's linear recurrence is sequential) and the chaotic networks take
 * 0.55–0.75·T iterations there, so λ ≥ −0.1 runs dense DEER to T = 1000 on every seed
 * (≈ 1 minute per chaotic network) and a 64-step window (≈ 4 ms per iteration whatever T)
 * carries two seeds per g to T = 10⁴.
 */
export const THRESHOLD_FULL: ThresholdSize = {
  D: 100,
  seeds: 5,
  gs: [0.5, 0.8, 1.1, 1.4, 1.7, 2],
  lleGs: [0.5, 0.65, 0.8, 0.95, 1.1, 1.25, 1.4, 1.55, 1.7, 1.85, 2],
  Ts: [10, 32, 100, 316, 1000, 3162, 10_000],
  chaoticTmax: 1000,
  longLle: -0.1,
  lleSteps: 3000,
  window: { steps: 64, seeds: 2, Ts: [316, 1000, 3162, 10_000] },
  quasiT: 316,
};

/** The paper's convergence rule, L(s)/T ≤ 1e-10 (App. J.3). */
const TOL = 1e-10;
/** Jacobi's rule for the rate rows: max-abs change below this (stop 'delta', the library's default). */
const JACOBI_TOL = 1e-8;
/** Jacobi's rate rows run at this T (its iterations cost T·D² each: cheap). */
const JACOBI_T = 200;
/** γ = max_t ‖A_t‖ over this many leading steps (a D×D spectral norm each; the trajectory is stationary). */
const GAMMA_STEPS = 20;
/** Jacobi's rate rows only where e^λ < 0.86: slower rates reach T = JACOBI_T before showing a rate. */
const JACOBI_LLE = -0.15;
/** |λ| below this is the edge: a finite-length estimate cannot tell the sign. */
const EDGE = 0.02;
const BURN_IN = 200;

/** Mild sinusoidal inputs, as in the paper (App. J.2). */
function sinusoidalInputs(T: number, D: number): Float64Array {
  const u = new Float64Array(T * D);
  for (let t = 0; t < T; t++) for (let i = 0; i < D; i++) u[t * D + i] = 0.1 * Math.sin(0.05 * t + i);
  return u;
}

const fmt = (x: number, digits = 2) => {
  const text = x.toFixed(digits);
  return Number(text) === 0 ? (0).toFixed(digits) : text;
};

interface DeerRun {
  readonly g: number;
  readonly seed: number;
  readonly T: number;
  readonly lle: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly resets: number;
  readonly seconds: number;
}

interface JacobiRun {
  readonly g: number;
  readonly seed: number;
  readonly lle: number;
  readonly measuredRate: number;
  readonly gamma: number;
  readonly predicted: number;
  readonly iterations: number;
}

/**
 * Case study 8 at a given size: the DEER sweep over (g, seed, T), the LLE sweep over g, and,
 * where the size asks, the windowed sweep past `chaoticTmax` and quasi-DEER beside dense DEER.
 *
 * @param size - The sweep: `THRESHOLD_FULL` under `--full`; tests pass smaller ones.
 * @param options - The demo's seed and progress callback (`full` is read from `size`, not here).
 */
export function runThresholdScale(size: ThresholdSize, options: CaseStudyOptions): CaseStudyResult {
  const { D, Ts, gs, lleGs, seeds } = size;
  const windowTs = size.window?.Ts ?? [];
  const Tmax = Math.max(Ts[Ts.length - 1] ?? 1, ...windowTs);
  const horizon = Math.max(Tmax, size.lleSteps);
  const inputs = sinusoidalInputs(horizon, D);
  const s0 = new Array<number>(D).fill(0.5);
  const rng = createRng(options.seed + 7);
  // The initial guess: iid U[0, 1] (App. J.2), one draw shared by every run.
  const guess = Float64Array.from({ length: Tmax * D }, () => rng.uniform());

  // Fig. 4: λ for every (g, seed).
  const lle = new Map<string, number>();
  const key = (g: number, seed: number) => `${g}/${seed}`;
  const network = (g: number, seed: number) => meanFieldRnn({ dim: D, g, seed: options.seed + 1 + seed, inputs });
  for (const g of lleGs) {
    for (let seed = 0; seed < seeds; seed++) {
      options.progress(`g = ${fmt(g)}, seed ${seed}: Lyapunov exponent over ${horizon} steps`);
      const rnn = network(g, seed);
      const states = solve(rnn, s0, horizon, { method: 'sequential' }).states;
      lle.set(key(g, seed), largestLyapunovExponent(rnn, s0, states, { burnIn: BURN_IN, seed: options.seed }).value);
    }
  }
  const lleOf = (g: number, seed: number) => lle.get(key(g, seed)) ?? Number.NaN;

  // Fig. 2: DEER iterations for every (g, seed, T); chaotic rows stop at chaoticTmax.
  const gTop = gs[gs.length - 1] ?? Number.NaN;
  // The converged prefix after each iteration of the largest g's seed 0 at chaoticTmax: how fast it advances.
  const prefix: number[] = [];
  const runs: DeerRun[] = [];
  const skipped: { g: number; seed: number; T: number }[] = [];
  const jacobi: JacobiRun[] = [];
  for (const g of gs) {
    for (let seed = 0; seed < seeds; seed++) {
      const rnn = network(g, seed);
      const l = lleOf(g, seed);
      for (const T of Ts) {
        if (l >= size.longLle && T > size.chaoticTmax) {
          skipped.push({ g, seed, T });
          continue;
        }
        options.progress(`g = ${fmt(g)}, seed ${seed}, T = ${T}: DEER`);
        const init = guess.slice(0, T * D);
        const t0 = performance.now();
        const watch = g === gTop && seed === 0 && T === size.chaoticTmax;
        const r = solve(rnn, s0, T, {
          method: 'deer',
          stop: 'merit',
          tol: TOL,
          init,
          ...(watch ? { onIteration: (info: IterationInfo) => void prefix.push(info.convergedPrefix) } : {}),
        });
        runs.push({
          g,
          seed,
          T,
          lle: l,
          iterations: r.iterations,
          converged: r.converged,
          resets: r.trace.resets.reduce((a, b) => a + b, 0),
          seconds: (performance.now() - t0) / 1000,
        });
      }
      // Jacobi's rate on the predictable networks (unifying-framework paper, Prop. 3).
      if (l < JACOBI_LLE) {
        const T = JACOBI_T;
        options.progress(`g = ${fmt(g)}, seed ${seed}, T = ${T}: Jacobi's rate`);
        const start = Float64Array.from({ length: T * D }, (_, k) => guess[k % guess.length] ?? 0);
        const r = solve(rnn, s0, T, { method: 'jacobi', stop: 'delta', tol: JACOBI_TOL, init: start });
        const states = solve(rnn, s0, GAMMA_STEPS, { method: 'sequential' }).states;
        const gamma = jacobi.every((j) => j.g !== g || !Number.isFinite(j.gamma))
          ? convergenceFactor(zero(), rnn, s0, states, { seed: options.seed }).factor
          : Number.NaN;
        const predicted = predictIterationsAtRate({ lle: l, firstChange: r.trace.delta[0] ?? Number.NaN, tol: JACOBI_TOL, T }).iterations;
        jacobi.push({ g, seed, lle: l, measuredRate: measuredRate(r.trace.delta), gamma, predicted, iterations: r.iterations });
      }
    }
  }

  // The same DEER with a sliding window (solver option `window`): Ã_t for `steps` steps,
  // so an iteration costs O(steps·D²) whatever T, and the long T become affordable.
  const windowed: DeerRun[] = [];
  const windowSeeds = Math.min(size.window?.seeds ?? 0, seeds);
  for (const g of size.window === undefined ? [] : gs) {
    for (let seed = 0; seed < windowSeeds; seed++) {
      const rnn = network(g, seed);
      for (const T of windowTs) {
        options.progress(`g = ${fmt(g)}, seed ${seed}, T = ${T}: DEER, ${size.window?.steps ?? 0}-step window`);
        const t0 = performance.now();
        const r = solve(rnn, s0, T, { method: 'deer', stop: 'merit', tol: TOL, init: guess.slice(0, T * D), window: size.window?.steps ?? T });
        windowed.push({
          g,
          seed,
          T,
          lle: lleOf(g, seed),
          iterations: r.iterations,
          converged: r.converged,
          resets: r.trace.resets.reduce((a, b) => a + b, 0),
          seconds: (performance.now() - t0) / 1000,
        });
      }
    }
  }

  // Quasi-DEER beside dense DEER on the largest g: W's diagonal is zero, so the Jacobian's
  // diagonal W_ii·sech²(s_i) is zero and quasi-DEER's Ã_t = 0 is Jacobi's.
  const quasi: { method: string; iterations: number; converged: boolean; secondsPerIteration: number }[] = [];
  if (size.quasiT !== undefined) {
    const T = size.quasiT;
    const rnn = network(gTop, 0);
    for (const method of ['quasi-deer', 'jacobi'] as const) {
      options.progress(`g = ${fmt(gTop)}, seed 0, T = ${T}: ${method}`);
      const t0 = performance.now();
      const r = solve(rnn, s0, T, { method, stop: 'merit', tol: TOL, init: guess.slice(0, T * D) });
      quasi.push({ method, iterations: r.iterations, converged: r.converged, secondsPerIteration: (performance.now() - t0) / 1000 / r.iterations });
    }
    const dense = runs.find((r) => r.g === gTop && r.seed === 0 && r.T === T);
    if (dense !== undefined)
      quasi.push({ method: 'deer', iterations: dense.iterations, converged: dense.converged, secondsPerIteration: dense.seconds / dense.iterations });
  }

  const its = (g: number, T: number) => runs.filter((r) => r.g === g && r.T === T).map((r) => r.iterations);
  const lles = (g: number) => Array.from({ length: seeds }, (_, seed) => lleOf(g, seed));
  const regime = (g: number) => {
    const l = lles(g);
    return l.every((x) => x < -EDGE) ? 'predictable' : l.every((x) => x > EDGE) ? 'chaotic' : 'edge';
  };
  const predictableGs = gs.filter((g) => regime(g) === 'predictable');
  const chaoticGs = gs.filter((g) => regime(g) === 'chaotic');

  // Tables.
  const summaryRows: Cell[][] = [];
  for (const g of gs) {
    for (const T of Ts) {
      const rs = runs.filter((r) => r.g === g && r.T === T);
      if (rs.length === 0) continue;
      const k = rs.map((r) => r.iterations);
      summaryRows.push([
        g,
        T,
        mean(rs.map((r) => r.lle)),
        regime(g),
        Math.min(...k),
        median(k),
        Math.max(...k),
        median(k) / T,
        rs.every((r) => r.converged),
        rs.reduce((a, r) => a + r.resets, 0),
        median(rs.map((r) => r.seconds)),
      ]);
    }
  }
  const lleRows: Cell[][] = lleGs.map((g) => {
    const l = lles(g);
    return [g, mean(l), Math.min(...l), Math.max(...l), Math.max(...l) - Math.min(...l)];
  });
  const jacobiRows: Cell[][] = jacobi.map((j) => [
    j.g,
    j.seed,
    j.lle,
    Math.exp(j.lle),
    j.measuredRate,
    Number.isFinite(j.gamma) ? j.gamma : null,
    j.predicted,
    j.iterations,
  ]);
  const wIts = (g: number, T: number) => windowed.filter((r) => r.g === g && r.T === T).map((r) => r.iterations);
  const windowRows: Cell[][] = [];
  for (const g of gs) {
    for (const T of windowTs) {
      const rs = windowed.filter((r) => r.g === g && r.T === T);
      if (rs.length === 0) continue;
      const k = rs.map((r) => r.iterations);
      const dense = its(g, T).length === seeds ? median(its(g, T)) : null;
      windowRows.push([
        g,
        T,
        mean(rs.map((r) => r.lle)),
        regime(g),
        Math.min(...k),
        median(k),
        Math.max(...k),
        median(k) / T,
        dense,
        rs.every((r) => r.converged),
        median(rs.map((r) => r.seconds)),
      ]);
    }
  }
  const windowName = `DEER with a ${size.window?.steps ?? 0}-step window`;
  const windowSeedText = windowSeeds === 1 ? 'seed 0' : `seeds 0–${windowSeeds - 1}`;

  // Figures.
  const deerPanel: Panel = {
    title: `DEER iterations vs T (D = ${D}, median of ${seeds} seeds)`,
    xLabel: 'sequence length T',
    yLabel: 'DEER iterations',
    logX: true,
    logY: true,
    series: [
      ...gs.map((g): Series => {
        const done = Ts.filter((T) => its(g, T).length > 0);
        return { name: `g = ${fmt(g, 1)} (λ ≈ ${fmt(mean(lles(g)))})`, x: done, y: done.map((T) => median(its(g, T))), markers: true };
      }),
      { name: 'T (the bound)', x: [...Ts], y: [...Ts] },
    ],
  };
  const Tfig = Math.min(Tmax, size.chaoticTmax);
  const lambdaPanel: Panel = {
    title: `DEER iterations vs λ at T = ${Tfig} (each seed)`,
    xLabel: 'LLE λ (per step)',
    yLabel: 'DEER iterations',
    logY: true,
    series: Array.from({ length: seeds }, (_, seed): Series => {
      const pts = gs
        .map((g) => ({ x: lleOf(g, seed), y: runs.find((r) => r.g === g && r.seed === seed && r.T === Tfig)?.iterations ?? Number.NaN }))
        .sort((a, b) => a.x - b.x);
      return { name: `seed ${seed}`, x: pts.map((p) => p.x), y: pts.map((p) => p.y), markers: true };
    }),
  };
  const llePanel: Panel = {
    title: `LLE vs g over ${seeds} seeds (D = ${D})`,
    xLabel: 'g',
    yLabel: 'LLE λ (per step)',
    referenceY: { value: 0, label: 'λ = 0' },
    series: [
      { name: 'mean', x: [...lleGs], y: lleGs.map((g) => mean(lles(g))), markers: true },
      { name: 'min', x: [...lleGs], y: lleGs.map((g) => Math.min(...lles(g))) },
      { name: 'max', x: [...lleGs], y: lleGs.map((g) => Math.max(...lles(g))) },
    ],
  };

  const windowPanel: Panel = {
    title: `${windowName} vs T (D = ${D}, median of ${windowSeedText})`,
    xLabel: 'sequence length T',
    yLabel: 'windowed DEER iterations',
    logX: true,
    logY: true,
    series: [
      ...gs.map((g): Series => {
        const done = windowTs.filter((T) => wIts(g, T).length > 0);
        return { name: `g = ${fmt(g, 1)} (λ ≈ ${fmt(mean(lles(g)))})`, x: done, y: done.map((T) => median(wIts(g, T))), markers: true };
      }),
      { name: 'T (the bound)', x: [...windowTs], y: [...windowTs] },
    ],
  };

  // Comparisons.
  const T0 = Ts[0] ?? 1;
  const growth = (g: number, T1: number) => median(its(g, T1)) / median(its(g, T0));
  // Each predictable g up to the longest T all its seeds ran (λ ≥ longLle stops at chaoticTmax).
  const reached = (g: number) => Math.max(...Ts.filter((T) => its(g, T).length === seeds));
  const flat = predictableGs.map((g) => growth(g, reached(g)));
  const worstFlat = flat.length > 0 ? Math.max(...flat) : Number.NaN;
  const maxPredictable = Math.max(...runs.filter((r) => predictableGs.includes(r.g)).map((r) => r.iterations));
  const linear = chaoticGs.length > 0 && chaoticGs.every((g) => growth(g, size.chaoticTmax) >= 0.4 * (size.chaoticTmax / T0));
  const meanLle = lleGs.map((g) => mean(lles(g)));
  const firstPositive = lleGs.find((_, k) => (meanLle[k] ?? Number.NaN) > 0);
  const lastNegative = [...lleGs].reverse().find((g, k) => g < (firstPositive ?? Infinity) && (meanLle[lleGs.length - 1 - k] ?? Number.NaN) < 0);
  const crossingNear = firstPositive !== undefined && firstPositive >= 1 && firstPositive <= 1.6;
  const widest = Math.max(...lleRows.map((r) => Number(r[4])));
  const lleRange = Math.max(...meanLle) - Math.min(...meanLle);
  const widestRelative = widest / lleRange;
  // Rates are read only off runs that converged before T (at T Jacobi is exact whatever its rate).
  const fitted = jacobi.filter((j) => j.iterations < JACOBI_T);
  const rateGap = fitted.length > 0 ? Math.max(...fitted.map((j) => Math.abs(j.measuredRate - Math.exp(j.lle)))) : Number.NaN;
  const withGamma = fitted.filter((j) => Number.isFinite(j.gamma));
  const rateBelowGamma = withGamma.every((j) => j.measuredRate <= j.gamma * 1.001);
  const countGap = fitted.length > 0 ? Math.max(...fitted.map((j) => Math.abs(j.predicted - j.iterations) / j.iterations)) : Number.NaN;
  const gammaCounts = withGamma
    .filter((j) => j.gamma < 1)
    .map(
      (j) =>
        predictIterationsAtRate({ rate: j.gamma, firstChange: 1, tol: JACOBI_TOL, T: 1e9 }).iterations /
        predictIterationsAtRate({ rate: j.measuredRate, firstChange: 1, tol: JACOBI_TOL, T: 1e9 }).iterations,
    );
  const gammaText =
    gammaCounts.length === 0
      ? 'γ ≥ 1 on every network, so γ predicts no convergence at all'
      : `γ would predict ${fmt(Math.min(...gammaCounts), 1) === fmt(Math.max(...gammaCounts), 1) ? fmt(Math.min(...gammaCounts), 1) : `${fmt(Math.min(...gammaCounts), 1)}–${fmt(Math.max(...gammaCounts), 1)}`}× the count`;
  // What the dense runs left out would cost: each (g, seed)'s iterations / T at chaoticTmax
  // (a floor: that fraction grows with T on the chaotic g) times T times the seconds per
  // iteration measured at that T on the networks that ran there.
  const secondsPerIteration = (T: number) => median(runs.filter((r) => r.T === T).map((r) => r.seconds / r.iterations));
  const projected = skipped
    .map(({ g, seed, T }) => {
      const at = runs.find((r) => r.g === g && r.seed === seed && r.T === size.chaoticTmax);
      return at === undefined ? Number.NaN : (at.iterations / size.chaoticTmax) * T * secondsPerIteration(T);
    })
    .filter(Number.isFinite)
    .reduce((a, b) => a + b, 0);
  const skippedTs = Ts.filter((T) => skipped.some((x) => x.T === T));
  const costText = skippedTs.map((T) => `${secondsPerIteration(T).toPrecision(2)} s at T = ${T}`).join(', ');
  const wFirst = windowTs[0] ?? Number.NaN;
  const wLast = windowTs[windowTs.length - 1] ?? Number.NaN;
  const wRatio = (g: number, T: number) => median(wIts(g, T)) / T;
  const windowLinear = chaoticGs.length > 0 && chaoticGs.every((g) => wRatio(g, wLast) >= 0.5 * wRatio(g, wFirst));
  // Where dense and windowed both ran on all their seeds, at the largest such T.
  const bothT =
    chaoticGs.length === 0 ? Number.NaN : Math.max(...windowTs.filter((T) => chaoticGs.every((g) => its(g, T).length === seeds && wIts(g, T).length > 0)));
  const steps = size.window?.steps ?? 0;
  const perWindow = predictableGs.map((g) => median(wIts(g, wLast)) / Math.ceil(wLast / steps));
  // The prefix's advance per iteration over the first fifth of the iterations and from there to the
  // fourth fifth (the last iterations fix the tail at once, once the error there is small).
  const k1 = Math.floor(prefix.length / 5);
  const k2 = Math.floor((4 * prefix.length) / 5);
  const p1 = prefix[k1 - 1] ?? Number.NaN;
  const p2 = prefix[k2 - 1] ?? Number.NaN;
  const advance = k1 > 0 ? { k1, k2, early: p1 / k1, late: (p2 - p1) / (k2 - k1) } : undefined;
  // Dense DEER's iterations / T at chaoticTmax against the T before it: where it rose, the windowed count at chaoticTmax is beside it.
  const Tprev = Ts.filter((T) => T < size.chaoticTmax).at(-1) ?? size.chaoticTmax;
  const rising = chaoticGs.filter((g) => median(its(g, size.chaoticTmax)) / size.chaoticTmax > 1.2 * (median(its(g, Tprev)) / Tprev));
  const risingText =
    rising.length === 0
      ? 'A constant fraction of T per g: iterations ∝ T.'
      : `At least a constant fraction of T per g: iterations ∝ T or faster — between T = ${Tprev} and ${size.chaoticTmax} the fraction rose (${rising.map((g) => `g = ${fmt(g, 1)}: ${fmt(median(its(g, Tprev)) / Tprev)} → ${fmt(median(its(g, size.chaoticTmax)) / size.chaoticTmax)}`).join('; ')})` +
        (rising.every((g) => wIts(g, size.chaoticTmax).length > 0)
          ? `, where the ${steps}-step window's stayed at ${rising.map((g) => fmt(wRatio(g, size.chaoticTmax))).join(' and ')}` +
            (advance === undefined
              ? '.'
              : `: the whole-sequence solve's converged prefix slows down (g = ${fmt(gTop, 1)}, seed 0, T = ${size.chaoticTmax}: ${fmt(advance.early)} steps per iteration over its first ${advance.k1} iterations, ${fmt(advance.late)} from there to iteration ${advance.k2}).`)
          : '.');

  const comparisons: PaperComparison[] = [
    {
      quantity: `DEER iterations as T grows from ${T0}, every g with λ < −${EDGE} on all ${seeds} seeds`,
      ours:
        predictableGs.length === 0
          ? 'no predictable g'
          : `at most ${maxPredictable} iterations at any T and seed; median(largest T) / median(T = ${T0}) ≤ ${fmt(worstFlat)} (${predictableGs.map((g) => `g = ${fmt(g, 1)} to T = ${reached(g)}`).join(', ')})`,
      paper: '"for predictable systems, μ remains bounded, implying that the number of optimization steps does not increase with sequence length"',
      source: 'predictability paper, App. G; Fig. 2 (centre), T from 9 to 9999',
      verdict: worstFlat <= 1.5 ? 'agrees' : 'differs',
      ...(worstFlat <= 1.5 ? {} : { note: 'Iterations grew with T on a predictable g.' }),
    },
    {
      quantity: `DEER iterations / T, every g with λ > ${EDGE} on all seeds (T ≤ ${size.chaoticTmax})`,
      ours:
        chaoticGs.length === 0
          ? 'no chaotic g'
          : chaoticGs
              .map(
                (g) =>
                  `g = ${fmt(g, 1)}: ${Ts.filter((T) => T <= size.chaoticTmax)
                    .map((T) => fmt(median(its(g, T)) / T))
                    .join(' / ')}`,
              )
              .join('; '),
      paper: '"DEER has fast convergence for predictable systems and prohibitively slow convergence for chaotic systems"',
      source: 'predictability paper, Fig. 2 caption',
      verdict: linear ? 'agrees' : 'differs',
      note: linear
        ? `${risingText} Networks with λ ≥ ${size.longLle} stop at T = ${size.chaoticTmax}${skipped.length > 0 ? ` (${skipped.length} (g, seed, T) not run dense: at the seconds per DEER iteration measured here (${costText}) and at least the iterations / T each network reached at T = ${size.chaoticTmax}, they would take ≈ ${projected >= 3600 ? `${fmt(projected / 3600, 1)} hours` : `${fmt(projected / 60, 1)} minutes`} on one core; the paper ran them on a GPU)` : ''}.`
        : 'On some chaotic g the iterations grew less than 0.4 × as fast as T.',
    },
    {
      quantity: `the g where the mean λ over ${seeds} seeds crosses 0 (D = ${D})`,
      ours:
        firstPositive === undefined
          ? 'λ < 0 on the whole grid'
          : `between g = ${lastNegative === undefined ? '?' : fmt(lastNegative)} and ${fmt(firstPositive)}`,
      paper: '"around g = 1.2, the RNNs have LLE around 0, which is the threshold between predictability and chaos"',
      source: 'predictability paper, App. J.2, Fig. 4 (D = 100, 20 seeds)',
      verdict: crossingNear ? 'agrees' : 'differs',
      ...(crossingNear ? {} : { note: 'The crossing is not within g ∈ [1, 1.6] for these networks.' }),
    },
    {
      quantity: 'spread of λ across seeds at each g (max − min)',
      ours: `at most ${fmt(widest, 3)} per step over ${seeds} seeds, ${Math.round(100 * widestRelative)}% of the change of the mean λ over the g grid (${fmt(lleRange)})`,
      paper: '"there is a monotonic relationship between g and the LLE of the resulting system, and … the min-max range for 20 seeds is small"',
      source: 'predictability paper, App. J.2, Fig. 4',
      verdict: widestRelative < 0.2 ? 'agrees' : 'differs',
      ...(widestRelative < 0.2 ? {} : { note: 'The seeds spread by more than a fifth of the change over g at some g.' }),
    },
    {
      quantity: `Jacobi's linear rate on the networks with λ < ${JACOBI_LLE} (T = ${JACOBI_T}, runs that converged before T): measured vs e^λ and vs γ = ‖J̃⁻¹‖‖J̃ − J‖ = max_t ‖A_t‖`,
      ours:
        fitted.length === 0
          ? 'no predictable network converged before T'
          : `${fitted.length} networks: |measured − e^λ| ≤ ${fmt(rateGap, 3)}; measured ≤ γ: ${rateBelowGamma ? 'yes' : 'no'}; counts predicted from λ within ${Math.round(100 * countGap)}% of the measured; ${gammaText}`,
      paper: 'Proposition 3: the iterates converge linearly with rate at most γ (eq. 15); for Jacobi J̃ = I, so γ = max_t ‖A_t‖',
      source: 'unifying-framework paper, Prop. 3, eq. 15, Lemma 1',
      verdict: rateBelowGamma ? 'agrees' : 'differs',
      note: 'γ bounds the worst step; the error of Jacobi after i iterations is a product of i consecutive Jacobians, whose norm grows like e^{λi} on average along the trajectory, so e^λ (predictIterationsAtRate with lle) predicts the measured rate and count far better than γ.',
    },
  ];
  if (windowed.length > 0) {
    comparisons.push({
      quantity: `${windowName}: iterations / T up to T = ${wLast}, every g with λ > ${EDGE} on all seeds (${windowSeedText})`,
      ours:
        chaoticGs.length === 0 ? 'no chaotic g' : chaoticGs.map((g) => `g = ${fmt(g, 1)}: ${windowTs.map((T) => fmt(wRatio(g, T))).join(' / ')}`).join('; '),
      paper: '"DEER has fast convergence for predictable systems and prohibitively slow convergence for chaotic systems"',
      source: 'predictability paper, Fig. 2 (centre; dense DEER to T = 9999 on a GPU)',
      verdict: windowLinear ? 'agrees' : 'differs',
      note:
        (windowLinear
          ? `A constant fraction of T up to T = ${wLast}: with the dense counts from T = ${T0}, iterations ∝ T over ${fmt(Math.log10(wLast / T0), 1)} decades. `
          : `On some chaotic g the windowed count grew less than half as fast as T. `) +
        `The window solves the same problem (the same states as dense DEER) but counts its own iterations` +
        (Number.isFinite(bothT)
          ? `: at T = ${bothT} it took ${chaoticGs.map((g) => `${median(wIts(g, bothT))} (g = ${fmt(g, 1)})`).join(', ')} vs dense DEER's ${chaoticGs.map((g) => median(its(g, bothT))).join(', ')} (medians)`
          : '') +
        (perWindow.length > 0
          ? `. It cannot show the predictable side: there it takes ≈ ${fmt(Math.min(...perWindow), 1) === fmt(Math.max(...perWindow), 1) ? fmt(Math.min(...perWindow), 1) : `${fmt(Math.min(...perWindow), 1)}–${fmt(Math.max(...perWindow), 1)}`} iterations per ${steps}-step window at T = ${wLast}, so its count grows ∝ T on every g.`
          : '.'),
    });
  }

  // How far each g went, and why it stopped there.
  const reachText = (g: number) => {
    const all = Math.max(...Ts.filter((T) => its(g, T).length === seeds));
    const some = Math.max(...Ts.filter((T) => its(g, T).length > 0));
    const n = its(g, some).length;
    const longest = Math.max(...windowTs.filter((T) => wIts(g, T).length > 0));
    return (
      `g = ${fmt(g, 1)}: dense DEER to T = ${all} on all ${seeds} seeds` +
      (some > all ? ` and to T = ${some} on the ${n} with λ < ${size.longLle}` : '') +
      (all < (Ts[Ts.length - 1] ?? 0) && some === all ? ` (λ ≥ ${size.longLle} on some seed: no dense DEER beyond T = ${size.chaoticTmax}, for time)` : '') +
      (Number.isFinite(longest) ? `, windowed to T = ${longest} on ${windowSeedText}` : '')
    );
  };
  const quasiRun = quasi.find((q) => q.method === 'quasi-deer');
  const jacobiRun = quasi.find((q) => q.method === 'jacobi');
  const denseRun = quasi.find((q) => q.method === 'deer');
  const quasiNote =
    quasiRun === undefined || jacobiRun === undefined
      ? undefined
      : `Quasi-DEER extends nothing here: W has a zero diagonal, so diag(∂f/∂s) = W_ii·sech²(s_i) = 0 and quasi-DEER's Ã_t = 0 is Jacobi's — ${quasiRun.iterations} vs ${jacobiRun.iterations} iterations at g = ${fmt(gTop, 1)}, seed 0, T = ${size.quasiT ?? 0}` +
        (denseRun === undefined
          ? ''
          : ` (dense DEER: ${denseRun.iterations}), each ${fmt(denseRun.secondsPerIteration / quasiRun.secondsPerIteration, 1)}× cheaper than a dense iteration on this CPU, whose linear recurrence is sequential (O(T·D²) for both)`) +
        (quasiRun.iterations >= (size.quasiT ?? Infinity) ? `; it reached the at-most-T bound, so its count is T itself on this chaotic network.` : '.');

  return {
    setup:
      `Mean-field RNNs s_t = W tanh(s_{t−1}) + u_t, D = ${D}, W_ij ~ N(0, g²/D) with zero diagonal, ${seeds} seeds per g, u_t = 0.1 sin(0.05t + i), s_0 = 0.5; ` +
      `dense DEER from one iid U[0, 1] guess, stopped at L(s)/T ≤ ${TOL} (at most T iterations), T = ${Ts.join(', ')}; λ over ${horizon} steps (burn-in ${BURN_IN}). ` +
      `Dense DEER fits in memory up to T = 10⁴ at D = 100 (T·D² = 10⁸ Jacobian entries, 0.8 GB, under the solver's 1 GiB budget), so no quasi-DEER or window stands in for it; networks with λ ≥ ${size.longLle} stop at T = ${size.chaoticTmax} for time` +
      (size.window === undefined
        ? '.'
        : `, and past it ${windowName} (the solver's \`window\`: the same states, Ã_t for ${steps} steps, its own iteration count) runs every g on ${windowSeedText} at T = ${windowTs.join(', ')}, labelled as such in its table and panel.`),
    tables: [
      {
        title: 'DEER iterations over seeds (min / median / max)',
        columns: ['g', 'T', 'mean λ', 'regime', 'min its', 'median its', 'max its', 'median its / T', 'all converged', 'resets', 'median s'],
        rows: summaryRows,
      },
      { title: `LLE per step vs g over ${seeds} seeds (Fig. 4)`, columns: ['g', 'mean λ', 'min λ', 'max λ', 'max − min'], rows: lleRows },
      {
        title: `Jacobi on the networks with λ < ${JACOBI_LLE}, T = ${JACOBI_T}, stop 'delta' ${JACOBI_TOL}: measured rate vs e^λ and γ; iterations predicted from λ (predictIterationsAtRate) vs measured`,
        columns: ['g', 'seed', 'λ', 'e^λ', 'measured rate', `γ = max‖A_t‖ (first seed per g, ${GAMMA_STEPS} steps)`, 'predicted its', 'measured its'],
        rows: jacobiRows,
      },
      ...(windowRows.length === 0
        ? []
        : [
            {
              title: `${windowName} over ${windowSeedText} (min / median / max), beside dense DEER where all ${seeds} seeds ran it`,
              columns: [
                'g',
                'T',
                'mean λ',
                'regime',
                'min its',
                'median its',
                'max its',
                'median its / T',
                `dense median its (${seeds} seeds)`,
                'all converged',
                'median s',
              ],
              rows: windowRows,
            },
          ]),
      ...(quasi.length === 0
        ? []
        : [
            {
              title: `Quasi-DEER and Jacobi beside dense DEER (g = ${fmt(gTop, 1)}, seed 0, T = ${size.quasiT ?? 0})`,
              columns: ['method', 'iterations', 'converged', 's per iteration'],
              rows: quasi.map((q): Cell[] => [q.method, q.iterations, q.converged, q.secondsPerIteration]),
            },
          ]),
    ],
    comparisons,
    notes: [
      `The paper uses D = 100, 20 seeds, 50 values of g in [0.5, 2] and 50 values of T from 9 to 9999; we use ${seeds} seeds, ${gs.length} g and T = ${Ts.join(', ')}${options.full ? '' : ` (--full: T up to ${THRESHOLD_FULL.Ts[THRESHOLD_FULL.Ts.length - 1] ?? 0}, ${THRESHOLD_FULL.gs.length} g)`}.`,
      'Iterations count LDS solves; under stop "merit" the run stops as soon as L(s)/T ≤ tol at the iterate just computed.',
      ...(windowed.length === 0 && quasi.length === 0 ? [] : [`How far each g went: ${gs.map((g) => reachText(g)).join('; ')}.`]),
      ...(quasiNote === undefined ? [] : [quasiNote]),
    ],
    figures: [
      {
        file: 'threshold-scale.svg',
        caption: `Mean-field RNNs, D = ${D}, ${seeds} seeds: DEER iterations vs T per g (predictability paper Fig. 2 centre), vs λ at T = ${Tfig} (Fig. 2 right), and λ vs g (Fig. 4)${windowed.length === 0 ? '' : `; ${windowName} vs T per g, to T = ${wLast} (${windowSeedText})`}.`,
        panels: windowed.length === 0 ? [deerPanel, lambdaPanel, llePanel] : [deerPanel, lambdaPanel, llePanel, windowPanel],
      },
    ],
  };
}

/**
 * Case study 8: the predictability threshold at the paper's scale — mean-field RNNs with
 * D = 100 over g and several seeds, DEER iterations against T (predictability paper, Fig. 2)
 * and the LLE against g (Fig. 4); Jacobi's measured rate against e^λ and γ.
 */
export const thresholdScale: CaseStudy = {
  number: 8,
  id: 'threshold-scale',
  title: 'The predictability threshold at D = 100 over seeds: DEER iterations vs T, LLE vs g',
  run: (options: CaseStudyOptions): CaseStudyResult => runThresholdScale(options.full ? THRESHOLD_FULL : DEMO, options),
};
