import fc from 'fast-check';
import { defineStrategy, diagonal, full } from '@unroll/linearize';
import { UnrollError, diagonal as diagonalStructure } from '@unroll/scan';
import { logisticMap, meanFieldRnn } from '@unroll/systems';
import { describe, expect, it } from 'vitest';
import { expectRefusal } from '../../scan/test/expect-refusal.mjs';
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
  quadraticBasinRadius,
  rollout,
  spectralNorm,
  type BlockBidiagonal,
} from './index.js';


const logistic = logisticMap({ r: 3.2 });
const rnn = meanFieldRnn({ dim: 2, g: 0.8, seed: 1 });
const s0 = [0.1, -0.2];
const states = rollout(rnn, s0, 6);
const half: BlockBidiagonal = {
  dim: 1,
  steps: 5,
  apply: (_t, x, xo, out, oo) => { out[oo] = 0.5 * x[xo]; },
  applyTranspose: (_t, x, xo, out, oo) => { out[oo] = 0.5 * x[xo]; },
};

describe('spectralNorm with malformed buffers', () => {
  // ‖[[1, 2], [3, 4]]‖₂ = 5.4650: a short scratch used to drop writes and return 3.16.
  const M = Float64Array.of(1, 2, 3, 4);

  it('spectralNorm(matrix, short scratch) throws LENGTH_MISMATCH instead of returning 3.16 for a norm of 5.46', () => {
    expect(spectralNorm(M, 0, 2, new Float64Array(8))).toBeCloseTo(5.464985704219043, 12);
    expectRefusal(() => spectralNorm(M, 0, 2, new Float64Array(3)), 'LENGTH_MISMATCH', /\bscratch\b/, /2·D² = 8/);
    expectRefusal(() => spectralNorm(M, 0, 2, new Float64Array(7)), 'LENGTH_MISMATCH', /\bscratch\b/);
  });

  it('spectralNorm(matrix, Float32Array scratch) throws DTYPE_MISMATCH; a plain-array or null scratch names scratch', () => {
    expectRefusal(() => spectralNorm(M, 0, 2, new Float32Array(8) as never), 'DTYPE_MISMATCH', /\bscratch\b/, /Float64Array/);
    expectRefusal(() => spectralNorm(M, 0, 2, [0, 0, 0, 0, 0, 0, 0, 0] as never), 'INVALID_ARGUMENT', /\bscratch\b/);
    expectRefusal(() => spectralNorm(M, 0, 2, null as never), 'INVALID_ARGUMENT', /\bscratch\b/);
  });

  it('spectralNorm(a matrix shorter than mo + D², or D = 1e10) throws LENGTH_MISMATCH instead of reading past it or hanging', () => {
    expectRefusal(() => spectralNorm(M, 1, 2, new Float64Array(8)), 'LENGTH_MISMATCH', /\bM\b/);
    expectRefusal(() => spectralNorm(M, 0, 3, new Float64Array(18)), 'LENGTH_MISMATCH', /\bM\b/);
    expectRefusal(() => spectralNorm(M, 0, 1e10, new Float64Array(8)), 'LENGTH_MISMATCH', /\bM\b/);
  });

  it('spectralNorm with NaN in M, M null, mo −1 or D 0 names the argument', () => {
    expectRefusal(() => spectralNorm(Float64Array.of(1, NaN, 3, 4), 0, 2, new Float64Array(8)), 'NON_FINITE', /M\[1\]/);
    expectRefusal(() => spectralNorm(null as never, 0, 2, new Float64Array(8)), 'INVALID_ARGUMENT', /\bM\b/);
    expectRefusal(() => spectralNorm(M, -1, 2, new Float64Array(8)), 'INVALID_ARGUMENT', /\bmo\b/);
    expectRefusal(() => spectralNorm(M, 0, 0, new Float64Array(8)), 'INVALID_ARGUMENT', /\bD\b/);
  });
});

