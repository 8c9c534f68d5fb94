import type { Dynamics } from '@unroll/linearize';
import { checkOptions, checkSeed, describeValue, UnrollError } from '@unroll/scan';
import { denseLimit as defaultDenseLimit, solve, type Method } from '@unroll/solvers';
import { largestLyapunovExponent } from './lyapunov.js';
import { plBounds } from './pl-bounds.js';
import { seedPromise } from './arguments.js';
import { trajectory, trajectoryShape } from './trajectory.js';

/** Options of {@link advise}. */
export interface AdviseOptions {
  /** Steps of the sequential prefix the advice is measured on (default min(T, 256)). */
  readonly prefix?: number;
  /** Processors a parallel solve would use (default ∞: an ideal parallel machine such as a GPU, scan depth log₂T). */
  readonly processors?: number;
  /** Largest D for which Newton (dense DEER, O(D³) per scan step) is considered (default: solvers' `denseLimit`, 16). */
  readonly denseLimit?: number;
  /** Tolerance of the trial solves (default 1e-8, max-abs change). */
  readonly tol?: number;
  readonly seed?: number;
}

/** What {@link advise} returns. */
export interface Advice {
  /** LLE per step on the prefix. */
  readonly lle: number;
  /** λ < 0: perturbations are forgotten, so parallel iterations converge fast (Theorem 2). */
  readonly predictable: boolean;
  /** The method to use: a parallel one when it is predicted to beat the sequential loop, else `'sequential'`. */
  readonly recommended: Method;
  /** Predicted iterations of the best parallel method on all T steps. */
  readonly predictedIterations: number;
  /** The parallel method the prediction is for (even when `recommended` is sequential). */
  readonly parallelMethod: Method;
  /** Predicted parallel cost / sequential cost (< 1: parallel pays). */
  readonly relativeCost: number;
  /** Why, in sentences a user can act on. */
  readonly reasons: string[];
}

/**
 * Work of one iteration of a method, in units of one sequential step (one call of f):
 * evaluate f, linearize, and the scan's element work — dense Newton composes D×D
 * matrices (≈ 2D³ flops vs the ≈ 2D² of a dense step, so ≈ D); a diagonal costs one
 * more call; Jacobi's and Picard's scans are additions.
 */
function iterationWork(method: Method, D: number): number {
  return method === 'deer' ? 2 + D : method === 'quasi-deer' ? 2.5 : 1.5;
}

interface Candidate {
  readonly method: Method;
  readonly iterations: number;
  readonly converged: boolean;
  readonly cost: number;
  readonly note: string;
}

/**
 * Should this computation run in parallel, and how? Cheap enough to call before a solve: it
 * rolls out a short prefix sequentially, estimates the largest Lyapunov exponent there,
 * and runs each candidate method on a quarter of the prefix and (when that converged) on
 * the whole prefix. Iteration counts are extrapolated to T by
 * the growth between the two trials — flat for predictable systems (predictability paper,
 * Thm. 4 and App. J.1: iterations independent of T), about one step fixed per iteration
 * for chaotic ones (so ≈ T). Cost = iterations × work per iteration × scan depth
 * (T/P + log₂P + 1 levels) against T sequential steps; the cheapest method wins, and
 * `'sequential'` wins when no method beats 1.
 *
 * Candidates: DEER when D ≤ `denseLimit` (exact Jacobians, fewest iterations),
 * quasi-DEER, Jacobi and Picard (the unifying framework's four LDS choices).
 */
