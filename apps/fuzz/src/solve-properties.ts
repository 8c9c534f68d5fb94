import { UnrollError } from '@unroll/scan';
import type { SolveResult } from '@unroll/solvers';
import { allFinite, maxAbsDifference, residual, rollout, sameBits, startIn } from './oracle.js';
import { compact, type CaseFailure, type PropertyClass } from './property-runner.js';
import { buildSystem, UserStepError, type BuiltSystem } from './random-systems.js';
import { callSolve, resolveCase, solveCaseArbitrary, type ResolvedCase, type SolveCase } from './solve-cases.js';

/**
 * The promises a random solve is held to (DESIGN.md §1, §4, §6), checked against the
 * independent oracle:
 *
 * (a) it terminates within min(T, maxIterations) iterations (maxIterations for ELK with λ > 0);
 * (b) it throws nothing — the calls are valid — except the user's own error, unchanged;
 * (c) `converged: true` means finite states whose recomputed residual meets the stopping
 *     rule (max|r| ≤ residualTol for `'delta'`, ½‖r‖²/T < tol for `'merit'`), and a
 *     fallback or `'sequential'` result is the sequential rollout bit for bit;
 * (d) on contractive systems a converged result is within max|r|/(1 − L) of the rollout
 *     (not on chaotic ones, where a correct answer may be a shadow trajectory);
 * (e) a fallback or 'sequential' result over a non-finite rollout is not converged.
 *
 * @returns the first broken promise, or undefined.
 */
export async function checkSolveCase(c: SolveCase): Promise<CaseFailure | undefined> {
  const r = resolveCase(c);
  const tags = tagsOf(c, r);
  const fail = (check: string, message: string, detail = ''): CaseFailure => ({
    signature: [check, c.system.family, detail].filter((s) => s !== '').join('|'),
    message,
    tags,
  });
  const { outcome, systems } = await callSolve(c, r);
  const spec = c.system;
  const userMustThrow = spec.family === 'throwing' && spec.kind === 'step' && spec.at <= c.T;
  if ('error' in outcome) {
    const error = outcome.error;
    const own = systems.some((s) => s.thrown() !== undefined && s.thrown() === error);
    if (own) return undefined;
    if (error instanceof UserStepError) return fail('user-error-replaced', `a UserStepError came out, but not the instance the dynamics threw`);
    const text = describeError(error);
    if (spec.family === 'throwing' && error instanceof UnrollError && (error.cause instanceof UserStepError)) {
      return fail('user-error-wrapped', `the user's error came out wrapped: ${text}`, error.code);
    }
    return fail('threw', `a valid call threw ${text}`, `${errorName(error)}: ${normalize(errorMessage(error))}`);
  }
  if (userMustThrow) return fail('user-error-swallowed', `the dynamics threw UserStepError at t = ${spec.at} ≤ T = ${c.T}, but the call returned`);

  const oracle = buildSystem(spec);
  for (const [k, result] of outcome.results.entries()) {
    const s0 = r.s0s[k] ?? [];
    const failure = checkResult(c, r, oracle, s0, result, fail);
    if (failure !== undefined) return failure;
  }
  if (outcome.results.length !== r.s0s.length) return fail('batch-length', `solveBatch returned ${outcome.results.length} results for ${r.s0s.length} sequences`);
  return c.method === 'quasi-elk' && c.lambda === 0 && r.window === undefined && r.dtype === 'float64' ? sameAsQuasiDeer(c, outcome.results, fail) : undefined;
}

/**
 * (f) ELK with λ = 0 is DEER exactly (DESIGN.md §1); in the diagonal form the filter's
 * means are the quasi-DEER recurrence bit for bit (kalmanFilter's contract: K = 0 exactly,
 * overflowing variances included). Without a window — windowed ELK advances more
 * cautiously by design — the whole solve must then be quasi-DEER's, bit for bit. In
 * float64 only: in float32 the filter carries its means in float64 from step to step
 * while the recurrence rounds every state it stores, so the two differ by an ulp or so.
 */
async function sameAsQuasiDeer(c: SolveCase, elk: readonly SolveResult[], fail: Fail): Promise<CaseFailure | undefined> {
  const twin: SolveCase = { ...c, method: 'quasi-deer' };
  const { outcome } = await callSolve(twin, resolveCase(twin));
  if ('error' in outcome) return fail('elk-lambda0-not-deer', `quasi-deer threw ${describeError(outcome.error)} where quasi-elk with λ = 0 did not`);
  for (const [k, deer] of outcome.results.entries()) {
    const e = elk.at(k);
    if (e === undefined) continue;
    const same = sameBits(e.states, deer.states);
    if (!same.equal || e.iterations !== deer.iterations || e.converged !== deer.converged) {
      const where = same.equal ? '' : `, first differing entry ${same.at}: ${e.states[same.at]} vs ${deer.states[same.at]}`;
      return fail('elk-lambda0-not-deer', `quasi-elk with λ = 0 gave ${e.iterations} iterations, converged ${e.converged}; quasi-deer ${deer.iterations}, ${deer.converged}${where}`);
    }
  }
  return undefined;
}

type Fail = (check: string, message: string, detail?: string) => CaseFailure;

