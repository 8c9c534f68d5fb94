import fc from 'fast-check';
import { defineDynamics, type Dynamics, type DynamicsSpec } from '@unroll/linearize';
import { diagonal as diagonalStructure } from '@unroll/scan';
import { gru, henonMap, linear, logisticMap, lorenz63, meanFieldRnn } from '@unroll/systems';

/**
 * The families of systems the random solves draw from. Each stresses a different
 * promise: contractive systems must converge to the rollout; marginal and chaotic ones
 * may not converge (or converge to a shadow trajectory) but must say so honestly;
 * overflowing, NaN-producing and discontinuous ones must never be reported converged on
 * a non-finite or wrong trajectory; throwing ones must surface the user's own error.
 */
export type Family = 'contractive' | 'marginal' | 'chaotic' | 'overflowing' | 'nan' | 'discontinuous' | 'throwing' | 'reference';

/** Every family, in the order the campaign reports them. */
export const families: readonly Family[] = ['contractive', 'marginal', 'chaotic', 'overflowing', 'nan', 'discontinuous', 'throwing', 'reference'];

/** Which closed-form derivatives a hand-written dynamics gives (the rest are derived by finite differences). */
export type Derivatives = 'none' | 'jacobian' | 'diagonal' | 'all';

/**
 * A system as plain data, so a failing case prints as a reproducer and shrinks. `W` is a
 * row-major D×D weight matrix, `u` a D-vector of inputs.
 */
export type SystemSpec =
  | { readonly family: 'contractive'; readonly kind: 'tanh-rnn'; readonly D: number; readonly W: readonly number[]; readonly u: readonly number[]; readonly derivatives: Derivatives }
  | { readonly family: 'contractive' | 'marginal' | 'overflowing'; readonly kind: 'linear' | 'linear-systems'; readonly D: number; readonly a: readonly number[]; readonly c: readonly number[] }
  | { readonly family: 'marginal'; readonly kind: 'rotation'; readonly D: 2; readonly theta: number; readonly c: readonly number[] }
  | { readonly family: 'overflowing'; readonly kind: 'square'; readonly D: number; readonly a: readonly number[]; readonly c: readonly number[] }
  | { readonly family: 'overflowing'; readonly kind: 'linear-tiny'; readonly D: number; readonly a: readonly number[]; readonly c: readonly number[] }
  | { readonly family: 'chaotic'; readonly kind: 'logistic'; readonly D: 1 }
  | { readonly family: 'chaotic'; readonly kind: 'henon'; readonly D: 2 }
  | { readonly family: 'chaotic'; readonly kind: 'lorenz63'; readonly D: 3; readonly dt: number }
  | { readonly family: 'chaotic'; readonly kind: 'mean-field'; readonly D: number; readonly g: number; readonly seed: number }
  | { readonly family: 'nan'; readonly kind: 'log-at' | 'sqrt-at' | 'domain'; readonly D: number; readonly at: number; readonly coord: number; readonly W: readonly number[]; readonly u: readonly number[] }
  | { readonly family: 'discontinuous'; readonly kind: 'sign' | 'floor'; readonly D: number; readonly W: readonly number[]; readonly u: readonly number[] }
  | { readonly family: 'throwing'; readonly kind: 'step' | 'jacobian'; readonly D: number; readonly at: number; readonly W: readonly number[]; readonly u: readonly number[] }
  | { readonly family: 'reference'; readonly kind: 'gru'; readonly D: number; readonly seed: number };

/** The error class the throwing family's dynamics throw: the solvers must let it through unchanged. */
export class UserStepError extends Error {
  override readonly name = 'UserStepError';
  constructor(readonly t: number) {
    super(`user dynamics refused step ${t}`);
  }
}

/** A system ready to solve, with what the oracle needs to know about it. */
export interface BuiltSystem {
  readonly dyn: Dynamics;
  readonly spec: SystemSpec;
  /**
   * For contractive systems, L with ‖f_t(x) − f_t(y)‖∞ ≤ L‖x − y‖∞ (L < 1): a residual r
   * bounds the distance to the true trajectory by max|r| / (1 − L).
   */
  readonly lipschitz: number | undefined;
  /** For the throwing family: the last error the dynamics threw (to check it comes out as is). */
  readonly thrown: () => unknown;
}

