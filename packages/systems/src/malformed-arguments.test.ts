import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectRefusal } from '../../scan/test/expect-refusal.mjs';
import { UnrollError, diagonal, type FloatArray } from '@unroll/scan';
import {
  createRng,
  fromJacobian,
  gaussianMixture,
  gradientDescent,
  groupWord,
  gru,
  henonMap,
  integrate,
  langevin,
  leastSquares,
  linear,
  logisticMap,
  logisticRegression,
  lorenz63,
  lorenz96,
  meanFieldRnn,
  measurements,
  observer,
  permutation,
  rossler,
  tinyMlp,
  twoWell,
  type GruWeights,
} from './index.js';


/** Valid GRU weights for dim 2, inputDim 1. */
function gruWeights(): Record<keyof GruWeights, number[]> {
  const w = (n: number) => Array.from({ length: n }, (_, i) => 0.1 * (i + 1));
  return { Wir: w(2), Wiz: w(2), Win: w(2), Whr: w(4), Whz: w(4), Whn: w(4), bir: w(2), biz: w(2), bin: w(2), bhr: w(2), bhz: w(2), bhn: w(2) };
}

const X = [[1, 0], [0, 1], [1, 1]];
const y = [1, -1, 1];

describe('gru with malformed params', () => {
  it('gru(weights without Whz) throws INVALID_ARGUMENT naming weights.Whz', () => {
    const { Whz: _, ...partial } = gruWeights();
    expectRefusal(() => gru({ dim: 2, inputDim: 1, weights: partial as never }), 'INVALID_ARGUMENT', /weights\.Whz\b/);
  });

  it("gru(weights with a misspelt 'Wz' for Wiz) names the missing weights.Wiz and the unknown Wz", () => {
    const { Wiz, ...rest } = gruWeights();
    expectRefusal(() => gru({ dim: 2, inputDim: 1, weights: { ...rest, Wz: Wiz } as never }), 'INVALID_ARGUMENT', /weights\.Wiz\b/, /\bWz\b/);
  });

  it('gru(weights.Whn one entry short) throws DIMENSION_MISMATCH naming weights.Whn and its shape', () => {
    expectRefusal(() => gru({ dim: 2, inputDim: 1, weights: { ...gruWeights(), Whn: [1, 2, 3] } }), 'DIMENSION_MISMATCH', /weights\.Whn\b/, /expected 4/);
  });

  it('gru(weights.bir holding NaN) throws NON_FINITE; weights.Wir = null or weights = 3 throw INVALID_ARGUMENT', () => {
    expectRefusal(() => gru({ dim: 2, inputDim: 1, weights: { ...gruWeights(), bir: [NaN, 0] } }), 'NON_FINITE', /weights\.bir\[0\]/);
    expectRefusal(() => gru({ dim: 2, inputDim: 1, weights: { ...gruWeights(), Wir: null } as never }), 'INVALID_ARGUMENT', /weights\.Wir\b/);
    expectRefusal(() => gru({ dim: 2, inputDim: 1, weights: 3 } as never), 'INVALID_ARGUMENT', /\bweights\b/);
  });

  it('gru(null), gru({ dim: 1.5 }) and gru({ inputDim: -1 }) name params, dim and inputDim; gru({ dim: 1e5 }) is MEMORY_BUDGET', () => {
    expectRefusal(() => gru(null as never), 'INVALID_ARGUMENT', /\bparams\b/);
    expectRefusal(() => gru({ dim: 1.5, inputDim: 1, seed: 1 }), 'INVALID_ARGUMENT', /\bdim\b/);
    expectRefusal(() => gru({ dim: 2, inputDim: -1, seed: 1 }), 'INVALID_ARGUMENT', /\binputDim\b/);
    expectRefusal(() => gru({ dim: 1e5, inputDim: 1, seed: 1 }), 'MEMORY_BUDGET', /\bdim\b/);
    expectRefusal(() => gru({ dim: 2, inputDim: 1, seed: NaN }), 'INVALID_ARGUMENT', /\bseed\b/);
  });

  it('gru(inputs null, a row of the wrong length, NaN) names inputs', () => {
    expectRefusal(() => gru({ dim: 2, inputDim: 1, seed: 1, inputs: null } as never), 'INVALID_ARGUMENT', /\binputs\b/);
    expectRefusal(() => gru({ dim: 2, inputDim: 1, seed: 1, inputs: [[1], [1, 2]] }), 'DIMENSION_MISMATCH', /inputs\[1\]/);
    expectRefusal(() => gru({ dim: 2, inputDim: 1, seed: 1, inputs: [[NaN]] }), 'NON_FINITE', /inputs\[0\]\[0\]/);
    expectRefusal(() => gru({ dim: 2, inputDim: 1, seed: 1, inputs: Float64Array.of(1, Infinity) }), 'NON_FINITE', /inputs\[1\]/);
  });
});

