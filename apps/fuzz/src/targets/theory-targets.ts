import { diagonal } from '@unroll/linearize';
import {
  advise,
  convergenceFactor,
  finiteTimeLyapunov,
  inverseNorm,
  largestLyapunovExponent,
  logInverseGeometricSum,
  lyapunovRegularity,
  meritConditioning,
  picardInverseNorm,
  plBounds,
  predictIterations,
  predictIterationsAtRate,
  predictWindowIterations,
  quadraticBasinRadius,
  rollout,
  spectralNorm,
} from '@unroll/theory';
import { T, rnn, s0, states } from './fixtures.js';
import { optionSlots, slot, target, type Slot, type Target } from './target.js';

const dynamicsNames = ['dyn', 'dynamics', 'Dynamics', 'first argument'];

/** The `(dyn, s0, states | T)` head most theory functions share. */
function trajectorySlots(): Slot[] {
  return [slot('0', ...dynamicsNames), slot('0.dim', 'dim'), slot('1', 's0'), slot('2', 'states', 'T')];
}

/** A block-bidiagonal operator with A_t = ½ (D = 1), for `inverseNorm`. */
function halfOperator() {
  return {
    dim: 1,
    steps: 5,
    apply: (_t: number, x: Float64Array, xo: number, out: Float64Array, oo: number) => {
      out[oo] = 0.5 * (x[xo] ?? 0);
    },
    applyTranspose: (_t: number, x: Float64Array, xo: number, out: Float64Array, oo: number) => {
      out[oo] = 0.5 * (x[xo] ?? 0);
    },
  };
}

/** Every exported function of @unroll/theory with a valid call. */
export function theoryTargets(): Target[] {
  return [
    target('theory.largestLyapunovExponent', largestLyapunovExponent, () => [rnn(), s0(), T, { vectors: 2, seed: 1, burnIn: 1, dt: 0.1 }], [...trajectorySlots(), ...optionSlots(3, ['vectors', 'seed', 'burnIn', 'dt'])]),
    target('theory.largestLyapunovExponent[states]', largestLyapunovExponent, () => [rnn(), s0(), states(), {}], [...trajectorySlots(), ...optionSlots(3, ['vectors', 'burnIn'])]),
    target('theory.finiteTimeLyapunov', finiteTimeLyapunov, () => [rnn(), s0(), T, { window: 3 }], [...trajectorySlots(), ...optionSlots(3, ['window', 'vectors', 'seed', 'burnIn', 'dt'])]),
    target('theory.lyapunovRegularity', lyapunovRegularity, () => [rnn(), s0(), states(), { lle: -0.5, maxSpan: 4 }], [...trajectorySlots(), ...optionSlots(3, ['lle', 'maxSpan'])]),
    target('theory.plBounds', plBounds, () => [{ lle: 0.1, T: 10, a: 1, b: 1 }], optionSlots(0, ['lle', 'T', 'a', 'b'])),
    target('theory.logInverseGeometricSum', logInverseGeometricSum, () => [0.1, 10], [slot('0', 'lambda', 'λ'), slot('1', 'T')]),
    target('theory.predictIterations', predictIterations, () => [{ mu: 0.1, lipschitz: 1, residual: 1, beta: 0.5, chi: 1, tol: 1e-8, T: 100 }], optionSlots(0, ['mu', 'lipschitz', 'residual', 'beta', 'chi', 'tol', 'T'])),
    target('theory.predictIterationsAtRate', predictIterationsAtRate, () => [{ lle: -0.5, firstChange: 1, tol: 1e-8, T: 100 }], optionSlots(0, ['lle', 'firstChange', 'tol', 'T'])),
    target('theory.predictIterationsAtRate[rate]', predictIterationsAtRate, () => [{ rate: 0.5, firstChange: 1, tol: 1e-8, T: 100 }], optionSlots(0, ['rate', 'firstChange', 'tol', 'T'])),
    target('theory.predictWindowIterations', predictWindowIterations, () => [{ neglected: 0.1, kept: 1, window: 20, initialError: 1, tol: 1e-8 }], optionSlots(0, ['neglected', 'kept', 'window', 'initialError', 'tol'])),
    target('theory.quadraticBasinRadius', quadraticBasinRadius, () => [{ mu: 0.1, lipschitz: 1 }], optionSlots(0, ['mu', 'lipschitz'])),
    target('theory.spectralNorm', spectralNorm, () => [[1, 2, 3, 4], 0, 2, new Float64Array(8)], [slot('0', 'M'), slot('1', 'mo'), slot('2', 'D'), slot('3', 'scratch')]),
    target('theory.rollout', rollout, () => [rnn(), s0(), T], [slot('0', ...dynamicsNames), slot('1', 's0'), slot('2', 'T')]),
    target('theory.convergenceFactor', convergenceFactor, () => [diagonal(), rnn(), s0(), states(), { maxIterations: 50, seed: 1 }], [
      slot('0', 'strategy', 'first argument'),
      slot('1', 'dyn', 'dynamics', 'Dynamics'),
      slot('2', 's0'),
      slot('3', 'states', 'T'),
      ...optionSlots(4, ['maxIterations', 'seed', 'memoryBudget']),
    ]),
    target('theory.picardInverseNorm', picardInverseNorm, () => [10], [slot('0', 'T')]),
    target('theory.inverseNorm', inverseNorm, () => [halfOperator(), { tol: 1e-10, maxIterations: 50, seed: 1 }], [
      slot('0', 'op', 'operator', 'first argument'),
      ...['dim', 'steps', 'apply', 'applyTranspose'].map((k) => slot(`0.${k}`, k)),
      ...optionSlots(1, ['tol', 'maxIterations', 'seed']),
    ]),
    target('theory.meritConditioning', meritConditioning, () => [rnn(), s0(), states(), {}], [...trajectorySlots(), ...optionSlots(3, ['exactLimit', 'maxIterations', 'tol', 'seed', 'memoryBudget'])]),
    target('theory.advise', advise, () => [rnn(), s0(), 50, { prefix: 20, processors: 4, denseLimit: 16, tol: 1e-8, seed: 1 }], [
      slot('0', ...dynamicsNames),
      slot('1', 's0'),
      slot('2', 'T'),
      ...optionSlots(3, ['prefix', 'processors', 'denseLimit', 'tol', 'seed']),
    ]),
  ];
}
