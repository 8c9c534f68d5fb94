// The playground's systems: every reference system of @unroll/systems, with the knobs a
// reader varies and a start state that shows the system's character (the predictability
// paper's initial conditions for the Table 1 flows, a point on the attractor for the rest).
import type { Dynamics } from '@unroll/linearize';
import { diagonal } from '@unroll/scan';
import {
  abcFlow,
  chuaCircuit,
  createRng,
  gaussianMixture,
  gradientDescent,
  groupWord,
  gru,
  henonMap,
  kawczynskiStrizhak,
  langevin,
  linear,
  logisticMap,
  logisticRegression,
  lorenz63,
  lorenz96,
  measurements,
  meanFieldRnn,
  observer,
  noseHoover,
  rossler,
  sprottB,
  thomas,
  twoWell,
  vallisElNino,
  type Integrator,
} from '@unroll/systems';

/** One knob of a system. */
export interface ParamSpec {
  readonly key: string;
  readonly label: string;
  readonly default: number;
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
}

/** A system the playground can build from numbers (what the URL carries). */
export interface SystemSpec {
  readonly id: string;
  readonly label: string;
  readonly params: readonly ParamSpec[];
  readonly defaultT: number;
  build(values: Readonly<Record<string, number>>, T: number): { dyn: Dynamics; s0: Float64Array };
}

const v = (values: Readonly<Record<string, number>>, key: string) => values[key] ?? NaN;
const integrator = (values: Readonly<Record<string, number>>): Integrator => (v(values, 'rk4') === 1 ? 'rk4' : 'euler');
const flowParams: readonly ParamSpec[] = [
  { key: 'dt', label: 'Δt', default: 0.01, min: 1e-6 },
  { key: 'rk4', label: 'RK4 (1) or Euler (0)', default: 0, integer: true, min: 0, max: 1 },
];

/** A flow of the predictability paper's Table 1 at the paper's parameters and initial condition. */
function table1(id: string, label: string, make: (p: { dt: number; integrator: Integrator }) => Dynamics, ic: readonly number[]): SystemSpec {
  return { id, label, params: flowParams, defaultT: 500, build: (values) => ({ dyn: make({ dt: v(values, 'dt'), integrator: integrator(values) }), s0: Float64Array.from(ic) }) };
}