describe('langevin and potentials with malformed params', () => {
  it('langevin({ potential: null }) throws INVALID_ARGUMENT naming potential and the factories', () => {
    expectRefusal(() => langevin({ potential: null, stepSize: 0.1 } as never), 'INVALID_ARGUMENT', /\bpotential\b/, /twoWell/, /gaussianMixture/);
  });

  it("langevin({ potential: { kind: 'banana' } }) (plain data of an unknown kind) throws INVALID_ARGUMENT naming potential", () => {
    expectRefusal(() => langevin({ potential: { kind: 'banana', dim: 2 }, stepSize: 0.1 } as never), 'INVALID_ARGUMENT', /\bpotential\b/, /\bkind\b/);
  });

  it('langevin with potential.dim 0, seed null, noise NaN, params null names the field', () => {
    expectRefusal(() => langevin({ potential: { ...twoWell(2), dim: 0 }, stepSize: 0.1 }), 'INVALID_ARGUMENT', /potential\.dim/);
    expectRefusal(() => langevin({ potential: twoWell(2), stepSize: 0.1, seed: null } as never), 'INVALID_ARGUMENT', /\bseed\b/);
    expectRefusal(() => langevin({ potential: twoWell(2), stepSize: 0.1, noise: [[0, NaN]] }), 'NON_FINITE', /noise\[0\]\[1\]/);
    expectRefusal(() => langevin(null as never), 'INVALID_ARGUMENT', /\bparams\b/);
    expectRefusal(() => langevin({ potential: twoWell(2), stepSize: 'small' } as never), 'INVALID_ARGUMENT', /\bstepSize\b/);
  });

  it('gaussianMixture(null), NaN means, an asymmetric covariance and short weights name the field', () => {
    const covariances = [[[1, 0], [0, 1]]];
    expectRefusal(() => gaussianMixture(null as never), 'INVALID_ARGUMENT', /\bparams\b/);
    expectRefusal(() => gaussianMixture({ means: null, covariances } as never), 'INVALID_ARGUMENT', /\bmeans\b/);
    expectRefusal(() => gaussianMixture({ means: [[0, NaN]], covariances }), 'NON_FINITE', /means\[0\]\[1\]/);
    expectRefusal(() => gaussianMixture({ means: [[0, 0]], covariances: [[[1, 0.5], [0.2, 1]]] }), 'INVALID_ARGUMENT', /covariance 0 is not symmetric/);
    expectRefusal(() => gaussianMixture({ means: [[0, 0]], covariances: [[[1, 0], [0, NaN]]] }), 'NON_FINITE', /covariances\[0\]\[1\]\[1\]/);
    expectRefusal(() => gaussianMixture({ means: [[0, 0]], covariances, weights: [1, 2] }), 'DIMENSION_MISMATCH', /\bweights\b/);
    expectRefusal(() => gaussianMixture({ means: [[]], covariances: [[]] }), 'INVALID_ARGUMENT', /means\[0\]/);
  });

  it("twoWell('2') and twoWell(1e12) name dim", () => {
    expectRefusal(() => twoWell('2' as never), 'INVALID_ARGUMENT', /\bdim\b/);
    expectRefusal(() => twoWell(1e12), 'MEMORY_BUDGET', /\bdim\b/);
  });
});