export function advise(dyn: Dynamics, s0: ArrayLike<number>, T: number, options?: AdviseOptions): Advice {
  const where = 'advise';
  const steps: unknown = T;
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 1) throw new UnrollError('INVALID_ARGUMENT', `advise: T must be an integer ≥ 1, got ${describeValue(steps)}.`);
  // dyn and s0 are checked before anything else, even when T is too short to need them.
  trajectoryShape(where, dyn, s0, 1);
  const opts = checkOptions(where, options, '{ prefix: 256, processors: 1024 }');
  // Defaults apply to absent options only: null is refused like any other wrong type.
  const { processors: P = Infinity, prefix, denseLimit = defaultDenseLimit, tol = 1e-8, seed = 0 }: { processors?: unknown; prefix?: unknown; denseLimit?: unknown; tol?: unknown; seed?: unknown } = opts;
  if (typeof P !== 'number' || !(P >= 1) || !(Number.isInteger(P) || P === Infinity)) {
    throw new UnrollError('INVALID_ARGUMENT', `advise: processors must be an integer ≥ 1 (or Infinity, the default: an ideal parallel machine), got ${describeValue(P)}.`);
  }
  if (typeof denseLimit !== 'number' || !(denseLimit >= 0)) throw new UnrollError('INVALID_ARGUMENT', `advise: denseLimit must be a number ≥ 0 (the largest D for dense DEER), got ${describeValue(denseLimit)}.`);
  if (typeof tol !== 'number' || !(tol > 0) || !Number.isFinite(tol)) throw new UnrollError('INVALID_ARGUMENT', `advise: tol must be finite and > 0, got ${describeValue(tol)}.`);
  checkSeed(where, 'seed', seed, seedPromise);
  if (prefix !== undefined && (typeof prefix !== 'number' || !Number.isInteger(prefix) || (T >= 8 && (prefix < 8 || prefix > T)))) {
    throw new UnrollError('INVALID_ARGUMENT', `advise: prefix must be an integer in [8, T] = [8, ${T}], got ${describeValue(prefix)}.`);
  }
  if (T < 8) return { lle: Number.NaN, predictable: false, recommended: 'sequential', predictedIterations: T, parallelMethod: 'sequential', relativeCost: 1, reasons: [`T = ${T} is too short for parallel evaluation to pay.`] };
  const n = prefix ?? Math.min(T, 256);
  const D = dyn.dim;
  const { states } = trajectory('advise', dyn, s0, n);
  const lle = largestLyapunovExponent(dyn, s0, states, { burnIn: Math.floor(n / 10), seed }).value;
  const predictable = lle < 0;
  const bounds = plBounds({ lle, T });
  const reasons = [
    `The largest Lyapunov exponent on the first ${n} steps is ${lle.toFixed(3)} per step: the system is ${predictable ? 'predictable (perturbations shrink)' : 'unpredictable (perturbations grow)'}.`,
    `Theorem 2 then bounds the merit's conditioning at T = ${T} by log10 √μ ≥ ${bounds.log10SqrtMu.lower.toFixed(1)} (a = 1).`,
  ];

  const depth = T / Math.min(P, T) + Math.log2(Math.min(P, T)) + 1;
  const quarter = Math.floor(n / 4);
  const methods: Method[] = D <= denseLimit ? ['deer', 'quasi-deer', 'jacobi', 'picard'] : ['quasi-deer', 'jacobi', 'picard'];
  const candidates: Candidate[] = methods.map((method) => {
    const short = solve(dyn, s0, quarter, { method, tol, maxIterations: quarter });
    const kShort = short.converged ? short.iterations : quarter;
    let predicted: number, note: string, converged: boolean;
    if (!short.converged) {
      // No convergence within `quarter` iterations: iterations grow at least like the length.
      predicted = Math.min(T, Math.ceil((kShort * T) / quarter));
      converged = false;
      note = `${method}: not converged in ${quarter} iterations on ${quarter} steps`;
    } else {
      const long = solve(dyn, s0, n, { method, tol, maxIterations: n });
      const kLong = long.converged ? long.iterations : n;
      const slope = Math.max(0, (kLong - kShort) / (n - quarter));
      predicted = Math.max(1, Math.min(T, Math.round(kLong + slope * (T - n))));
      converged = long.converged;
      note = `${method}: ${kShort} iterations on ${quarter} steps, ${kLong} on ${n}${long.converged ? '' : ' (not converged)'}`;
    }
    return { method, iterations: predicted, converged, cost: (predicted * iterationWork(method, D) * depth) / T, note };
  });
  const best = candidates.reduce((a, b) => (b.cost < a.cost ? b : a));
  reasons.push(`Trials: ${candidates.map((c) => `${c.note} → ${c.iterations} predicted for T = ${T}, cost ${c.cost.toPrecision(2)}×`).join('; ')}.`);
  const pays = best.cost < 1 && best.converged;
  reasons.push(
    pays
      ? `${best.method} is predicted to cost ${best.cost.toPrecision(2)}× the sequential loop on ${Number.isFinite(P) ? `${P} processors` : 'an ideal parallel machine'}: use it.`
      : `No parallel method beats the sequential loop${Number.isFinite(P) ? ` on ${P} processors` : ''} (best: ${best.method}, ${best.cost.toPrecision(2)}×): evaluate sequentially${predictable ? '' : ', or parallelize a stable observer of this system instead'}.`,
  );
  return { lle, predictable, recommended: pays ? best.method : 'sequential', predictedIterations: best.iterations, parallelMethod: best.method, relativeCost: best.cost, reasons };
}
