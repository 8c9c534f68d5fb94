import type { FloatArray } from '@unroll/scan';
import { diagonal } from '@unroll/scan';
import {
  abcFlow,
  autoregressiveGru,
  chuaCircuit,
  createRng,
  fromJacobian,
  gaussianMixture,
  gradientDescent,
  groupWord,
  gru,
  henonMap,
  integrate,
  kawczynskiStrizhak,
  langevin,
  leastSquares,
  linear,
  logisticMap,
  logisticRegression,
  lorenz63,
  lorenz96,
  measurements,
  meanFieldRnn,
  noseHoover,
  observer,
  permutation,
  rossler,
  sprottB,
  thomas,
  tinyMlp,
  twoWell,
  vallisElNino,
} from '@unroll/systems';
import { optionSlots, slot, target, type Target } from './target.js';

/** Fields of a params object at argument `index`, each named by its key (the object as 'params'). */
const params = (index: number, keys: readonly string[]) => optionSlots(index, keys, ['params', 'first argument']);

/** Three data rows of two features, for the losses. */
const X = () => [[1, 0], [0, 1], [1, 1]];
const y = () => [1, -1, 1];

/** A 1-D flow ẋ = −x with its Jacobian, for `integrate`. */
function decay() {
  return {
    dim: 1,
    name: 'decay',
    f: (x: FloatArray, xo: number, out: FloatArray, oo: number) => {
      out[oo] = -(x[xo] ?? 0);
    },
    jacobian: (_x: FloatArray, _xo: number, out: FloatArray, oo: number) => {
      out[oo] = -1;
    },
  };
}

/** A Lorenz-63 reference trajectory of 6 steps and its s_0, for the observer targets. */
function reference(): { states: Float64Array; s0: number[] } {
  const sys = lorenz63();
  const s0 = [1, 1, 1];
  const out = new Float64Array(18);
  sys.step(1, Float64Array.from(s0), 0, out, 0);
  for (let t = 2; t <= 6; t++) sys.step(t, out, (t - 2) * 3, out, (t - 1) * 3);
  return { states: out, s0 };
}

