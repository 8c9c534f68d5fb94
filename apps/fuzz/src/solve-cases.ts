import fc from 'fast-check';
import { defineStrategy, resolveDerivatives, type Strategy } from '@unroll/linearize';
import { diagonal as diagonalStructure, mulberry32, type FloatArray } from '@unroll/scan';
import { elk, scaleElk, solve, solveAsync, solveBatch, type IterationInfo, type Method, type SolveMethod, type SolveOptions, type SolveResult } from '@unroll/solvers';
import { anySystem, buildSystem, initialState, real, type BuiltSystem, type SystemSpec } from './random-systems.js';

/** Every built-in method, plus `'custom'`: a strategy made with `defineStrategy`. */
export type MethodChoice = Method | 'custom';

/** The methods the random solves cycle through. */
export const methodChoices: readonly MethodChoice[] = ['deer', 'quasi-deer', 'picard', 'jacobi', 'elk', 'quasi-elk', 'scale-elk', 'clip-elk', 'sequential', 'custom'];

/** The entry points a random solve goes through. */
export type Api = 'solve' | 'solveAsync' | 'solveBatch';

/**
 * One random solve as plain data: the system, the call and its options. Options the
 * library derives from others (window from T, λ only for ELK, k only for scale-ELK) are
 * kept valid here — the malformed-call class covers invalid ones.
 */
export interface SolveCase {
  readonly system: SystemSpec;
  readonly T: number;
  /** Raw numbers in [−1, 1] turned into initial states by the family (one per sequence). */
  readonly starts: readonly (readonly number[])[];
  readonly api: Api;
  /** solveBatch: one dynamics for all sequences, or a list of separately built ones. */
  readonly batch: 'shared' | 'list';
  readonly method: MethodChoice;
  readonly dtype: 'float64' | 'float32' | undefined;
  /** Fraction of T (window = max(1, ⌈fraction·T⌉)), or no window. */
  readonly window: number | undefined;
  readonly stop: 'delta' | 'merit' | undefined;
  readonly reset: boolean | undefined;
  readonly resetThreshold: number | undefined;
  readonly fallback: 'none' | 'sequential' | undefined;
  /** log10 of tol, or the default. */
  readonly tolExponent: number | undefined;
  /** residualTol = tol · 10^this (never below tol), or the default √tol. */
  readonly residualTolFactor: number | undefined;
  readonly maxIterations: number | undefined;
  readonly lambda: number;
  readonly k: number;
  readonly init: 'zeros' | 'random' | 'jacobi' | 'warm' | undefined;
  readonly seed: number;
  /** onIteration returns false at this iteration (stops the solve), or no callback. */
  readonly stopAt: number | undefined;
}

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

/** The random solves' generator. */
export const solveCaseArbitrary: fc.Arbitrary<SolveCase> = fc.record({
  system: anySystem,
  T: fc.integer({ min: 1, max: 60 }),
  starts: fc.array(fc.array(real(-1, 1), { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 3 }),
  api: fc.constantFrom<Api>('solve', 'solveAsync', 'solveBatch'),
  batch: fc.constantFrom('shared' as const, 'list' as const),
  method: fc.constantFrom(...methodChoices),
  dtype: opt(fc.constantFrom('float64' as const, 'float32' as const)),
  window: opt(real(0, 1)),
  stop: opt(fc.constantFrom('delta' as const, 'merit' as const)),
  reset: opt(fc.boolean()),
  resetThreshold: fc.option(real(2, 10).map((e) => 10 ** e), { nil: undefined, freq: 5 }),
  fallback: opt(fc.constantFrom('none' as const, 'sequential' as const)),
  tolExponent: fc.option(real(-12, -3), { nil: undefined, freq: 4 }),
  residualTolFactor: fc.option(real(0, 4), { nil: undefined, freq: 4 }),
  maxIterations: fc.option(fc.integer({ min: 1, max: 65 }), { nil: undefined, freq: 4 }),
  // λ = 0 is DEER exactly (DESIGN.md §1), a promise of its own: drawn a third of the time.
  lambda: fc.oneof(fc.constant(0), fc.constantFrom(1e-3, 0.1, 1, 10, 1e3), real(0, 100)),
  k: fc.oneof(fc.constantFrom(0, 0.5, 1), real(0, 1)),
  init: opt(fc.constantFrom('zeros' as const, 'random' as const, 'jacobi' as const, 'warm' as const)),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  stopAt: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined, freq: 6 }),
});

/**
 * A custom strategy (the extension point): half the exact diagonal, Ã_t = ½ diag J_t.
 * Any Ã_t keeps the at-most-T-iterations promise, so it is as good a test as a built-in.
 */
export function halfDiagonal(): Strategy {
  return defineStrategy({
    name: 'half-diagonal',
    structure: (D) => diagonalStructure(D),
    prepare(dyn) {
      const { diagonal } = resolveDerivatives(dyn);
      const D = dyn.dim;
      return {
        source: `half the ${diagonal.source} diagonal`,
        cost: { storedPerStep: D, calls: diagonal.calls },
        fill(t, prev, po, out, oo) {
          diagonal.fn(t, prev, po, out, oo);
          for (let i = 0; i < D; i++) out[oo + i] = 0.5 * (out[oo + i] ?? 0);
        },
      };
    },
  });
}

