import { full } from '@unroll/linearize';
import { clipElk, elk, exactAfterT, gradient, solveOptionKeys as librarySolveOptionKeys, initialGuess, kalmanFilter, newton, quasiDeer, scaleElk, sequentialRollout, solve, solveAsync, solveBatch } from '@unroll/solvers';
import { D, T, filled, rnn, s0, states } from './fixtures.js';
import { convergedFinite, optionSlots, slot, target, type Slot, type Target } from './target.js';

const dynamicsNames = ['dyn', 'dynamics', 'Dynamics', 'first argument'];

/** The SolveOptions keys: the library's own list, so a key it adds is fuzzed at once. */
export const solveOptionKeys: readonly string[] = librarySolveOptionKeys;

/**
 * Slots of `solve(dyn, s0, T, opts)`-shaped calls. `partner` is the option that only
 * goes with the valid call's method (lambda for ELK, k for scale-ELK): with the method
 * malformed or removed, a refusal naming that option names the disagreement just as well.
 */
export function solveSlots(): Slot[] {
  return [
    slot('0', ...dynamicsNames),
    slot('0.dim', 'dim', 'dynamics.dim'),
    slot('0.step', 'step'),
    slot('1', 's0', 'initial state'),
    slot('2', 'T'),
    ...optionSlots(3, solveOptionKeys.filter((k) => k !== 'method')),
    slot('3.method', 'method'),
  ];
}

/** Every exported function of @unroll/solvers with a valid call (solve in several configurations). */
export function solversTargets(): Target[] {
  const after = { after: convergedFinite };
  const kalmanModel = (structure: 'diagonal' | 'dense') => ({
    structure,
    dim: D,
    A: filled(T * (structure === 'dense' ? D * D : D), 0.5),
    b: filled(T * D, 1),
    y: filled(T * D, 0),
    s0: [0, 0],
    lambda: 1,
    processVariance: 1,
  });
  const kalmanSlots = [
    slot('0', 'model', 'first argument'),
    ...['structure', 'dim', 'A', 'b', 'y', 's0', 'lambda', 'processVariance'].map((k) => slot(`0.${k}`, k)),
    ...optionSlots(1, ['out', 'covariances', 'algorithm']),
  ];
  return [
    target('solvers.solve', solve, () => [rnn(), s0(), T, {}], solveSlots(), after),
    target('solvers.solve[elk]', solve, () => [rnn(), s0(), T, { method: elk({ lambda: 1 }) }], solveSlots(), after),
    target('solvers.solve[scale-elk]', solve, () => [rnn(), s0(), T, { method: scaleElk({ k: 0.5 }) }], solveSlots(), after),
    target('solvers.elk', elk, () => [{ lambda: 1, base: 'diagonal' }], [slot('0', 'options'), slot('0.lambda', 'lambda'), slot('0.base', 'base')]),
    target('solvers.scaleElk', scaleElk, () => [{ k: 0.5 }], [slot('0', 'options'), slot('0.k', 'k'), slot('0.base', 'base')]),
    target('solvers.clipElk', clipElk, () => [{ lo: -0.5, hi: 0.5 }], [slot('0', 'options'), slot('0.lo', 'lo'), slot('0.hi', 'hi')]),
    target('solvers.exactAfterT', exactAfterT, () => [elk({ lambda: 1 })], [slot('0', 'method')]),
    target('solvers.quasiDeer', quasiDeer, () => [{ diagonal: 'exact' }], [slot('0', 'options'), slot('0.diagonal', 'diagonal')]),
    target('solvers.newton', newton, () => [full()], [slot('0', 'strategy'), slot('0.name', 'strategy', 'name'), slot('0.structure', 'strategy', 'structure'), slot('0.prepare', 'strategy', 'prepare')]),
    target('solvers.solve[window]', solve, () => [rnn(), s0(), T, { method: 'quasi-deer', window: 3, stop: 'merit', fallback: 'sequential' }], solveSlots(), after),
    target('solvers.solveAsync', solveAsync, () => [rnn(), s0(), T, {}], solveSlots(), after),
    target(
      'solvers.solveBatch',
      solveBatch,
      () => [rnn(), [s0(), s0()], T, {}],
      [slot('0', ...dynamicsNames), slot('1', 's0s', 'initial states'), slot('1.0', 's0s[0]', 's0'), slot('2', 'T'), ...optionSlots(3, solveOptionKeys)],
      after,
    ),
    target('solvers.sequentialRollout', sequentialRollout, () => [rnn(), Float64Array.from(s0()), T, new Float64Array(T * D)], [slot('0', ...dynamicsNames), slot('1', 's0'), slot('2', 'T'), slot('3', 'out')]),
    target('solvers.kalmanFilter', kalmanFilter, () => [kalmanModel('diagonal'), {}], kalmanSlots),
    target('solvers.kalmanFilter[dense]', kalmanFilter, () => [kalmanModel('dense'), { algorithm: 'parallel' }], kalmanSlots),
    target('solvers.gradient', gradient, () => [rnn(), s0(), states(), filled(T * D, 1), {}], [
      slot('0', ...dynamicsNames),
      slot('1', 's0'),
      slot('2', 'states'),
      slot('3', 'dLds'),
      ...optionSlots(4, ['threads']),
    ]),
    target('solvers.initialGuess', initialGuess, () => [rnn(), Float64Array.from(s0()), T, 'float64', { init: 'random', seed: 1 }], [
      slot('0', ...dynamicsNames),
      slot('1', 's0'),
      slot('2', 'T'),
      slot('3', 'dtype'),
      ...optionSlots(4, ['init', 'seed']),
    ]),
  ];
}
