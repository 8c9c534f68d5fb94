export { createRng, type Rng } from './random.js';
export { logisticMap, henonMap, type LogisticMapParams, type HenonMapParams } from './maps.js';
export { meanFieldRnn, type MeanFieldRnnParams } from './mean-field-rnn.js';
export { integrate, type Flow, type IntegrateOptions, type Integrator } from './flow.js';
export { lorenz63, lorenz96, rossler, type Lorenz63Params, type Lorenz96Params, type RosslerParams } from './chaotic-flows.js';
export { gaussianMixture, twoWell, type GaussianMixtureParams, type Potential } from './potentials.js';
export type { PotentialWgsl } from './potential-wgsl.js';
export { langevin, type LangevinParams } from './langevin.js';
export { fromJacobian } from './from-jacobian.js';
export { gru, type GruParams, type GruWeights } from './gru.js';
export { groupWord, permutation, type GroupWordParams } from './group-word.js';
export { leastSquares, logisticRegression, type Loss } from './losses.js';
export { tinyMlp, type TinyMlpLoss } from './tiny-mlp.js';
export { gradientDescent, type GradientDescentParams } from './gradient-descent.js';
export { linear, type LinearParams } from './linear.js';
export { measurements, observer, type ObserverParams } from './observer.js';
// The one error class of every unroll package (from @unroll/scan), importable from this one too.
export { UnrollError, type UnrollErrorCode } from '@unroll/scan';