describe('maps and the mean-field RNN with malformed params', () => {
  it('meanFieldRnn({ D: -1 }) (no dim) throws INVALID_ARGUMENT naming dim; meanFieldRnn(null) names params', () => {
    expectRefusal(() => meanFieldRnn({ D: -1 } as never), 'INVALID_ARGUMENT', /\bdim\b/);
    expectRefusal(() => meanFieldRnn(null as never), 'INVALID_ARGUMENT', /\bparams\b/);
    expectRefusal(() => meanFieldRnn({ dim: 2, g: 1, seed: 1.5 }), 'INVALID_ARGUMENT', /\bseed\b/);
  });

  it('meanFieldRnn({ dim: 1e5 }) throws MEMORY_BUDGET before allocating its 1e10 weights', () => {
    expectRefusal(() => meanFieldRnn({ dim: 1e5, g: 1, seed: 1 }), 'MEMORY_BUDGET', /\bdim\b/);
  });

  it('meanFieldRnn({ inputs: null }) names inputs', () => {
    expectRefusal(() => meanFieldRnn({ dim: 2, g: 1, seed: 1, inputs: null } as never), 'INVALID_ARGUMENT', /\binputs\b/);
  });

  it('logisticMap(undefined) and henonMap(null) name params; henonMap({ a: 1.2 }) takes the default b = 0.3', () => {
    expectRefusal(() => logisticMap(undefined as never), 'INVALID_ARGUMENT', /\bparams\b/);
    expectRefusal(() => henonMap(null as never), 'INVALID_ARGUMENT', /\bparams\b/);
    expectRefusal(() => henonMap({ a: 1.4, b: NaN }), 'INVALID_ARGUMENT', /\bb\b/);
    expect(henonMap({ a: 1.2 } as never).params).toEqual({ a: 1.2, b: 0.3 });
  });

  it('createRng(NaN) and createRng(1.5) throw INVALID_ARGUMENT naming seed', () => {
    expectRefusal(() => createRng(NaN), 'INVALID_ARGUMENT', /\bseed\b/);
    expectRefusal(() => createRng(1.5), 'INVALID_ARGUMENT', /\bseed\b/);
  });
});

describe('flows with malformed params', () => {
  const decay = {
    dim: 1,
    name: 'decay',
    f: (x: FloatArray, xo: number, out: FloatArray, oo: number) => { out[oo] = -x[xo]; },
    jacobian: (_x: FloatArray, _xo: number, out: FloatArray, oo: number) => { out[oo] = -1; },
  };

  it("integrate(null, …), integrate(flow without f, …) and integrate(flow, 0.1, 'rk5') name flow, flow.f and the integrators", () => {
    expectRefusal(() => integrate(null as never, 0.1, 'rk4'), 'INVALID_ARGUMENT', /\bflow\b/);
    expectRefusal(() => integrate({ ...decay, f: undefined } as never, 0.1, 'rk4'), 'INVALID_ARGUMENT', /flow\.f\b/);
    expectRefusal(() => integrate({ ...decay, dim: -1 }, 0.1, 'rk4'), 'INVALID_ARGUMENT', /flow\.dim\b/);
    expectRefusal(() => integrate({ ...decay, dim: 1e6 }, 0.1, 'rk4'), 'MEMORY_BUDGET', /flow\.dim\b/);
    expectRefusal(() => integrate(decay, 0.1, 'rk5' as never), 'INVALID_ARGUMENT', /\bintegrator\b/, /'euler', 'rk4'/);
    expectRefusal(() => integrate(decay, '0.1' as never, 'rk4'), 'INVALID_ARGUMENT', /\bdt\b/);
  });

  it('lorenz63(null) names params; lorenz63({ sigma: NaN }) names sigma; rossler({ c: Infinity }) names c', () => {
    expectRefusal(() => lorenz63(null as never), 'INVALID_ARGUMENT', /\bparams\b/);
    expectRefusal(() => lorenz63({ sigma: NaN }), 'INVALID_ARGUMENT', /\bsigma\b/);
    expectRefusal(() => rossler({ c: Infinity }), 'INVALID_ARGUMENT', /\bc\b/);
  });

  it('lorenz63({ sigma: undefined }) takes the default sigma instead of running on NaN', () => {
    expect(lorenz63({ sigma: undefined } as never).params.sigma).toBe(10);
    expect(rossler({ a: undefined } as never).params.a).toBe(0.2);
  });

  it('lorenz96({ dim: 1e6 }) throws MEMORY_BUDGET naming dim; lorenz96({ dim: 5, forcing: NaN }) names forcing', () => {
    expectRefusal(() => lorenz96({ dim: 1e6 }), 'MEMORY_BUDGET', /\bdim\b/);
    expectRefusal(() => lorenz96({ dim: 5, forcing: NaN }), 'INVALID_ARGUMENT', /\bforcing\b/);
    expectRefusal(() => lorenz96(undefined as never), 'INVALID_ARGUMENT', /\bparams\b/);
  });
});

