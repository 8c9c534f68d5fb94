import type { DefinedDynamics } from '@unroll/linearize';
import { checkArrayLength, checkInteger, checkNumber, checkOptions, checkRecord } from '@unroll/scan';
import { checkStep, integrate, type Flow, type Integrator } from './flow.js';
import { lorenz96Wgsl } from './lorenz96-wgsl.js';
import { smallFlowWgsl } from './small-flow-wgsl.js';

/** Parameters of {@link lorenz63}. */
export interface Lorenz63Params {
  /** σ, the Prandtl number (default 10). */
  readonly sigma?: number;
  /** ρ, the Rayleigh number (default 28). */
  readonly rho?: number;
  /** β, the aspect ratio (default 8/3). */
  readonly beta?: number;
  /** Step size of the integrator (default 0.01, in the flow's time units). */
  readonly dt?: number;
  /** Integrator of one step (default `'rk4'`). */
  readonly integrator?: Integrator;
}

/**
 * Lorenz (1963): `ẋ = σ(y − x), ẏ = x(ρ − z) − y, ż = xy − βz`; chaotic at the classic
 * (10, 28, 8/3) with largest Lyapunov exponent ≈ 0.906 per unit time. Default: RK4 with
 * dt = 0.01. Carries its WGSL (the same step and Jacobian in f32), so the GPU runtime runs
 * it as it is.
 */
export function lorenz63(params?: Lorenz63Params): DefinedDynamics & {
  /** The parameters, frozen, with every default filled in: passing them back rebuilds the same system. */
  readonly params: Required<Lorenz63Params>;
} {
  const given = checkOptions('lorenz63(params)', params, "{ sigma: 10, rho: 28, beta: 8 / 3, dt: 0.01, integrator: 'rk4' }", 'params');
  const { sigma = 10, rho = 28, beta = 8 / 3, dt = 0.01, integrator = 'rk4' } = given;
  for (const [name, v] of [['sigma', sigma], ['rho', rho], ['beta', beta]] as const) checkNumber('lorenz63', name, v);
  const p = { sigma, rho, beta, dt, integrator };
  const flow: Flow = {
    dim: 3,
    name: 'lorenz63',
    f(s, o, out, oo) {
      const x = s[o], y = s[o + 1], z = s[o + 2];
      out[oo] = sigma * (y - x);
      out[oo + 1] = x * (rho - z) - y;
      out[oo + 2] = x * y - beta * z;
    },
    jacobian(s, o, out, oo) {
      const x = s[o], y = s[o + 1], z = s[o + 2];
      out.set([-sigma, sigma, 0, rho - z, -1, -x, y, x, -beta], oo);
    },
  };
  return Object.freeze({ ...integrate(flow, p.dt, p.integrator, { wgsl: lorenz63Wgsl(p) }), params: Object.freeze(p) });
}

/** Lorenz-63's WGSL (small-flow-wgsl.ts), params `[σ, ρ, β]` then the step's. */
function lorenz63Wgsl(p: Required<Lorenz63Params>) {
  checkStep('lorenz63', p.dt, p.integrator);
  const source = /* wgsl */ `
// ẋ = σ(y − x), ẏ = x(ρ − z) − y, ż = xy − βz
fn flow(s: State) -> State {
  return State(params[0] * (s[1] - s[0]), s[0] * (params[1] - s[2]) - s[1], s[0] * s[1] - params[2] * s[2]);
}
fn flow_jacobian(s: State) -> Jacobian {
  return Jacobian(-params[0], params[0], 0.0, params[1] - s[2], -1.0, -s[0], s[1], s[0], -params[2]);
}
`;
  return smallFlowWgsl('lorenz63', source, [p.sigma, p.rho, p.beta], p.dt, p.integrator);
}

/** Parameters of {@link rossler}. */
export interface RosslerParams {
  /** a in `ẏ = x + a y` (default 0.2). */
  readonly a?: number;
  /** b in `ż = b + z (x − c)` (default 0.2). */
  readonly b?: number;
  /** c in `ż = b + z (x − c)` (default 5.7). */
  readonly c?: number;
  /** Step size of the integrator (default 0.01, in the flow's time units). */
  readonly dt?: number;
  /** Integrator of one step (default `'rk4'`). */
  readonly integrator?: Integrator;
}

/**
 * Rössler (1976): `ẋ = −y − z, ẏ = x + a y, ż = b + z (x − c)`; chaotic at (0.2, 0.2, 5.7).
 * Carries its WGSL (the same step and Jacobian in f32), so the GPU runtime runs it as it is.
 */