const D_MAX = 6;

const grid = 2 ** 30;

/**
 * Doubles in [lo, hi]: mostly uniform in value, sometimes fast-check's own doubles, which
 * favour the edges (the bounds, zero, subnormals). fast-check draws doubles uniformly over
 * their bit patterns, so alone they would make almost every weight tiny.
 */
export function real(lo: number, hi: number): fc.Arbitrary<number> {
  const uniform = fc.noBias(fc.integer({ min: 0, max: grid })).map((i) => Math.min(hi, lo + ((hi - lo) * i) / grid));
  return fc.oneof({ arbitrary: uniform, weight: 5 }, { arbitrary: fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }), weight: 1 });
}

/** A D×D matrix whose rows have absolute sums at most `rho` (so ‖W‖∞ ≤ rho). */
function matrix(D: number, rho: number) {
  return fc.array(real(-1, 1), { minLength: D * D, maxLength: D * D }).map((raw) => {
    const W = raw.slice();
    for (let i = 0; i < D; i++) {
      let sum = 0;
      for (let j = 0; j < D; j++) sum += Math.abs(W[i * D + j] ?? 0);
      const scale = sum > rho ? rho / sum : 1;
      for (let j = 0; j < D; j++) W[i * D + j] = (W[i * D + j] ?? 0) * scale;
    }
    return W;
  });
}

const vector = (D: number, lo: number, hi: number) => fc.array(real(lo, hi), { minLength: D, maxLength: D });

/** Systems of dimension D (a few families fix their own dimension). */
export function systemArbitrary(D: number): fc.Arbitrary<SystemSpec> {
  const rnn = { W: real(0.05, 0.6).chain((rho) => matrix(D, rho)), u: vector(D, -1, 1) };
  const signs = (lo: number, hi: number, log: boolean) =>
    fc.array(
      fc.tuple(fc.boolean(), log ? real(Math.log10(lo), Math.log10(hi)).map((e) => 10 ** e) : real(lo, hi)).map(([negative, m]) => (negative ? -m : m)),
      { minLength: D, maxLength: D },
    );
  const options: fc.Arbitrary<SystemSpec>[] = [
    fc.record({ family: fc.constant('contractive' as const), kind: fc.constant('tanh-rnn' as const), D: fc.constant(D), ...rnn, derivatives: fc.constantFrom<Derivatives>('none', 'jacobian', 'diagonal', 'all') }),
    fc.record({ family: fc.constant('contractive' as const), kind: fc.constantFrom('linear' as const, 'linear-systems' as const), D: fc.constant(D), a: vector(D, -0.9, 0.9), c: vector(D, -1, 1) }),
    // |a| within 1e-3 of 1, exactly 1 included: neither contracting nor expanding.
    fc.record({
      family: fc.constant('marginal' as const),
      kind: fc.constantFrom('linear' as const, 'linear-systems' as const),
      D: fc.constant(D),
      a: fc.array(fc.tuple(fc.boolean(), fc.oneof(fc.constant(1), real(0.999, 1.001))).map(([negative, m]) => (negative ? -m : m)), { minLength: D, maxLength: D }),
      c: vector(D, -1, 1),
    }),
    fc.record({ family: fc.constant('marginal' as const), kind: fc.constant('rotation' as const), D: fc.constant(2 as const), theta: real(-Math.PI, Math.PI), c: vector(2, -1, 1) }),
    fc.record({ family: fc.constant('chaotic' as const), kind: fc.constant('logistic' as const), D: fc.constant(1 as const) }),
    fc.record({ family: fc.constant('chaotic' as const), kind: fc.constant('henon' as const), D: fc.constant(2 as const) }),
    fc.record({ family: fc.constant('chaotic' as const), kind: fc.constant('lorenz63' as const), D: fc.constant(3 as const), dt: fc.constantFrom(0.01, 0.05) }),
    fc.record({ family: fc.constant('chaotic' as const), kind: fc.constant('mean-field' as const), D: fc.constant(Math.max(2, D)), g: real(2, 3), seed: fc.integer({ min: 0, max: 1000 }) }),
    // |a| from 10 to 1e6, so the rollout leaves float32 within a few steps and float64
    // within T ≤ 60 for the larger ones; squaring leaves both within about ten steps.
    fc.record({ family: fc.constant('overflowing' as const), kind: fc.constantFrom('linear' as const, 'linear-systems' as const), D: fc.constant(D), a: signs(10, 1e6, true), c: vector(D, -1, 1) }),
    fc.record({ family: fc.constant('overflowing' as const), kind: fc.constant('square' as const), D: fc.constant(D), a: vector(D, 1, 3), c: vector(D, 0, 1) }),
    // From s_0 = 0 with an offset of 1e-12 or less: the rollout still overflows (|a| up to
    // 1e6), but the zero trajectory's residual is at most the offset at every step.
    fc.record({ family: fc.constant('overflowing' as const), kind: fc.constant('linear-tiny' as const), D: fc.constant(D), a: signs(1e3, 1e6, true), c: vector(D, -1e-12, 1e-12) }),
    fc.record({
      family: fc.constant('nan' as const),
      kind: fc.constantFrom('log-at' as const, 'sqrt-at' as const, 'domain' as const),
      D: fc.constant(D),
      at: fc.integer({ min: 2, max: 64 }),
      coord: fc.integer({ min: 0, max: D - 1 }),
      ...rnn,
    }),
    fc.record({ family: fc.constant('discontinuous' as const), kind: fc.constantFrom('sign' as const, 'floor' as const), D: fc.constant(D), ...rnn }),
    fc.record({ family: fc.constant('throwing' as const), kind: fc.constantFrom('step' as const, 'jacobian' as const), D: fc.constant(D), at: fc.integer({ min: 2, max: 64 }), ...rnn }),
    fc.record({ family: fc.constant('reference' as const), kind: fc.constant('gru' as const), D: fc.constant(D), seed: fc.integer({ min: 0, max: 1000 }) }),
  ];
  return fc.oneof(...options);
}