describe('Lyapunov exponents with malformed arguments', () => {
  it('largestLyapunovExponent(null, …) throws INVALID_ARGUMENT naming the Dynamics', () => {
    expectRefusal(() => largestLyapunovExponent(null as never, [0.3], 10), 'INVALID_ARGUMENT', /\bDynamics\b/);
    expectRefusal(() => largestLyapunovExponent({ dim: 1 } as never, [0.3], 10), 'INVALID_ARGUMENT', /\bDynamics\b/);
  });

  it('largestLyapunovExponent with s0 null, s0 holding NaN or states holding NaN names s0 or states', () => {
    expectRefusal(() => largestLyapunovExponent(rnn, null as never, 10), 'INVALID_ARGUMENT', /\bs0\b/);
    expectRefusal(() => largestLyapunovExponent(rnn, [0.1, NaN], 10), 'NON_FINITE', /\bs0\b/);
    expectRefusal(() => largestLyapunovExponent(rnn, s0, Float64Array.of(0.1, 0.2, NaN, 0.3)), 'NON_FINITE', /states\[2\]/);
    expectRefusal(() => largestLyapunovExponent(rnn, s0, 'abc' as never), 'INVALID_ARGUMENT', /\bstates\b/);
    expectRefusal(() => largestLyapunovExponent(rnn, s0, Float64Array.of(0.1, 0.2, 0.3)), 'LENGTH_MISMATCH', /\bstates\b/);
  });

  it('largestLyapunovExponent(dyn, s0, 1e10) throws MEMORY_BUDGET before rolling out 1e10 steps', () => {
    expectRefusal(() => largestLyapunovExponent(logistic, [0.3], 1e10), 'MEMORY_BUDGET', /\bT\b/);
  });

  it('largestLyapunovExponent with options null, vectors null, seed 1.5 or vectors 1e9 names the option', () => {
    expectRefusal(() => largestLyapunovExponent(logistic, [0.3], 10, null as never), 'INVALID_ARGUMENT', /\boptions\b/);
    expectRefusal(() => largestLyapunovExponent(logistic, [0.3], 10, { vectors: null } as never), 'INVALID_ARGUMENT', /\bvectors\b/);
    expectRefusal(() => largestLyapunovExponent(logistic, [0.3], 10, { seed: 1.5 }), 'INVALID_ARGUMENT', /\bseed\b/);
    expectRefusal(() => largestLyapunovExponent(logistic, [0.3], 10, { vectors: 1e9 }), 'MEMORY_BUDGET', /\bvectors\b/);
    expectRefusal(() => largestLyapunovExponent(logistic, [0.3], 10, { dt: '0.1' } as never), 'INVALID_ARGUMENT', /\bdt\b/);
  });

  it('finiteTimeLyapunov(dyn, s0, T, null) names options; window NaN names window', () => {
    expectRefusal(() => finiteTimeLyapunov(logistic, [0.3], 10, null as never), 'INVALID_ARGUMENT', /\boptions\b/);
    expectRefusal(() => finiteTimeLyapunov(logistic, [0.3], 10, { window: NaN }), 'INVALID_ARGUMENT', /\bwindow\b/);
  });

  it('lyapunovRegularity with maxSpan NaN throws INVALID_ARGUMENT (it returned a = b = 1); lle NaN and options null are named', () => {
    expectRefusal(() => lyapunovRegularity(rnn, s0, states, { lle: -0.5, maxSpan: NaN }), 'INVALID_ARGUMENT', /\bmaxSpan\b/);
    expectRefusal(() => lyapunovRegularity(rnn, s0, states, { lle: NaN }), 'INVALID_ARGUMENT', /\blle\b/);
    expectRefusal(() => lyapunovRegularity(rnn, s0, states, null as never), 'INVALID_ARGUMENT', /\boptions\b/);
  });
});

describe('bounds and predictions with malformed options', () => {
  it('plBounds({ lle: NaN }) names lle; plBounds(null) names options; plBounds({ a: null }) names a instead of using 1', () => {
    expectRefusal(() => plBounds({ lle: NaN, T: 10 }), 'INVALID_ARGUMENT', /\blle\b/);
    expectRefusal(() => plBounds(null as never), 'INVALID_ARGUMENT', /\boptions\b/);
    expectRefusal(() => plBounds({ lle: 0.1, T: 10, a: null } as never), 'INVALID_ARGUMENT', /\ba\b/);
    expectRefusal(() => plBounds({ lle: '0.1', T: 10 } as never), 'INVALID_ARGUMENT', /\blle\b/);
  });

  it('logInverseGeometricSum(NaN, 10) and (0.1, 0) name lambda and T instead of returning NaN', () => {
    expectRefusal(() => logInverseGeometricSum(NaN, 10), 'INVALID_ARGUMENT', /\blambda\b/);
    expectRefusal(() => logInverseGeometricSum(0.1, 0), 'INVALID_ARGUMENT', /\bT\b/);
    expectRefusal(() => logInverseGeometricSum(0.1, 2.5), 'INVALID_ARGUMENT', /\bT\b/);
  });

  it('quadraticBasinRadius(null) and predictIterations(null) name options; predictIterations with T 2.5 or chi Infinity names them', () => {
    const valid = { mu: 0.1, lipschitz: 1, residual: 1, beta: 0.5 };
    expectRefusal(() => quadraticBasinRadius(null as never), 'INVALID_ARGUMENT', /\boptions\b/);
    expectRefusal(() => predictIterations(null as never), 'INVALID_ARGUMENT', /\boptions\b/);
    expectRefusal(() => predictIterations({ ...valid, T: 2.5 }), 'INVALID_ARGUMENT', /\bT\b/);
    expectRefusal(() => predictIterations({ ...valid, chi: Infinity }), 'INVALID_ARGUMENT', /\bchi\b/);
    expectRefusal(() => predictIterations({ ...valid, tol: null } as never), 'INVALID_ARGUMENT', /\btol\b/);
    expect(predictIterations({ ...valid, T: Infinity }).iterations).toBeGreaterThanOrEqual(1);
  });

  it('picardInverseNorm(null) names T', () => {
    expectRefusal(() => picardInverseNorm(null as never), 'INVALID_ARGUMENT', /\bT\b/);
  });
});

