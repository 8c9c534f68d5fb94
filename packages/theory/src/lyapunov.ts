import { resolveDerivatives, type Dynamics } from '@unroll/linearize';
import { checkArrayLength, checkOptions, checkRecord, checkSeed, describeValue, mulberry32, UnrollError, type FloatArray } from '@unroll/scan';
import { seedPromise } from './arguments.js';
import { trajectoryShape, trajectoryStates, type TrajectoryShape } from './trajectory.js';

/** Options of {@link largestLyapunovExponent} and {@link finiteTimeLyapunov}. */
export interface LyapunovOptions {
  /** Random start vectors averaged over (default 3, as in the predictability paper, App. J.6). */
  readonly vectors?: number;
  /** Seed of the start vectors (default 0). */
  readonly seed?: number;
  /** Steps whose stretch is not counted while the vectors align with the top direction (default 0). */
  readonly burnIn?: number;
  /** Step of a discretized flow: report per unit time (λ_step / dt) instead of per step. */
  readonly dt?: number;
}

/** What {@link largestLyapunovExponent} returns. */
export interface LyapunovEstimate {
  /** λ: the mean log stretch per step (per unit time when `dt` is given), averaged over the vectors. */
  readonly value: number;
  /** The estimate of each start vector. */
  readonly perVector: number[];
  /** running[t − 1] = the estimate using steps burnIn + 1 … t (NaN inside the burn-in): for convergence plots. */
  readonly running: Float64Array;
  /** Per-step log stretch log‖J_t u_{t−1}‖ averaged over the vectors (before the dt scaling). */
  readonly stretch: Float64Array;
}