/** A dimension, then a system of it. */
export const anySystem: fc.Arbitrary<SystemSpec> = fc.integer({ min: 1, max: D_MAX }).chain(systemArbitrary);

/**
 * Maps raw numbers in [−1, 1] to an initial state the family is meant to start from
 * (the logistic map lives on [0, 1], the squaring map overflows from |s| > 1, …).
 */
export function initialState(spec: SystemSpec, raw: readonly number[]): number[] {
  const x = (i: number): number => raw[i % raw.length] ?? 0;
  switch (spec.kind) {
    case 'logistic':
      return [0.5 + 0.45 * x(0)];
    case 'henon':
      return [0.1 * x(0), 0.1 * x(1)];
    case 'lorenz63':
      return [1 + x(0), 1 + x(1), 20 + x(2)];
    case 'square':
      return Array.from({ length: spec.D }, (_, i) => 2 + 0.5 * x(i));
    case 'linear-tiny':
      return Array.from({ length: spec.D }, () => 0);
    case 'domain':
      // sqrt(1 + s) is defined on s ≥ −1: the true trajectory stays inside from here.
      return Array.from({ length: spec.D }, (_, i) => 0.5 * (1 + x(i)));
    default:
      return Array.from({ length: spec.D }, (_, i) => x(i));
  }
}

/** ‖W‖∞: the largest absolute row sum. */
function rowNorm(W: readonly number[], D: number): number {
  let best = 0;
  for (let i = 0; i < D; i++) {
    let sum = 0;
    for (let j = 0; j < D; j++) sum += Math.abs(W[i * D + j] ?? 0);
    best = Math.max(best, sum);
  }
  return best;
}

/**
 * A tanh RNN s_t = tanh(W s_{t−1} + u (1 + ½ sin t)) with its closed-form derivatives,
 * and `wrap` to alter its output (the NaN, discontinuous and throwing families are
 * variations of it). Scratch is allocated once here.
 */