describe('conditioning, convergence factors and advice with malformed arguments', () => {
  it('meritConditioning(null, …), states null and options null name the argument', () => {
    expectRefusal(() => meritConditioning(null as never, s0, states), 'INVALID_ARGUMENT', /\bDynamics\b/);
    expectRefusal(() => meritConditioning(rnn, s0, null as never), 'INVALID_ARGUMENT', /\bstates\b/);
    expectRefusal(() => meritConditioning(rnn, s0, states, null as never), 'INVALID_ARGUMENT', /\boptions\b/);
    expectRefusal(() => meritConditioning(rnn, s0, states, { seed: 1.5 }), 'INVALID_ARGUMENT', /\bseed\b/);
    expectRefusal(() => meritConditioning(rnn, s0, states, { tol: Infinity }), 'INVALID_ARGUMENT', /\btol\b/);
    expectRefusal(() => meritConditioning(rnn, null as never, states), 'INVALID_ARGUMENT', /\bs0\b/);
  });

  it('meritConditioning on a dynamics of dim 1e10 names dim instead of computing T·D', () => {
    expectRefusal(() => meritConditioning({ dim: 1e10, step: () => undefined }, s0, states), 'MEMORY_BUDGET', /\bdim\b/);
  });

  it('convergenceFactor(null, …) names strategy; a strategy whose prepare returns 0 is named', () => {
    expectRefusal(() => convergenceFactor(null as never, rnn, s0, states), 'INVALID_ARGUMENT', /\bstrategy\b/);
    const broken = { name: 'broken', structure: (D: number) => diagonalStructure(D), prepare: () => 0 } as never;
    expectRefusal(() => convergenceFactor(broken, rnn, s0, states), 'INVALID_ARGUMENT', /'broken'/, /Linearizer/);
    const custom = defineStrategy({ name: 'broken-too', structure: (D) => diagonalStructure(D), prepare: () => 0 as never });
    expectRefusal(() => convergenceFactor(custom, rnn, s0, states), 'INVALID_ARGUMENT', /'broken-too'/);
  });

  it('convergenceFactor with options null, memoryBudget NaN, seed 1.5 or T = 1e10 names the option or refuses the size', () => {
    expectRefusal(() => convergenceFactor(diagonal(), rnn, s0, states, null as never), 'INVALID_ARGUMENT', /\boptions\b/);
    expectRefusal(() => convergenceFactor(diagonal(), rnn, s0, states, { memoryBudget: NaN }), 'INVALID_ARGUMENT', /\bmemoryBudget\b/);
    expectRefusal(() => convergenceFactor(diagonal(), rnn, s0, states, { seed: 1.5 }), 'INVALID_ARGUMENT', /\bseed\b/);
    expectRefusal(() => convergenceFactor(full(), logistic, [0.3], 1e10), 'MEMORY_BUDGET', /\bT\b/);
  });

  it('advise(null, s0, 5) throws INVALID_ARGUMENT naming the Dynamics (it returned sequential advice)', () => {
    expectRefusal(() => advise(null as never, [0.3], 5), 'INVALID_ARGUMENT', /\bDynamics\b/);
    expectRefusal(() => advise(logistic, null as never, 5), 'INVALID_ARGUMENT', /\bs0\b/);
  });

  it('advise(dyn, s0, T) with T NaN, 1.5 or a string names T', () => {
    for (const T of [NaN, 1.5, '100', -3]) expectRefusal(() => advise(logistic, [0.3], T as never), 'INVALID_ARGUMENT', /\bT\b/);
  });

  it('advise with options null, denseLimit NaN, processors 2.5 or tol Infinity names the option', () => {
    expectRefusal(() => advise(logistic, [0.3], 100, null as never), 'INVALID_ARGUMENT', /\boptions\b/);
    expectRefusal(() => advise(logistic, [0.3], 100, { denseLimit: NaN }), 'INVALID_ARGUMENT', /\bdenseLimit\b/);
    expectRefusal(() => advise(logistic, [0.3], 100, { processors: 2.5 }), 'INVALID_ARGUMENT', /\bprocessors\b/);
    expectRefusal(() => advise(logistic, [0.3], 100, { tol: Infinity }), 'INVALID_ARGUMENT', /\btol\b/);
    expectRefusal(() => advise(logistic, [0.3], 100, { seed: 'x' } as never), 'INVALID_ARGUMENT', /\bseed\b/);
  });
});

