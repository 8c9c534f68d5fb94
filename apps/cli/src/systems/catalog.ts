import {
  createRng,
  gaussianMixture,
  gradientDescent,
  groupWord,
  gru,
  henonMap,
  langevin,
  leastSquares,
  logisticMap,
  logisticRegression,
  lorenz63,
  lorenz96,
  meanFieldRnn,
  rossler,
  tinyMlp,
  twoWell,
  type GruParams,
  type Integrator,
  type LangevinParams,
  type Loss,
  type MeanFieldRnnParams,
} from '@unroll/systems';
import type { BuiltSystem, ParamValues, SystemEntry, SystemParam } from './built-system.js';

const num = (p: ParamValues, name: string): number => {
  const v = p[name];
  return typeof v === 'number' ? v : Number(v);
};
const str = (p: ParamValues, name: string): string => String(p[name]);

const label = (name: string, p: ParamValues) =>
  `${name}(${Object.entries(p)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ')})`;

/** `count` standard normals from `seed`, as rows of `width`. */
function normalRows(seed: number, count: number, width: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: count * width }, () => rng.normal());
}

const dtParam = (d: number): SystemParam => ({ name: 'dt', description: 'integration step', default: d, kind: 'number', min: 0, exclusiveMin: true });
const integratorParam: SystemParam = { name: 'integrator', description: 'time stepping', default: 'rk4', kind: 'choice', choices: ['rk4', 'euler'] };

/** A point on a flow's attractor: the state after a sequential burn-in from `start`. */
function burnIn(dyn: { dim: number; step(t: number, s: Float64Array, so: number, out: Float64Array, oo: number): void }, start: readonly number[], steps: number): Float64Array {
  let s = Float64Array.from(start), next = new Float64Array(dyn.dim);
  for (let t = 1; t <= steps; t++) {
    dyn.step(t, s, 0, next, 0);
    [s, next] = [next, s];
  }
  return s;
}

function optimizerEntry(name: 'sgd' | 'adam', defaultLr: number): SystemEntry {
  return {
    name,
    summary: `${name === 'sgd' ? 'SGD' : 'Adam'} training trajectory as a dynamical system (state = parameters${name === 'adam' ? ' and both moments' : ''}), on a seeded data set`,
    params: [
      { name: 'model', description: 'loss: logistic regression, least squares, or a tanh MLP with one hidden layer', default: 'logistic', kind: 'choice', choices: ['logistic', 'least-squares', 'mlp'] },
      { name: 'features', description: 'input features', default: 4, kind: 'integer', min: 1, max: 64 },
      { name: 'rows', description: 'data rows', default: 64, kind: 'integer', min: 1 },
      { name: 'batch', description: 'minibatch size (rows cycle through the data)', default: 16, kind: 'integer', min: 1 },
      { name: 'hidden', description: 'hidden units (model=mlp)', default: 4, kind: 'integer', min: 1, max: 32 },
      { name: 'lr', description: 'learning rate', default: defaultLr, kind: 'number', min: 0, exclusiveMin: true },
    ],
    defaultSteps: 1000,
    build(p, _T, seed) {
      const F = num(p, 'features'), N = num(p, 'rows'), B = Math.min(num(p, 'batch'), N);
      const rng = createRng(seed + 17);
      const X = Array.from({ length: N }, () => Array.from({ length: F }, () => rng.normal()));
      const w = Array.from({ length: F }, () => rng.normal());
      const score = (x: readonly number[]) => x.reduce((a, xi, i) => a + xi * (w[i] ?? 0), 0);
      const model = str(p, 'model');
      const y = X.map((x) => (model === 'logistic' ? (score(x) + 0.5 * rng.normal() > 0 ? 1 : -1) : Math.tanh(score(x)) + 0.1 * rng.normal()));
      const loss: Loss = model === 'logistic' ? logisticRegression(X, y) : model === 'least-squares' ? leastSquares(X, y) : tinyMlp(X, y, { hidden: num(p, 'hidden') });
      const batches = Array.from({ length: Math.ceil(N / B) }, (_, k) => Array.from({ length: Math.min(B, N - k * B) }, (_, i) => k * B + i));
      const dynamics = gradientDescent({ loss, learningRate: num(p, 'lr'), batches, optimizer: name });
      const s0 = new Float64Array(dynamics.dim);
      if (model === 'mlp') s0.set(tinyMlp(X, y, { hidden: num(p, 'hidden') }).initialParams(seed), 0);
      return { label: label(name, p), dynamics, s0, params: p };
    },
  };
}

