import type { Dynamics } from '@unroll/linearize';
import { allocate, warnOnce } from '@unroll/scan';
import { allocating } from './check-arguments.js';
import { CpuBackend, type RunScratch } from './cpu-backend.js';
import { driveFixedPoint } from './fixed-point-driver.js';
import { initialGuess } from './initial-guess.js';
import type { SolvePlan } from './prepare-run.js';
import type { Work } from './resumable-work.js';
import { isAllFinite, rolloutInBlocks } from './sequential-rollout.js';
import type { SolveResult } from './solve-options.js';

/**
 * A planned CPU solve as resumable work (`solve` runs it at once, `solveAsync` with turns
 * of the event loop, `solveBatch` over shared scratch): the sequential rollout, or the
 * one driver (`driveFixedPoint`) on the CPU backend.
 */
export function* solveWork(where: string, plan: SolvePlan, scratch?: RunScratch): Work<SolveResult> {
  const { run, dyn, T, start, opts } = plan;
  if (run === undefined) return yield* sequentialWork(where, plan);
  const backend = allocating(where, `the trajectory (T·D = ${T}·${dyn.dim} numbers, several copies)`, () => {
    // A zero guess is not stored: the iterate starts at zero and resets fall back to 0.
    const guess = run.settings.init === 'zeros' ? undefined : initialGuess(dyn, Float64Array.from(start), T, run.settings.dtype, opts);
    return new CpuBackend(dyn, start, T, run.strategy, run.structure, guess, run.settings, scratch);
  });
  const s = run.settings;
  const { source, cost } = backend.linearizer;
  if (cost.calls.step > 0) warnFiniteDifferences(where, run.name, source, cost.calls.step, dyn);
  const onIteration = s.onIteration;
  const outcome = yield* driveFixedPoint(
    where,
    backend,
    { ...s, T, exactLeadingRow: s.elk === undefined, fallback: s.fallback, signal: s.signal },
    onIteration === undefined
      ? undefined
      : (m) => onIteration({ iteration: m.iteration, delta: m.delta, merit: m.merit, resets: m.resets, convergedPrefix: m.convergedPrefix, states: backend.states }),
  );
  return { ...outcome, states: backend.states, method: run.name, linearization: { source, callsPerStep: cost.calls } };
}

/**
 * Once per dynamics and method: Ã_t comes from finite differences of f — extra
 * evaluations of f at every step of every iteration, often many times a closed form's
 * cost — so say so, and what removes them (through `setWarningHandler`'s channel, never
 * `console`).
 */
export function warnFiniteDifferences(where: string, method: string, source: string, extraSteps: number, dyn: Dynamics): void {
  const name = (dyn as { name?: unknown }).name;
  const label = typeof name === 'string' ? `'${name}'` : `this D = ${dyn.dim} dynamics`;
  warnOnce(`FINITE_DIFFERENCES:${method}:${typeof name === 'string' ? name : `D=${dyn.dim}`}`, {
    code: 'FINITE_DIFFERENCES',
    message: `${where}: '${method}' on ${label} forms Ã_t as ${source}: ${extraSteps} extra evaluations of f per step, every iteration. A closed-form ${source.startsWith('diagonal') ? 'diagonal' : 'jacobian'} (or jvp) in defineDynamics removes them; the result's linearization field says what was used. (setWarningHandler from @unroll/solvers routes or silences this.)`,
  });
}

/** `method: 'sequential'`: the rollout, converged when it is finite. */
function* sequentialWork(where: string, plan: SolvePlan): Work<SolveResult> {
  const { dyn, T, start } = plan;
  const dtype = start instanceof Float32Array ? 'float32' : 'float64';
  const states = allocating(where, `the trajectory (T·D = ${T}·${dyn.dim} numbers)`, () => allocate(dtype, T * dyn.dim));
  yield* rolloutInBlocks(dyn, start, T, states, Math.max(1, Math.floor(2 ** 10 / dyn.dim)));
  return {
    states,
    iterations: 0,
    converged: isAllFinite(states, 0, states.length),
    method: 'sequential',
    fellBack: false,
    trace: { delta: [], merit: [], resets: [] },
  };
}