describe('observers and measurements with malformed arguments', () => {
  const system = lorenz63();
  const reference = new Float64Array(12).fill(0.5);
  const y0 = measurements(reference, [1, 1, 1], 3, [0]);

  it('observer(null, params) names system; observer(system, null) names params', () => {
    expectRefusal(() => observer(null as never, { observed: [0], measurements: y0, substitution: true }), 'INVALID_ARGUMENT', /\bsystem\b/);
    expectRefusal(() => observer(system, null as never), 'INVALID_ARGUMENT', /\bparams\b/);
  });

  it("observer with observed 'x', no measurements, NaN measurements, gain null or substitution 'yes' names the field", () => {
    expectRefusal(() => observer(system, { observed: 'x', measurements: y0, substitution: true } as never), 'INVALID_ARGUMENT', /\bobserved\b/);
    expectRefusal(() => observer(system, { observed: [0], substitution: true } as never), 'INVALID_ARGUMENT', /\bmeasurements\b/);
    expectRefusal(() => observer(system, { observed: [0], measurements: [[NaN]], substitution: true }), 'NON_FINITE', /measurements\[0\]\[0\]/);
    expectRefusal(() => observer(system, { observed: [0], measurements: y0, gain: null } as never), 'INVALID_ARGUMENT', /\bgain\b/);
    expectRefusal(() => observer(system, { observed: [0], measurements: y0, gain: [[1], [1], [NaN]] }), 'NON_FINITE', /gain\[2\]\[0\]/);
    expectRefusal(() => observer(system, { observed: [0], measurements: y0, substitution: 'yes' } as never), 'INVALID_ARGUMENT', /\bsubstitution\b/);
  });

  it('measurements(null, …), a reference of the wrong length, D 0, s0 with NaN and observed out of range name the argument', () => {
    expectRefusal(() => measurements(null as never, [1, 1, 1], 3, [0]), 'INVALID_ARGUMENT', /\breference\b/);
    expectRefusal(() => measurements(new Float64Array(7), [1, 1, 1], 3, [0]), 'LENGTH_MISMATCH', /\breference\b/);
    expectRefusal(() => measurements(reference, [1, 1, 1], 0, [0]), 'INVALID_ARGUMENT', /\bD\b/);
    expectRefusal(() => measurements(reference, [1, NaN, 1], 3, [0]), 'NON_FINITE', /s0\[1\]/);
    expectRefusal(() => measurements(reference, [1, 1, 1], 3, [3]), 'INVALID_ARGUMENT', /\bobserved\b/);
  });
});