export const systems: readonly SystemSpec[] = [
  {
    id: 'logistic',
    label: 'logistic map',
    params: [
      { key: 'r', label: 'r', default: 3.5, min: 0, max: 4 },
      { key: 's0', label: 's₀', default: 0.3, min: 0, max: 1 },
    ],
    defaultT: 500,
    build: (values) => ({ dyn: logisticMap({ r: v(values, 'r') }), s0: Float64Array.of(v(values, 's0')) }),
  },
  {
    id: 'henon',
    label: 'Hénon map',
    params: [
      { key: 'a', label: 'a', default: 1.4 },
      { key: 'b', label: 'b', default: 0.3 },
    ],
    defaultT: 500,
    build: (values) => ({ dyn: henonMap({ a: v(values, 'a'), b: v(values, 'b') }), s0: Float64Array.of(0.1, 0.1) }),
  },
  {
    id: 'linear',
    label: 'linear, s_t = a s_{t−1} + 1',
    params: [
      { key: 'dim', label: 'D', default: 4, integer: true, min: 1, max: 64 },
      { key: 'a', label: 'a', default: 0.9 },
    ],
    defaultT: 1000,
    build: (values) => {
      const D = v(values, 'dim');
      return { dyn: linear({ structure: diagonal(D), A: new Float64Array(D).fill(v(values, 'a')), b: new Float64Array(D).fill(1) }), s0: new Float64Array(D) };
    },
  },
  {
    id: 'mean-field',
    label: 'mean-field RNN',
    params: [
      { key: 'dim', label: 'D', default: 16, integer: true, min: 1, max: 256 },
      { key: 'g', label: 'gain g', default: 0.9, min: 0 },
      { key: 'seed', label: 'seed', default: 1, integer: true, min: 0 },
    ],
    defaultT: 1000,
    build: (values) => {
      const D = v(values, 'dim'), seed = v(values, 'seed');
      const rng = createRng(seed + 1);
      return { dyn: meanFieldRnn({ dim: D, g: v(values, 'g'), seed }), s0: Float64Array.from({ length: D }, () => rng.normal()) };
    },
  },
  {
    id: 'gru',
    label: 'GRU at initialization',
    params: [
      { key: 'dim', label: 'D', default: 8, integer: true, min: 1, max: 128 },
      { key: 'seed', label: 'seed', default: 1, integer: true, min: 0 },
    ],
    defaultT: 1000,
    build: (values, T) => {
      const D = v(values, 'dim'), seed = v(values, 'seed'), inputDim = 4;
      const rng = createRng(seed + 1);
      const inputs = Float64Array.from({ length: T * inputDim }, () => rng.normal());
      return { dyn: gru({ dim: D, inputDim, seed, inputs }), s0: new Float64Array(D) };
    },
  },
  {
    id: 'langevin',
    label: 'Langevin sampler (two-Gaussian mixture, or double well)',
    params: [
      { key: 'dim', label: 'D', default: 2, integer: true, min: 1, max: 32 },
      { key: 'epsilon', label: 'step ε', default: 0.01, min: 1e-9 },
      { key: 'well', label: 'double well (1) or mixture (0)', default: 0, integer: true, min: 0, max: 1 },
      { key: 'seed', label: 'seed', default: 0, integer: true, min: 0 },
    ],
    defaultT: 1000,
    build: (values) => {
      const D = v(values, 'dim');
      const eye = Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => (i === j ? 1 : 0)));
      const potential = v(values, 'well') === 1 ? twoWell(D) : gaussianMixture({ means: [new Array<number>(D).fill(-2), new Array<number>(D).fill(2)], covariances: [eye, eye] });
      return { dyn: langevin({ potential, stepSize: v(values, 'epsilon'), seed: v(values, 'seed') }), s0: new Float64Array(D) };
    },
  },
  {
    id: 'word',
    label: 'word problem over S_n',
    params: [
      { key: 'n', label: 'n', default: 5, integer: true, min: 1, max: 16 },
      { key: 'seed', label: 'seed', default: 1, integer: true, min: 0 },
    ],
    defaultT: 256,
    build: (values, T) => {
      const n = v(values, 'n');
      return { dyn: groupWord({ n, seed: v(values, 'seed'), length: T }), s0: Float64Array.from({ length: n }, (_, i) => i) };
    },
  },
  {
    id: 'lorenz96',
    label: 'Lorenz-96',
    params: [
      { key: 'dim', label: 'sites D', default: 8, integer: true, min: 4, max: 256 },
      { key: 'forcing', label: 'forcing F', default: 8 },
      { key: 'dt', label: 'Δt', default: 0.01, min: 1e-6 },
    ],
    defaultT: 500,
    build: (values) => {
      const D = v(values, 'dim'), F = v(values, 'forcing');
      return { dyn: lorenz96({ dim: D, forcing: F, dt: v(values, 'dt') }), s0: Float64Array.from({ length: D }, (_, i) => F + (i === 0 ? 0.01 : 0)) };
    },
  },
  {
    id: 'sgd',
    label: 'training run: logistic regression by SGD, momentum or Adam',
    params: [
      { key: 'lr', label: 'learning rate', default: 0.5, min: 1e-9 },
      { key: 'optimizer', label: 'SGD (0), momentum (1), Adam (2)', default: 0, integer: true, min: 0, max: 2 },
      { key: 'seed', label: 'seed', default: 0, integer: true, min: 0 },
    ],
    defaultT: 500,
    build: (values) => {
      const F = 4, N = 64, B = 16;
      const rng = createRng(v(values, 'seed') + 17);
      const X = Array.from({ length: N }, () => Array.from({ length: F }, () => rng.normal()));
      const w = Array.from({ length: F }, () => rng.normal());
      const y = X.map((x) => (x.reduce((a, xi, i) => a + xi * (w[i] ?? 0), 0) + 0.5 * rng.normal() > 0 ? 1 : -1));
      const batches = Array.from({ length: N / B }, (_, k) => Array.from({ length: B }, (_, i) => k * B + i));
      const dyn = gradientDescent({ loss: logisticRegression(X, y), learningRate: v(values, 'lr'), batches, optimizer: (['sgd', 'momentum', 'adam'] as const)[v(values, 'optimizer')] ?? 'sgd' });
      return { dyn, s0: new Float64Array(dyn.dim) };
    },
  },
  {
    id: 'lorenz-observer',
    label: 'Lorenz-63 observer (x measured and substituted)',
    params: [{ key: 'dt', label: 'Δt', default: 0.01, min: 1e-6 }],
    defaultT: 1000,
    build: (values, T) => {
      // Pecora–Carroll: the observer is the Euler-stepped Lorenz system with x replaced by
      // the measured x of a reference run; it forgets its start (λ < 0) although Lorenz is chaotic.
      const system = lorenz63({ dt: v(values, 'dt'), integrator: 'euler' });
      const s0 = [-9.7869288, -15.03852, 20.533978];
      const reference = new Float64Array(3 * T);
      const prev = Float64Array.from(s0);
      for (let t = 1; t <= T; t++) {
        system.step(t, prev, 0, reference, 3 * (t - 1));
        prev.set(reference.slice(3 * (t - 1), 3 * t));
      }
      const layout = { observed: [0] };
      return { dyn: observer(system, { ...layout, substitution: true, measurements: measurements(reference, s0, 3, layout) }), s0: Float64Array.of(s0[0] ?? 0, 0, 0) };
    },
  },
  table1('lorenz63', 'Lorenz-63', (p) => lorenz63(p), [-9.7869288, -15.03852, 20.533978]),
  table1('rossler', 'Rössler', (p) => rossler(p), [6.5134412, 0.4772013, 0.34164294]),
  table1('abc', 'ABC flow', (p) => abcFlow(p), [-0.78450179, -0.62887672, -0.17620268]),
  table1('chua', 'Chua’s circuit', (p) => chuaCircuit(p), [1.1262351, -0.11386474, -0.78324421]),
  table1('kawczynski-strizhak', 'Kawczyński–Strizhak', (p) => kawczynskiStrizhak(p), [-1.160501, 5.8636902, -1.2031947]),
  table1('nose-hoover', 'Nosé–Hoover thermostat', (p) => noseHoover(p), [-1.9758582, 0.24647527, 0.79024299]),
  table1('sprott-b', 'Sprott B', (p) => sprottB(p), [1.6878282, 1.4848132, -0.53706628]),
  table1('thomas', 'Thomas', (p) => thomas(p), [2.199442, 2.3634225, 3.220197]),
  table1('vallis', 'Vallis El Niño', (p) => vallisElNino(p), [-6.99286331487343, 0.023254276622294345, -0.1658177563067799]),
];

/** The system with this id. */
export function systemById(id: string): SystemSpec {
  const found = systems.find((s) => s.id === id);
  if (found === undefined) throw new Error(`No system '${id}' in the playground; pick one of ${systems.map((s) => s.id).join(', ')}.`);
  return found;
}