/** What a case resolves to: the options actually passed, and the numbers the oracle needs. */
export interface ResolvedCase {
  readonly options: SolveOptions;
  readonly dtype: 'float64' | 'float32';
  readonly tol: number;
  readonly residualTol: number;
  readonly stop: 'delta' | 'merit';
  readonly maxIterations: number;
  readonly window: number | undefined;
  readonly s0s: number[][];
  readonly fallback: boolean;
}

/** Turns a case into the options of the call (and the defaults the library documents). */
export function resolveCase(c: SolveCase): ResolvedCase {
  const dtype = c.dtype ?? 'float64';
  const T = c.T;
  const D = c.system.D;
  const tol = c.tolExponent === undefined ? (dtype === 'float32' ? 1e-5 : 1e-8) : 10 ** c.tolExponent;
  const residualTol = c.residualTolFactor === undefined ? Math.sqrt(tol) : tol * 10 ** c.residualTolFactor;
  const window = c.window === undefined ? undefined : Math.min(T, Math.max(1, Math.ceil(c.window * T)));
  // The parameterised methods are values carrying their parameter (λ, k).
  const method: Method | Strategy | SolveMethod =
    c.method === 'custom'
      ? halfDiagonal()
      : c.method === 'elk'
        ? elk({ lambda: c.lambda })
        : c.method === 'quasi-elk'
          ? elk({ lambda: c.lambda, base: 'diagonal' })
          : c.method === 'scale-elk'
            ? scaleElk({ k: c.k })
            : c.method;
  const sequences = c.api === 'solveBatch' ? c.starts.length : 1;
  const s0s = c.starts.slice(0, sequences).map((raw) => initialState(c.system, raw));
  let warm: FloatArray | undefined;
  if (c.init === 'warm') {
    const next = mulberry32(c.seed);
    warm = dtype === 'float32' ? new Float32Array(T * D) : new Float64Array(T * D);
    for (let i = 0; i < warm.length; i++) warm[i] = (next() / 2 ** 32) * 2 - 1;
  }
  const options: SolveOptions = {
    method,
    ...(c.dtype === undefined ? {} : { dtype: c.dtype }),
    ...(window === undefined ? {} : { window }),
    ...(c.stop === undefined ? {} : { stop: c.stop }),
    ...(c.reset === undefined ? {} : { reset: c.reset }),
    ...(c.resetThreshold === undefined ? {} : { resetThreshold: c.resetThreshold }),
    ...(c.fallback === undefined ? {} : { fallback: c.fallback }),
    ...(c.tolExponent === undefined ? {} : { tol }),
    ...(c.residualTolFactor === undefined ? {} : { residualTol }),
    ...(c.maxIterations === undefined ? {} : { maxIterations: c.maxIterations }),
    // A warm-start array fits one sequence only: solveBatch refuses it by design.
    ...(c.init === undefined || (c.init === 'warm' && c.api === 'solveBatch') ? {} : { init: warm ?? (c.init as 'zeros' | 'random' | 'jacobi') }),
    ...(c.init === 'random' ? { seed: c.seed } : {}),
    ...(c.stopAt === undefined ? {} : { onIteration: stopAfter(c.stopAt) }),
  };
  return {
    options,
    dtype,
    tol,
    residualTol,
    stop: c.stop ?? 'delta',
    // Every method is exact after T iterations and capped there, except ELK with λ > 0, whose
    // damped Kalman step is not (thesis §4.2): its cap is the caller's (default T).
    maxIterations: (c.method === 'elk' || c.method === 'quasi-elk') && c.lambda > 0 ? (c.maxIterations ?? T) : Math.min(T, c.maxIterations ?? T),
    window,
    s0s,
    fallback: c.fallback === 'sequential',
  };
}

/** onIteration that stops the solve at iteration `k` (and checks it is told the iterations in order). */
function stopAfter(k: number): (info: IterationInfo) => boolean {
  let last = 0;
  return (info) => {
    // A batch solves its sequences one after another: each starts again at iteration 1.
    if (info.iteration === 1) last = 0;
    if (info.iteration !== last + 1) throw new Error(`onIteration saw iteration ${info.iteration} after ${last}`);
    last = info.iteration;
    return info.iteration < k;
  };
}

/** What the call produced: one result per sequence, or what it threw. */
export type CallOutcome = { readonly results: readonly SolveResult[] } | { readonly error: unknown };

/** Builds the systems and makes the call through the case's entry point. */
export async function callSolve(c: SolveCase, r: ResolvedCase): Promise<{ outcome: CallOutcome; systems: readonly BuiltSystem[] }> {
  const first = buildSystem(c.system);
  const systems: BuiltSystem[] = [first];
  try {
    if (c.api === 'solve') return { outcome: { results: [solve(first.dyn, r.s0s[0] ?? [], c.T, r.options)] }, systems };
    if (c.api === 'solveAsync') return { outcome: { results: [await solveAsync(first.dyn, r.s0s[0] ?? [], c.T, r.options)] }, systems };
    if (c.batch === 'list') for (let k = 1; k < r.s0s.length; k++) systems.push(buildSystem(c.system));
    const dynamics = c.batch === 'list' ? systems.map((s) => s.dyn) : first.dyn;
    return { outcome: { results: solveBatch(dynamics, r.s0s, c.T, r.options) }, systems };
  } catch (error) {
    return { outcome: { error }, systems };
  }
}