describe('optimizer trajectories and losses with malformed arguments', () => {
  it("gradientDescent({ optimizer: 'adagrad' }) throws INVALID_ARGUMENT listing the optimizers (it ran Adam before)", () => {
    expectRefusal(() => gradientDescent({ loss: leastSquares(X, y), learningRate: 0.1, optimizer: 'adagrad' as never }), 'INVALID_ARGUMENT', /\boptimizer\b/, /'sgd', 'momentum', 'adam'/);
  });

  it('gradientDescent with loss null, beta1 1, momentum NaN, epsilon 0, batches {} or params null names the field', () => {
    const loss = leastSquares(X, y);
    expectRefusal(() => gradientDescent(null as never), 'INVALID_ARGUMENT', /\bparams\b/);
    expectRefusal(() => gradientDescent({ loss: null, learningRate: 0.1 } as never), 'INVALID_ARGUMENT', /\bloss\b/);
    expectRefusal(() => gradientDescent({ loss, learningRate: 0.1, optimizer: 'adam', beta1: 1 }), 'INVALID_ARGUMENT', /\bbeta1\b/);
    expectRefusal(() => gradientDescent({ loss, learningRate: 0.1, optimizer: 'momentum', momentum: NaN }), 'INVALID_ARGUMENT', /\bmomentum\b/);
    expectRefusal(() => gradientDescent({ loss, learningRate: 0.1, optimizer: 'adam', epsilon: 0 }), 'INVALID_ARGUMENT', /\bepsilon\b/);
    expectRefusal(() => gradientDescent({ loss, learningRate: 0.1, optimizer: null } as never), 'INVALID_ARGUMENT', /\boptimizer\b/);
    expectRefusal(() => gradientDescent({ loss, learningRate: 0.1, batches: {} } as never), 'INVALID_ARGUMENT', /\bbatches\b/);
    expectRefusal(() => gradientDescent({ loss, learningRate: 0.1, batches: [[0], 'x'] } as never), 'INVALID_ARGUMENT', /batches\[1\]/);
  });

  it('leastSquares(null, y), X with NaN, y of the wrong length and logisticRegression(X, null) name X or y', () => {
    expectRefusal(() => leastSquares(null as never, y), 'INVALID_ARGUMENT', /\bX\b/);
    expectRefusal(() => leastSquares([[1, NaN], [0, 1], [1, 1]], y), 'NON_FINITE', /X\[0\]\[1\]/);
    expectRefusal(() => leastSquares(X, [1, 2]), 'DIMENSION_MISMATCH', /\by\b/);
    expectRefusal(() => logisticRegression(X, null as never), 'INVALID_ARGUMENT', /\by\b/);
  });

  it('loss.gradient(theta, 0, batch, short out) throws LENGTH_MISMATCH; a Float32Array out throws DTYPE_MISMATCH', () => {
    for (const loss of [leastSquares(X, y), logisticRegression(X, y), tinyMlp(X, y, { hidden: 2 })]) {
      const P = loss.params, theta = new Float64Array(P).fill(0.1), batch = [0, 1];
      expectRefusal(() => { loss.gradient(theta, 0, batch, new Float64Array(P - 1)); }, 'LENGTH_MISMATCH', /\bout\b/);
      expectRefusal(() => { loss.hessian(theta, 0, batch, new Float64Array(P)); }, 'LENGTH_MISMATCH', /\bout\b/);
      expectRefusal(() => { loss.hessianDiagonal(theta, 0, batch, new Float32Array(P) as never); }, 'DTYPE_MISMATCH', /\bout\b/);
      expectRefusal(() => { loss.hvp(theta, 0, batch, theta, 0, null as never); }, 'INVALID_ARGUMENT', /\bout\b/);
      const g = new Float64Array(P);
      loss.gradient(theta, 0, batch, g);
      expect(g.every(Number.isFinite)).toBe(true);
    }
  });

  it('tinyMlp(X, y, null) names options; hidden 1e9 is MEMORY_BUDGET; initialParams(NaN) names seed', () => {
    expectRefusal(() => tinyMlp(X, y, null as never), 'INVALID_ARGUMENT', /\boptions\b/);
    expectRefusal(() => tinyMlp(X, y, { hidden: 1e9 }), 'MEMORY_BUDGET', /\bhidden\b/);
    expectRefusal(() => tinyMlp(X, y, { hidden: null } as never), 'INVALID_ARGUMENT', /\bhidden\b/);
    expectRefusal(() => tinyMlp(X, y).initialParams(NaN), 'INVALID_ARGUMENT', /\bseed\b/);
  });
});