export function rossler(params?: RosslerParams): DefinedDynamics & {
  /** The parameters, frozen, with every default filled in: passing them back rebuilds the same system. */
  readonly params: Required<RosslerParams>;
} {
  const given = checkOptions('rossler(params)', params, "{ a: 0.2, b: 0.2, c: 5.7, dt: 0.01, integrator: 'rk4' }", 'params');
  const { a = 0.2, b = 0.2, c = 5.7, dt = 0.01, integrator = 'rk4' } = given;
  for (const [name, v] of [['a', a], ['b', b], ['c', c]] as const) checkNumber('rossler', name, v);
  const p = { a, b, c, dt, integrator };
  const flow: Flow = {
    dim: 3,
    name: 'rossler',
    f(s, o, out, oo) {
      const x = s[o], y = s[o + 1], z = s[o + 2];
      out[oo] = -y - z;
      out[oo + 1] = x + a * y;
      out[oo + 2] = b + z * (x - c);
    },
    jacobian(s, o, out, oo) {
      const x = s[o], z = s[o + 2];
      out.set([0, -1, -1, 1, a, 0, z, 0, x - c], oo);
    },
  };
  return Object.freeze({ ...integrate(flow, p.dt, p.integrator, { wgsl: rosslerWgsl(p) }), params: Object.freeze(p) });
}

/** Rössler's WGSL (small-flow-wgsl.ts), params `[a, b, c]` then the step's. */
function rosslerWgsl(p: Required<RosslerParams>) {
  checkStep('rossler', p.dt, p.integrator);
  const source = /* wgsl */ `
// ẋ = −y − z, ẏ = x + a y, ż = b + z (x − c)
fn flow(s: State) -> State {
  return State(-s[1] - s[2], s[0] + params[0] * s[1], params[1] + s[2] * (s[0] - params[2]));
}
fn flow_jacobian(s: State) -> Jacobian {
  return Jacobian(0.0, -1.0, -1.0, 1.0, params[0], 0.0, s[2], 0.0, s[0] - params[2]);
}
`;
  return smallFlowWgsl('rossler', source, [p.a, p.b, p.c], p.dt, p.integrator);
}

/** Parameters of {@link lorenz96}. */
export interface Lorenz96Params {
  /** The number of sites D on the ring (an integer ≥ 4). */
  readonly dim: number;
  /** The forcing F (default 8: chaotic). */
  readonly forcing?: number;
  /** Step size of the integrator (default 0.01, in the flow's time units). */
  readonly dt?: number;
  /** Integrator of one step (default `'rk4'`). */
  readonly integrator?: Integrator;
}

/**
 * Lorenz (1996): `ẋ_i = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F` on a ring of D ≥ 4 sites;
 * chaotic for F = 8 (the default), predictable for small F. Carries its WGSL (`wgsl`, from
 * lorenz96-wgsl.ts: the same integrator step and exact Jacobian in f32), so the GPU
 * runtime runs it as it is.
 */
export function lorenz96(params: Lorenz96Params): DefinedDynamics & {
  /** The parameters, frozen, with every default filled in: passing them back rebuilds the same system. */
  readonly params: Required<Lorenz96Params>;
} {
  checkRecord('lorenz96(params)', 'params', params, "{ dim: 40, forcing: 8, dt: 0.01, integrator: 'rk4' }");
  const { dim: D, forcing: F = 8, dt = 0.01, integrator = 'rk4' } = params;
  checkInteger('lorenz96', 'dim', D, 4);
  checkArrayLength('lorenz96', `the Jacobian scratch of an integrator step (dim² for dim = ${D})`, D * D, 'pass a smaller dim');
  checkNumber('lorenz96', 'forcing', F);
  // Checked here, before the WGSL is written from them (integrate checks them again).
  checkStep('lorenz96', dt, integrator);
  const p = { dim: D, forcing: F, dt, integrator };
  const at = (i: number) => ((i % D) + D) % D;
  const flow: Flow = {
    dim: D,
    name: `lorenz96(D=${D}, F=${F})`,
    f(s, o, out, oo) {
      for (let i = 0; i < D; i++) out[oo + i] = (s[o + at(i + 1)] - s[o + at(i - 2)]) * s[o + at(i - 1)] - s[o + i] + F;
    },
    jacobian(s, o, out, oo) {
      out.fill(0, oo, oo + D * D);
      for (let i = 0; i < D; i++) {
        const row = oo + i * D;
        out[row + at(i + 1)] += s[o + at(i - 1)];
        out[row + at(i - 2)] -= s[o + at(i - 1)];
        out[row + at(i - 1)] += s[o + at(i + 1)] - s[o + at(i - 2)];
        out[row + i] -= 1;
      }
    },
  };
  return Object.freeze({ ...integrate(flow, p.dt, p.integrator, { wgsl: lorenz96Wgsl(F, dt, integrator) }), params: Object.freeze(p) });
}