/** The checked options of a Lyapunov estimate over T steps of dimension D (nothing allocated yet). */
function lyapunovSettings(where: string, o: LyapunovOptions, T: number, D: number): { K: number; seed: number; burnIn: number; scale: number } {
  // Defaults apply to absent options only: null is refused like any other wrong type.
  const { vectors: K = 3, burnIn = 0, seed = 0, dt }: { vectors?: unknown; burnIn?: unknown; seed?: unknown; dt?: unknown } = o;
  if (typeof K !== 'number' || !Number.isInteger(K) || K < 1) throw new UnrollError('INVALID_ARGUMENT', `${where}: vectors must be an integer ≥ 1, got ${describeValue(K)}.`);
  if (typeof burnIn !== 'number' || !Number.isInteger(burnIn) || burnIn < 0 || burnIn >= T) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: burnIn must be an integer in [0, T) = [0, ${T}), got ${describeValue(burnIn)}.`);
  }
  checkSeed(where, 'seed', seed, seedPromise);
  if (dt !== undefined && (typeof dt !== 'number' || !(dt > 0 && Number.isFinite(dt)))) throw new UnrollError('INVALID_ARGUMENT', `${where}: dt must be finite and > 0, got ${describeValue(dt)}.`);
  checkArrayLength(where, `the log stretches (T·vectors = ${T}·${K})`, T * K, 'use fewer vectors or a shorter trajectory');
  checkArrayLength(where, `the vectors (vectors·D = ${K}·${D})`, K * D, 'use fewer vectors');
  return { K, seed, burnIn, scale: 1 / (dt ?? 1) };
}

/**
 * Evolves K unit vectors u ← J_t u along the trajectory, renormalising every step, and
 * records log‖J_t u_{t−1}‖ per step and vector — Algorithm 1 of the predictability paper
 * (App. J.6), which never forms a Jacobian product and so never overflows. Uses the
 * dynamics' JVP (closed form, or central differences when it has none).
 */
function logStretches(where: string, dyn: Dynamics, shape: TrajectoryShape, K: number, seed: number): { T: number; logs: Float64Array } {
  const { D, T, s0: start } = shape;
  const s = trajectoryStates(where, dyn, shape);
  const jvp = resolveDerivatives(dyn).jvp.fn;
  const rand = mulberry32(seed);
  const normal = () => {
    const u = (rand() + 1) / 4294967297, v = rand() / 4294967296;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const u = new Float64Array(K * D), next = new Float64Array(D);
  for (let k = 0; k < K; k++) {
    let n = 0;
    for (let i = 0; i < D; i++) {
      const x = normal();
      u[k * D + i] = x;
      n += x * x;
    }
    n = Math.sqrt(n) || 1;
    for (let i = 0; i < D; i++) u[k * D + i] = (u[k * D + i] ?? 0) / n;
  }
  const logs = new Float64Array(T * K); // [T][K]
  for (let t = 1; t <= T; t++) {
    const prev = t === 1 ? start : s, po = t === 1 ? 0 : (t - 2) * D;
    for (let k = 0; k < K; k++) {
      jvp(t, prev, po, u, k * D, next, 0);
      let n = 0;
      for (let i = 0; i < D; i++) n += (next[i] ?? 0) ** 2;
      n = Math.sqrt(n);
      logs[(t - 1) * K + k] = Math.log(n);
      // A vector mapped to 0 (a superstable step) has no direction left: log 0 = −∞ is the
      // honest stretch; keep the old direction so later steps stay finite.
      if (n > 0 && Number.isFinite(n)) for (let i = 0; i < D; i++) u[k * D + i] = (next[i] ?? 0) / n;
    }
  }
  return { T, logs };
}

/**
 * The largest Lyapunov exponent λ = lim (1/T) log‖J_T ⋯ J_1‖ (predictability paper,
 * Definition 1) along a trajectory, by the numerically stable estimator of its App. J.6:
 * evolve `vectors` random unit vectors with the Jacobians, renormalise each step, average
 * the log stretch, then average over the vectors. λ < 0: predictable (perturbations are
 * forgotten, parallel evaluation converges fast); λ > 0: chaotic.
 *
 * `states` is the trajectory s_1 … s_T ([T][D], s_0 apart) or a step count T to roll out.
 * With `dt`, λ is per unit time (a flow discretized with step dt: λ_flow ≈ λ_step/dt, App. K).
 *
 * @example
 * ```ts
 * largestLyapunovExponent(logisticMap({ r: 4 }), [0.3], 100_000).value; // ≈ ln 2
 * ```
 * @throws {UnrollError} for mismatched dimensions, non-finite states, bad options.
 */
export function largestLyapunovExponent(dyn: Dynamics, s0: ArrayLike<number>, states: FloatArray | number, options?: LyapunovOptions): LyapunovEstimate {
  const where = 'largestLyapunovExponent';
  const shape = trajectoryShape(where, dyn, s0, states);
  const opts = checkOptions(where, options, '{ vectors: 3, seed: 0, burnIn: 100 }');
  const { K, seed, burnIn, scale } = lyapunovSettings(where, opts, shape.T, shape.D);
  const { T, logs } = logStretches(where, dyn, shape, K, seed);
  const sums = new Float64Array(K);
  const running = new Float64Array(T).fill(Number.NaN);
  const stretch = new Float64Array(T);
  for (let t = 1; t <= T; t++) {
    let mean = 0;
    for (let k = 0; k < K; k++) mean += (logs[(t - 1) * K + k] ?? 0) / K;
    stretch[t - 1] = mean;
    if (t <= burnIn) continue;
    let avg = 0;
    for (let k = 0; k < K; k++) {
      sums[k] = (sums[k] ?? 0) + (logs[(t - 1) * K + k] ?? 0);
      avg += (sums[k] ?? 0) / K;
    }
    running[t - 1] = (avg / (t - burnIn)) * scale;
  }
  const perVector = Array.from(sums, (sum) => (sum / (T - burnIn)) * scale);
  return { value: perVector.reduce((a, b) => a + b, 0) / K, perVector, running, stretch };
}

/**
 * Finite-time Lyapunov exponents over a sliding window of `window` steps: out[k] is the mean
 * log stretch of steps burnIn + k + 1 … burnIn + k + window (per unit time with
 * `dt`): T − burnIn − window + 1 values.
 * The vectors are the aligned ones of {@link largestLyapunovExponent} (use `burnIn` to let
 * them align first), so each value is the local growth rate of perturbations along the
 * trajectory: where it is positive, a parallel solve's error grows.
 */
export function finiteTimeLyapunov(dyn: Dynamics, s0: ArrayLike<number>, states: FloatArray | number, options: LyapunovOptions & { readonly window: number }): Float64Array {
  const where = 'finiteTimeLyapunov';
  const shape = trajectoryShape(where, dyn, s0, states);
  checkRecord(where, 'options', options, '{ window: 50 }');
  const T0 = shape.T;
  const window: unknown = options.window;
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 1 || window > T0) {
    throw new UnrollError('INVALID_ARGUMENT', `finiteTimeLyapunov: window must be an integer in [1, T] = [1, ${T0}], got ${describeValue(window)}.`);
  }
  const { K, seed, burnIn, scale } = lyapunovSettings(where, options, T0, shape.D);
  const { T, logs } = logStretches(where, dyn, shape, K, seed);
  const first = burnIn;
  const n = T - first - window + 1;
  if (n < 1) throw new UnrollError('INVALID_ARGUMENT', `finiteTimeLyapunov: burnIn + window must not exceed T = ${T}.`);
  const mean = (t: number) => {
    let m = 0;
    for (let k = 0; k < K; k++) m += (logs[t * K + k] ?? 0) / K;
    return m;
  };
  const out = new Float64Array(n);
  let acc = 0;
  for (let t = first; t < first + window; t++) acc += mean(t);
  out[0] = (acc / window) * scale;
  for (let j = 1; j < n; j++) {
    acc += mean(first + j + window - 1) - mean(first + j - 1);
    out[j] = (acc / window) * scale;
  }
  return out;
}