/** Every exported function of @unroll/systems with a valid call. */
export function systemsTargets(): Target[] {
  const flowSlots = ['dt', 'integrator'];
  return [
    target('systems.createRng', createRng, () => [1], [slot('0', 'seed')]),
    target('systems.logisticMap', logisticMap, () => [{ r: 3.5 }], params(0, ['r'])),
    target('systems.henonMap', henonMap, () => [{ a: 1.4, b: 0.3 }], params(0, ['a', 'b'])),
    target('systems.meanFieldRnn', meanFieldRnn, () => [{ dim: 3, g: 1, seed: 1, inputs: [[0.1, 0.2, 0.3]] }], params(0, ['dim', 'g', 'seed', 'inputs'])),
    target('systems.integrate', integrate, () => [decay(), 0.01, 'rk4'], [slot('0', 'flow', 'first argument'), slot('0.dim', 'dim'), slot('0.f', 'f'), slot('0.jacobian', 'jacobian'), slot('1', 'dt'), slot('2', 'integrator', 'method')]),
    target('systems.lorenz63', lorenz63, () => [{ sigma: 10, rho: 28, beta: 8 / 3, dt: 0.01, integrator: 'rk4' }], params(0, ['sigma', 'rho', 'beta', ...flowSlots])),
    target('systems.rossler', rossler, () => [{ a: 0.2, b: 0.2, c: 5.7, dt: 0.01, integrator: 'euler' }], params(0, ['a', 'b', 'c', ...flowSlots])),
    target('systems.lorenz96', lorenz96, () => [{ dim: 5, forcing: 8, dt: 0.01, integrator: 'rk4' }], params(0, ['dim', 'forcing', ...flowSlots])),
    // The predictability paper's Table 1 flows (Euler, Δt = 0.01 there).
    target('systems.thomas', thomas, () => [{ a: 1.85, b: 10, dt: 0.01, integrator: 'euler' }], params(0, ['a', 'b', ...flowSlots])),
    target('systems.abcFlow', abcFlow, () => [{ a: 1.73205, b: 1.41421, c: 1, dt: 0.01, integrator: 'euler' }], params(0, ['a', 'b', 'c', ...flowSlots])),
    target('systems.sprottB', sprottB, () => [{ dt: 0.01, integrator: 'euler' }], params(0, [...flowSlots])),
    target('systems.kawczynskiStrizhak', kawczynskiStrizhak, () => [{ beta: -0.4, gamma: 0.49, kappa: 0.2, mu: 2.1, dt: 0.01, integrator: 'euler' }], params(0, ['beta', 'gamma', 'kappa', 'mu', ...flowSlots])),
    target('systems.vallisElNino', vallisElNino, () => [{ b: 102, c: 3, p: 0, dt: 0.01, integrator: 'euler' }], params(0, ['b', 'c', 'p', ...flowSlots])),
    target('systems.chuaCircuit', chuaCircuit, () => [{ alpha: 15.6, beta: 28, m0: -1.142857, m1: -0.71429, dt: 0.01, integrator: 'euler' }], params(0, ['alpha', 'beta', 'm0', 'm1', ...flowSlots])),
    target('systems.noseHoover', noseHoover, () => [{ a: 1.5, dt: 0.01, integrator: 'euler' }], params(0, ['a', ...flowSlots])),
    target('systems.gaussianMixture', gaussianMixture, () => [{ means: [[0, 0], [1, 1]], covariances: [[[1, 0], [0, 1]], [[2, 0], [0, 2]]], weights: [1, 2] }], [
      ...params(0, ['weights']),
      // Means and covariances must agree per component: a message about either, or the component, names it.
      slot('0.means', 'means', 'mean', 'covariance', 'component'),
      slot('0.covariances', 'covariances', 'covariance', 'mean', 'component'),
    ]),
    target('systems.twoWell', twoWell, () => [2], [slot('0', 'dim')]),
    target('systems.langevin', langevin, () => [{ potential: twoWell(2), stepSize: 0.01, seed: 1 }], [...params(0, ['potential', 'stepSize', 'seed', 'noise']), slot('0.potential.dim', 'dim', 'potential')]),
    target('systems.fromJacobian', fromJacobian, () => [2, (_t: number, _s: FloatArray, _so: number, out: FloatArray, oo: number) => out.fill(0.5, oo, oo + 4)], [slot('0', 'D'), slot('1', 'jacobian')]),
    target('systems.gru', gru, () => [{ dim: 2, inputDim: 1, seed: 1, inputs: [[0.5], [0.1]] }], [...params(0, ['dim', 'weights', 'seed', 'inputs']), slot('0.inputDim', 'inputDim', 'inputs')]),
    target('systems.autoregressiveGru', autoregressiveGru, () => [{ dim: 2, seed: 1, noise: [0.5, -0.2] }], params(0, ['dim', 'seed', 'noise'])),
    target(
      'systems.autoregressiveGru[weights]',
      autoregressiveGru,
      () => [{ dim: 1, weights: gru({ dim: 1, inputDim: 1, seed: 2 }).weights, readout: { meanWeights: [0.5], meanBias: 0, logStdWeights: [0.1], logStdBias: 0 } }],
      [...params(0, ['dim', 'weights', 'readout']), ...['meanWeights', 'meanBias', 'logStdWeights', 'logStdBias'].map((k) => slot(`0.readout.${k}`, k, 'readout'))],
    ),
    target('systems.groupWord', groupWord, () => [{ n: 3, seed: 1, length: 5 }], params(0, ['n', 'seed', 'length', 'word'])),
    target('systems.groupWord[word]', groupWord, () => [{ n: 3, word: [[1, 0, 2], [0, 2, 1]] }], [...params(0, ['n', 'word']), slot('0.word.0', 'word[0]', 'word')]),
    target('systems.permutation', permutation, () => [3], [slot('0', 'n')]),
    target('systems.leastSquares', leastSquares, () => [X(), y()], [slot('0', 'X'), slot('0.0', 'X[0]', 'X'), slot('1', 'y')]),
    target('systems.logisticRegression', logisticRegression, () => [X(), y()], [slot('0', 'X'), slot('0.0', 'X[0]', 'X'), slot('1', 'y', 'labels')]),
    target('systems.tinyMlp', tinyMlp, () => [X(), y(), { hidden: 2 }], [slot('0', 'X'), slot('1', 'y'), ...optionSlots(2, ['hidden'])]),
    target(
      'systems.gradientDescent',
      gradientDescent,
      () => [{ loss: leastSquares(X(), y()), learningRate: 0.1, batches: [[0, 1], [2]], optimizer: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }],
      params(0, ['loss', 'learningRate', 'batches', 'optimizer', 'momentum', 'beta1', 'beta2', 'epsilon']),
    ),
    target('systems.gradientDescent[momentum]', gradientDescent, () => [{ loss: logisticRegression(X(), y()), learningRate: 0.1, optimizer: 'momentum', momentum: 0.9 }], params(0, ['loss', 'learningRate', 'batches', 'optimizer', 'momentum'])),
    target('systems.linear', linear, () => [{ structure: diagonal(2), A: [0.5, 0.5], b: [1, 1] }], params(0, ['structure', 'A', 'b'])),
    target('systems.measurements', measurements, () => [reference().states, reference().s0, 3, [0]], [slot('0', 'reference'), slot('1', 's0'), slot('2', 'D'), slot('3', 'observed')]),
    target(
      'systems.observer',
      observer,
      () => {
        const ref = reference();
        return [lorenz63(), { observed: [0], measurements: measurements(ref.states, ref.s0, 3, [0]), gain: [[1], [0], [0]] }];
      },
      [slot('0', 'system', 'first argument'), ...optionSlots(1, ['observed', 'measurements', 'gain', 'substitution'], ['params'])],
    ),
  ];
}