/**
 * The named systems of `--system`: each a reference system of `@unroll/systems` with the
 * parameters a researcher varies, defaults that run in seconds, and a start state that
 * shows the system's character (a point on the attractor for flows).
 */
export const catalog: readonly SystemEntry[] = [
  {
    name: 'gru',
    summary: 'GRU cell at PyTorch initialization, driven by seeded normal inputs (predictable)',
    params: [
      { name: 'dim', description: 'hidden units', default: 8, kind: 'integer', min: 1, max: 512 },
      { name: 'input', description: 'input features', default: 4, kind: 'integer', min: 0, max: 512 },
    ],
    defaultSteps: 1000,
    build(p, T, seed) {
      const params: GruParams = { dim: num(p, 'dim'), inputDim: num(p, 'input'), seed, inputs: normalRows(seed + 1, T, num(p, 'input')) };
      const dynamics = gru(params);
      return { label: label('gru', p), dynamics, s0: new Float64Array(params.dim), params: p };
    },
  },
  {
    name: 'mean-field',
    summary: 's_t = W tanh(s_{t−1}), W_ij ~ N(0, g²/D): predictable for small g, chaotic past g ≈ 1',
    params: [
      { name: 'dim', description: 'neurons D', default: 16, kind: 'integer', min: 1, max: 512 },
      { name: 'g', description: 'gain', default: 0.9, kind: 'number', min: 0 },
    ],
    defaultSteps: 1000,
    build(p, _T, seed) {
      const params: MeanFieldRnnParams = { dim: num(p, 'dim'), g: num(p, 'g'), seed };
      const dynamics = meanFieldRnn(params);
      return { label: label('mean-field', p), dynamics, s0: normalRows(seed + 1, 1, params.dim), params: p };
    },
  },
  {
    name: 'langevin',
    summary: 'unadjusted Langevin sampler of a two-component Gaussian mixture (or a double well)',
    params: [
      { name: 'dim', description: 'dimension', default: 2, kind: 'integer', min: 1, max: 64 },
      { name: 'epsilon', description: 'step size ε', default: 0.01, kind: 'number', min: 0, exclusiveMin: true },
      { name: 'potential', description: 'target', default: 'mixture', kind: 'choice', choices: ['mixture', 'two-well'] },
    ],
    defaultSteps: 1000,
    build(p, _T, seed) {
      const D = num(p, 'dim');
      const eye = Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => (i === j ? 1 : 0)));
      const potential =
        str(p, 'potential') === 'two-well'
          ? twoWell(D)
          : gaussianMixture({ means: [Array.from({ length: D }, () => -2), Array.from({ length: D }, () => 2)], covariances: [eye, eye] });
      const params: LangevinParams = { potential, stepSize: num(p, 'epsilon'), seed };
      const dynamics = langevin(params);
      return { label: label('langevin', p), dynamics, s0: new Float64Array(D), params: p };
    },
  },
  {
    name: 'word-s5',
    summary: 'word problem over the symmetric group S_n: s_t = P_t s_{t−1} for seeded random permutations (linear)',
    params: [{ name: 'n', description: 'the group S_n', default: 5, kind: 'integer', min: 1, max: 64 }],
    defaultSteps: 1024,
    build(p, T, seed) {
      const n = num(p, 'n');
      const dynamics = groupWord({ n, seed, length: T });
      return { label: label('word-s5', p), dynamics, s0: Float64Array.from({ length: n }, (_, i) => i), params: p, deerStrategy: dynamics.strategy };
    },
  },
  {
    name: 'lorenz96',
    summary: 'Lorenz-96 ring of D sites, dx_i/dt = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F: chaotic at F = 8',
    params: [
      { name: 'dim', description: 'sites D', default: 8, kind: 'integer', min: 4, max: 512 },
      { name: 'forcing', description: 'forcing F', default: 8, kind: 'number' },
      dtParam(0.01),
      integratorParam,
    ],
    defaultSteps: 1000,
    build(p) {
      const params = { dim: num(p, 'dim'), forcing: num(p, 'forcing'), dt: num(p, 'dt'), integrator: str(p, 'integrator') as Integrator };
      const dynamics = lorenz96(params);
      const start = Array.from({ length: params.dim }, (_, i) => params.forcing + (i === 0 ? 0.01 : 0));
      return { label: label('lorenz96', p), dynamics, s0: burnIn(dynamics, start, Math.round(5 / params.dt)), params: p, dt: params.dt };
    },
  },
  {
    name: 'lorenz63',
    summary: 'Lorenz (1963) at σ = 10, ρ = 28, β = 8/3 (chaotic, λ ≈ 0.9 per unit time)',
    params: [{ name: 'rho', description: 'ρ', default: 28, kind: 'number' }, dtParam(0.01), integratorParam],
    defaultSteps: 1000,
    build(p) {
      const dt = num(p, 'dt');
      const dynamics = lorenz63({ rho: num(p, 'rho'), dt, integrator: str(p, 'integrator') as Integrator });
      return { label: label('lorenz63', p), dynamics, s0: burnIn(dynamics, [1, 1, 1], Math.round(10 / dt)), params: p, dt };
    },
  },
  {
    name: 'rossler',
    summary: 'Rössler (1976) at a = b = 0.2, c = 5.7 (chaotic)',
    params: [{ name: 'c', description: 'c', default: 5.7, kind: 'number' }, dtParam(0.01), integratorParam],
    defaultSteps: 1000,
    build(p) {
      const dt = num(p, 'dt');
      const dynamics = rossler({ c: num(p, 'c'), dt, integrator: str(p, 'integrator') as Integrator });
      return { label: label('rossler', p), dynamics, s0: burnIn(dynamics, [1, 1, 1], Math.round(50 / dt)), params: p, dt };
    },
  },
  {
    name: 'logistic',
    summary: 'logistic map s ↦ r s (1 − s): stable for r < 3, chaotic at r = 4 (λ = ln 2)',
    params: [
      { name: 'r', description: 'rate r', default: 3.5, kind: 'number', min: 0, max: 4 },
      { name: 's0', description: 'start in (0, 1)', default: 0.3, kind: 'number', min: 0, max: 1 },
    ],
    defaultSteps: 1000,
    build(p) {
      return { label: label('logistic', p), dynamics: logisticMap({ r: num(p, 'r') }), s0: Float64Array.of(num(p, 's0')), params: p };
    },
  },
  {
    name: 'henon',
    summary: 'Hénon map (x, y) ↦ (1 − a x² + y, b x): chaotic at (1.4, 0.3), λ ≈ 0.42',
    params: [
      { name: 'a', description: 'a', default: 1.4, kind: 'number' },
      { name: 'b', description: 'b', default: 0.3, kind: 'number' },
    ],
    defaultSteps: 1000,
    build(p) {
      return { label: label('henon', p), dynamics: henonMap({ a: num(p, 'a'), b: num(p, 'b') }), s0: Float64Array.of(0.1, 0.1), params: p };
    },
  },
  optimizerEntry('sgd', 0.5),
  optimizerEntry('adam', 0.05),
];

/** Every system name, for error messages and help. */
export const systemNames: readonly string[] = catalog.map((e) => e.name);

export type { BuiltSystem };