describe('rollout and inverseNorm with malformed arguments', () => {
  it("rollout(null, …), rollout(dyn, s0, '5') and rollout(dyn, [NaN], 5) name the argument", () => {
    expectRefusal(() => rollout(null as never, [0.3], 5), 'INVALID_ARGUMENT', /\bDynamics\b/);
    expectRefusal(() => rollout(logistic, [0.3], '5' as never), 'INVALID_ARGUMENT', /\bT\b/);
    expectRefusal(() => rollout(logistic, [NaN], 5), 'NON_FINITE', /\bs0\b/);
    expectRefusal(() => rollout(logistic, [0.3, 0.1], 5), 'DIMENSION_MISMATCH', /\bs0\b/);
  });

  it('rollout(dyn, s0, 1e10) throws MEMORY_BUDGET before allocating', () => {
    expectRefusal(() => rollout(logistic, [0.3], 1e10), 'MEMORY_BUDGET', /\bT\b/);
  });

  it('inverseNorm(null), a missing apply, options null, tol Infinity and steps 1e10 are refused by name', () => {
    expectRefusal(() => inverseNorm(null as never), 'INVALID_ARGUMENT', /\bop\b/);
    expectRefusal(() => inverseNorm({ ...half, apply: undefined } as never), 'INVALID_ARGUMENT', /op\.apply\b/);
    expectRefusal(() => inverseNorm(half, null as never), 'INVALID_ARGUMENT', /\boptions\b/);
    expectRefusal(() => inverseNorm(half, { tol: Infinity }), 'INVALID_ARGUMENT', /\btol\b/);
    expectRefusal(() => inverseNorm(half, { seed: NaN }), 'INVALID_ARGUMENT', /\bseed\b/);
    expectRefusal(() => inverseNorm({ ...half, steps: 1e10 }), 'MEMORY_BUDGET', /\bsteps\b/);
  });
});

describe('every theory function, given an arbitrary value in one argument or option', () => {
  const calls: [string, (x: unknown) => unknown][] = [
    ['largestLyapunovExponent(x, s0, 10)', (x) => largestLyapunovExponent(x as never, s0, 10)],
    ['largestLyapunovExponent(rnn, x, 10)', (x) => largestLyapunovExponent(rnn, x as never, 10)],
    ['largestLyapunovExponent(rnn, s0, x)', (x) => largestLyapunovExponent(rnn, s0, x as never)],
    ['largestLyapunovExponent(rnn, s0, 10, x)', (x) => largestLyapunovExponent(rnn, s0, 10, x as never)],
    ['lyapunovRegularity(rnn, s0, states, { lle, maxSpan: x })', (x) => lyapunovRegularity(rnn, s0, states, { lle: -0.5, maxSpan: x } as never)],
    ['plBounds(x)', (x) => plBounds(x as never)],
    ['plBounds({ lle: x, T: 10 })', (x) => plBounds({ lle: x, T: 10 } as never)],
    ['logInverseGeometricSum(x, 10)', (x) => logInverseGeometricSum(x as never, 10)],
    ['predictIterations(x)', (x) => predictIterations(x as never)],
    ['spectralNorm([1, 2, 3, 4], 0, 2, x)', (x) => spectralNorm([1, 2, 3, 4], 0, 2, x as never)],
    ['spectralNorm(x, 0, 2, scratch)', (x) => spectralNorm(x as never, 0, 2, new Float64Array(8))],
    ['rollout(rnn, s0, x)', (x) => rollout(rnn, s0, x as never)],
    ['meritConditioning(rnn, s0, states, x)', (x) => meritConditioning(rnn, s0, states, x as never)],
    ['convergenceFactor(x, rnn, s0, states)', (x) => convergenceFactor(x as never, rnn, s0, states)],
    ['inverseNorm(x)', (x) => inverseNorm(x as never)],
    ['advise(logistic, [0.3], 20, x)', (x) => advise(logistic, [0.3], 20, x as never)],
  ];

  it('return or throw an UnrollError — never a TypeError or RangeError (fast-check)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...calls), fc.anything({ withTypedArray: true, withNullPrototype: true }), ([, call], x) => {
        try {
          call(x);
        } catch (error) {
          expect(error).toBeInstanceOf(UnrollError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