function tanhRnn(D: number, W: readonly number[], u: readonly number[]) {
  const z = new Float64Array(D);
  const pre = (t: number, s: ArrayLike<number>, so: number): Float64Array => {
    const drive = 1 + 0.5 * Math.sin(t);
    for (let i = 0; i < D; i++) {
      let acc = (u[i] ?? 0) * drive;
      for (let j = 0; j < D; j++) acc += (W[i * D + j] ?? 0) * (s[so + j] ?? 0);
      z[i] = acc;
    }
    return z;
  };
  return { pre, W };
}

/** Builds a fresh dynamics (own closures and scratch) from a spec. */
export function buildSystem(spec: SystemSpec): BuiltSystem {
  let thrown: unknown = undefined;
  const none = (): unknown => thrown;
  const D = spec.D;
  switch (spec.kind) {
    case 'tanh-rnn': {
      const { pre, W } = tanhRnn(D, spec.W, spec.u);
      const withJacobian = spec.derivatives === 'jacobian' || spec.derivatives === 'all';
      const withDiagonal = spec.derivatives === 'diagonal' || spec.derivatives === 'all';
      const dynSpec: DynamicsSpec = {
        dim: D,
        name: 'tanh-rnn',
        step(t, s, so, out, oo) {
          const z = pre(t, s, so);
          for (let i = 0; i < D; i++) out[oo + i] = Math.tanh(z[i] ?? 0);
        },
        ...(withJacobian
          ? {
              jacobian(t: number, s: ArrayLike<number>, so: number, out: Float64Array | Float32Array, oo: number) {
                const z = pre(t, s, so);
                for (let i = 0; i < D; i++) {
                  const th = Math.tanh(z[i] ?? 0);
                  for (let j = 0; j < D; j++) out[oo + i * D + j] = (1 - th * th) * (W[i * D + j] ?? 0);
                }
              },
            }
          : {}),
        ...(withDiagonal
          ? {
              diagonal(t: number, s: ArrayLike<number>, so: number, out: Float64Array | Float32Array, oo: number) {
                const z = pre(t, s, so);
                for (let i = 0; i < D; i++) {
                  const th = Math.tanh(z[i] ?? 0);
                  out[oo + i] = (1 - th * th) * (W[i * D + i] ?? 0);
                }
              },
            }
          : {}),
      };
      return { dyn: defineDynamics(dynSpec), spec, lipschitz: rowNorm(spec.W, D), thrown: none };
    }
    case 'linear':
    case 'linear-tiny':
    case 'linear-systems': {
      const { a, c } = spec;
      const lipschitz = spec.family === 'contractive' ? Math.max(...a.map(Math.abs)) : undefined;
      if (spec.kind === 'linear-systems') {
        // The same system through @unroll/systems' `linear` (a diagonal structure).
        return { dyn: linear({ structure: diagonalStructure(D), A: a, b: c }), spec, lipschitz, thrown: none };
      }
      const dyn = defineDynamics({
        dim: D,
        name: 'linear',
        step(_t, s, so, out, oo) {
          for (let i = 0; i < D; i++) out[oo + i] = (a[i] ?? 0) * (s[so + i] ?? 0) + (c[i] ?? 0);
        },
        diagonal(_t, _s, _so, out, oo) {
          for (let i = 0; i < D; i++) out[oo + i] = a[i] ?? 0;
        },
      });
      return { dyn, spec, lipschitz, thrown: none };
    }
    case 'rotation': {
      const cos = Math.cos(spec.theta), sin = Math.sin(spec.theta);
      const [c0 = 0, c1 = 0] = spec.c;
      const dyn = defineDynamics({
        dim: 2,
        name: 'rotation',
        step(_t, s, so, out, oo) {
          const x = s[so] ?? 0, y = s[so + 1] ?? 0;
          out[oo] = cos * x - sin * y + c0;
          out[oo + 1] = sin * x + cos * y + c1;
        },
        jacobian(_t, _s, _so, out, oo) {
          out[oo] = cos;
          out[oo + 1] = -sin;
          out[oo + 2] = sin;
          out[oo + 3] = cos;
        },
      });
      return { dyn, spec, lipschitz: undefined, thrown: none };
    }
    case 'square': {
      const { a, c } = spec;
      const dyn = defineDynamics({
        dim: D,
        name: 'square',
        step(_t, s, so, out, oo) {
          for (let i = 0; i < D; i++) {
            const x = s[so + i] ?? 0;
            out[oo + i] = (a[i] ?? 0) * x * x + (c[i] ?? 0);
          }
        },
        diagonal(_t, s, so, out, oo) {
          for (let i = 0; i < D; i++) out[oo + i] = 2 * (a[i] ?? 0) * (s[so + i] ?? 0);
        },
      });
      return { dyn, spec, lipschitz: undefined, thrown: none };
    }
    case 'logistic':
      return { dyn: logisticMap({ r: 4 }), spec, lipschitz: undefined, thrown: none };
    case 'henon':
      return { dyn: henonMap(), spec, lipschitz: undefined, thrown: none };
    case 'lorenz63':
      return { dyn: lorenz63({ dt: spec.dt }), spec, lipschitz: undefined, thrown: none };
    case 'mean-field':
      return { dyn: meanFieldRnn({ dim: D, g: spec.g, seed: spec.seed }), spec, lipschitz: undefined, thrown: none };
    case 'gru':
      return { dyn: gru({ dim: D, inputDim: 0, seed: spec.seed }), spec, lipschitz: undefined, thrown: none };
    case 'log-at':
    case 'sqrt-at':
    case 'domain': {
      const { pre } = tanhRnn(D, spec.W, spec.u);
      const { at, coord } = spec;
      const kind = spec.kind;
      const dyn = defineDynamics({
        dim: D,
        name: `nan-${kind}`,
        step(t, s, so, out, oo) {
          const z = pre(t, s, so);
          for (let i = 0; i < D; i++) {
            if (kind === 'domain') {
              // Defined for s ≥ −1 only; the true trajectory never leaves, iterates may.
              out[oo + i] = 0.45 * Math.sqrt(1 + (s[so + i] ?? 0)) + 0.1 * (z[i] ?? 0);
            } else {
              out[oo + i] = Math.tanh(z[i] ?? 0);
            }
          }
          if (t === at && kind === 'log-at') out[oo + coord] = Math.log(-1);
          // tanh keeps |s| < 1 on the true trajectory, so this is the square root of a negative number there.
          if (t === at && kind === 'sqrt-at') out[oo + coord] = Math.sqrt((s[so + coord] ?? 0) - 2);
        },
      });
      return { dyn, spec, lipschitz: undefined, thrown: none };
    }
    case 'sign':
    case 'floor': {
      const { pre } = tanhRnn(D, spec.W, spec.u);
      const kind = spec.kind;
      const dyn = defineDynamics({
        dim: D,
        name: `discontinuous-${kind}`,
        step(t, s, so, out, oo) {
          const z = pre(t, s, so);
          for (let i = 0; i < D; i++) {
            const x = s[so + i] ?? 0, zi = z[i] ?? 0;
            out[oo + i] = kind === 'sign' ? 0.5 * Math.sign(zi) + 0.3 * x : 0.25 * Math.floor(4 * zi) + 0.2 * x;
          }
        },
      });
      return { dyn, spec, lipschitz: undefined, thrown: none };
    }
    case 'step':
    case 'jacobian': {
      const { pre, W } = tanhRnn(D, spec.W, spec.u);
      const { at } = spec;
      const where = spec.kind;
      const fail = (t: number): void => {
        if (t === at) {
          thrown = new UserStepError(t);
          throw thrown;
        }
      };
      const dyn = defineDynamics({
        dim: D,
        name: `throwing-${where}`,
        step(t, s, so, out, oo) {
          if (where === 'step') fail(t);
          const z = pre(t, s, so);
          for (let i = 0; i < D; i++) out[oo + i] = Math.tanh(z[i] ?? 0);
        },
        jacobian(t, s, so, out, oo) {
          if (where === 'jacobian') fail(t);
          const z = pre(t, s, so);
          for (let i = 0; i < D; i++) {
            const th = Math.tanh(z[i] ?? 0);
            for (let j = 0; j < D; j++) out[oo + i * D + j] = (1 - th * th) * (W[i * D + j] ?? 0);
          }
        },
      });
      return { dyn, spec, lipschitz: undefined, thrown: () => thrown };
    }
  }
}