function checkResult(c: SolveCase, r: ResolvedCase, oracle: BuiltSystem, s0: readonly number[], res: SolveResult, fail: Fail): CaseFailure | undefined {
  const { dtype, tol, residualTol, stop, maxIterations } = r;
  const T = c.T, D = oracle.dyn.dim;
  const states = res.states;
  const expectedType = dtype === 'float32' ? Float32Array : Float64Array;
  if (!(states instanceof expectedType) || states.length !== T * D) {
    return fail('states-shape', `states is ${states.constructor.name}(${states.length}), expected ${expectedType.name}(${T * D})`);
  }
  // (a) Termination: at most the resolved cap of LDS solves; none for 'sequential'.
  const cap = c.method === 'sequential' ? 0 : maxIterations;
  if (!(Number.isInteger(res.iterations) && res.iterations >= 0 && res.iterations <= cap)) {
    return fail('iterations', `iterations = ${res.iterations}, more than the cap ${cap} (min(T, maxIterations); maxIterations for ELK with λ > 0)`);
  }
  const { delta, merit, resets } = res.trace;
  if (delta.length !== res.iterations || merit.length !== res.iterations || resets.length !== res.iterations) {
    return fail('trace-length', `trace has ${delta.length}/${merit.length}/${resets.length} entries (delta/merit/resets) for ${res.iterations} iterations`);
  }
  if (res.fellBack && !r.fallback) return fail('fell-back-unasked', 'fellBack is true but no fallback was requested');

  const start = startIn(dtype, s0);
  const ref = rollout(oracle.dyn, start, T, dtype);
  const refFinite = allFinite(ref);
  const statesFinite = allFinite(states);

  if (c.method === 'sequential' || res.fellBack) {
    const what = res.fellBack ? 'fallback' : 'sequential';
    const same = sameBits(states, ref);
    if (!same.equal) return fail(`${what}-not-rollout`, `${what} states differ from the sequential rollout at entry ${same.at}: ${states[same.at]} vs ${ref[same.at]}`);
    // (e) The rollout is the truth, but a non-finite one is not a converged trajectory.
    if (res.converged && !refFinite) {
      return fail(`${what}-converged-nonfinite`, `${what} result reports converged: true with non-finite states (the rollout itself leaves the finite numbers)`);
    }
    if (!res.converged && refFinite) return fail(`${what}-not-converged`, `${what} result with a finite rollout reports converged: false`);
    return undefined;
  }

  if (r.fallback && !res.converged) return fail('fallback-missing', "fallback: 'sequential' was requested, the solve did not converge, and it did not fall back");
  if (!res.converged) return undefined;

  // (c) and (e): converged means finite, and a finite trajectory exists.
  if (!statesFinite) return fail('converged-nonfinite', 'converged: true with non-finite states');
  const rs = residual(oracle.dyn, start, states, T, dtype);
  // Ratios within 1e-12 of the bound are summation-order noise, not a broken promise.
  const within = (x: number, bound: number): boolean => x <= bound * (1 + 1e-12);
  if (stop === 'delta' && !within(rs.maxForgiven, residualTol)) {
    return fail('converged-residual', `converged: true under stop 'delta' but max|r| = ${rs.max} (forgiving float32 rounding: ${rs.maxForgiven}) > residualTol = ${residualTol}`);
  }
  if (stop === 'merit' && !(rs.meritForgiven < tol * (1 + 1e-12))) {
    return fail('converged-merit', `converged: true under stop 'merit' but ½‖r‖²/T = ${rs.meritPerStep} (forgiving float32 rounding: ${rs.meritForgiven}) ≥ tol = ${tol}`);
  }
  // Not checked, on purpose: a finite trajectory whose residual meets the rule while the
  // rollout itself overflows. On an expanding system (s_t = 1e6 s_{t−1} + 1e-12 from 0, whose
  // zero trajectory has residual 1e-12 per step) such a trajectory is a shadow, like a
  // chaotic one: the residual is all a parallel method can certify (RELIABILITY.md, 4–5).
  // (d) Contractive: |e_t| ≤ |r_t| + L|e_{t−1}|, so max|e| ≤ max|r| / (1 − L), with max|r|
  // bounded by the stopping rule the result claims to meet (plus the float32 slack).
  const L = oracle.lipschitz;
  if (L !== undefined && L < 1) {
    const allowed = stop === 'delta' ? residualTol : Math.sqrt(2 * T * tol);
    const bound = (allowed + rs.maxSlack) / (1 - L) + 1e-12;
    const truth = rollout(oracle.dyn, Float64Array.from(start), T, 'float64');
    const error = maxAbsDifference(states, truth);
    if (!(error <= bound)) return fail('far-from-rollout', `converged on a contractive system (L = ${L.toPrecision(3)}) but max|s − rollout| = ${error} > ${bound.toPrecision(3)}`);
  }
  return undefined;
}

function tagsOf(c: SolveCase, r: ResolvedCase): Record<string, string> {
  return {
    method: c.method,
    api: c.api,
    dtype: r.dtype,
    stop: r.stop,
    window: r.window === undefined ? 'none' : r.window === c.T ? 'T' : 'partial',
    reset: String(c.reset ?? true),
    fallback: r.fallback ? 'sequential' : 'none',
    system: c.system.kind,
  };
}

/** The error's class name. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.constructor.name : typeof error;
}

/** The error's message (or its string form). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `Name(code): message`, for reports. */
export function describeError(error: unknown): string {
  const code = error instanceof UnrollError ? `(${error.code})` : '';
  return `${errorName(error)}${code}: ${errorMessage(error)}`;
}

/** A message with its numbers blanked, so failures that differ only in sizes share a signature. */
export function normalize(message: string): string {
  return message.replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/gi, '#').slice(0, 90);
}

/** The random-solves class: {@link solveCaseArbitrary} checked by {@link checkSolveCase}. */
export const randomSolves: PropertyClass<SolveCase> = {
  name: 'random-solves',
  arbitrary: solveCaseArbitrary,
  check: checkSolveCase,
  describe: (c) => compact(c),
};