describe('linear systems, words and permutations with malformed params', () => {
  it('linear(null), linear({ structure: null }), A null and A holding NaN name the field', () => {
    expectRefusal(() => linear(null as never), 'INVALID_ARGUMENT', /\bparams\b/);
    expectRefusal(() => linear({ structure: null, A: [0.5] } as never), 'INVALID_ARGUMENT', /\bstructure\b/);
    expectRefusal(() => linear({ structure: diagonal(2), A: null } as never), 'INVALID_ARGUMENT', /\bA\b/);
    expectRefusal(() => linear({ structure: diagonal(2), A: [0.5, NaN] }), 'NON_FINITE', /A\[1\]/);
    expectRefusal(() => linear({ structure: diagonal(2), A: [0.5, 0.5], b: 'x' } as never), 'INVALID_ARGUMENT', /\bb\b/);
  });

  it('groupWord(null), a word that is not an array, a letter with 1.5 and length 1e10 name the field', () => {
    expectRefusal(() => groupWord(null as never), 'INVALID_ARGUMENT', /\bparams\b/);
    expectRefusal(() => groupWord({ n: 3, word: 'abc' } as never), 'INVALID_ARGUMENT', /\bword\b/);
    expectRefusal(() => groupWord({ n: 3, word: [[0, 1.5, 2]] }), 'INVALID_ARGUMENT', /word\[0\]/);
    expectRefusal(() => groupWord({ n: 3, word: [null] } as never), 'INVALID_ARGUMENT', /word\[0\]/);
    expectRefusal(() => groupWord({ n: 3, seed: 1, length: 1e10 }), 'MEMORY_BUDGET', /\blength\b/);
    expectRefusal(() => groupWord({ n: 3, seed: 'x', length: 4 } as never), 'INVALID_ARGUMENT', /\bseed\b/);
  });

  it('permutation(1e10) throws MEMORY_BUDGET naming n; fromJacobian(-1, f) names D and fromJacobian(2, null) jacobian', () => {
    expectRefusal(() => permutation(1e10), 'MEMORY_BUDGET', /\bn\b/);
    expectRefusal(() => fromJacobian(-1, () => undefined), 'INVALID_ARGUMENT', /\bD\b/);
    expectRefusal(() => fromJacobian(2, null as never), 'INVALID_ARGUMENT', /\bjacobian\b/);
  });
});

describe('every factory, given an arbitrary value in one argument or field', () => {
  const calls: [string, (x: unknown) => unknown][] = [
    ['createRng(x)', (x) => createRng(x as never)],
    ['logisticMap(x)', (x) => logisticMap(x as never)],
    ['meanFieldRnn({ dim: x })', (x) => meanFieldRnn({ dim: x, g: 1, seed: 1 } as never)],
    ['meanFieldRnn({ inputs: x })', (x) => meanFieldRnn({ dim: 2, g: 1, seed: 1, inputs: x } as never)],
    ['gru(x)', (x) => gru(x as never)],
    ['gru({ weights: x })', (x) => gru({ dim: 2, inputDim: 1, weights: x } as never)],
    ['gru({ weights: { …, Whz: x } })', (x) => gru({ dim: 2, inputDim: 1, weights: { ...gruWeights(), Whz: x } } as never)],
    ['langevin({ potential: x })', (x) => langevin({ potential: x, stepSize: 0.1 } as never)],
    ['gaussianMixture(x)', (x) => gaussianMixture(x as never)],
    ['gaussianMixture({ covariances: x })', (x) => gaussianMixture({ means: [[0, 0]], covariances: x } as never)],
    ['lorenz63(x)', (x) => lorenz63(x as never)],
    ['lorenz96({ dim: x })', (x) => lorenz96({ dim: x } as never)],
    ['integrate(x, 0.1, rk4)', (x) => integrate(x as never, 0.1, 'rk4')],
    ['groupWord({ word: x })', (x) => groupWord({ n: 3, word: x } as never)],
    ['leastSquares(x, y)', (x) => leastSquares(x as never, y)],
    ['tinyMlp(X, y, x)', (x) => tinyMlp(X, y, x as never)],
    ['gradientDescent({ batches: x })', (x) => gradientDescent({ loss: leastSquares(X, y), learningRate: 0.1, batches: x } as never)],
    ['linear({ A: x })', (x) => linear({ structure: diagonal(2), A: x } as never)],
    ['measurements(x, s0, 3, [0])', (x) => measurements(x as never, [1, 1, 1], 3, [0])],
    ['observer(lorenz63(), { observed: x })', (x) => observer(lorenz63(), { observed: x, measurements: [[1]], substitution: true } as never)],
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
      { numRuns: 500 },
    );
  });
});
