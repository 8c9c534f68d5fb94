import { defineDynamics, type DefinedDynamics, type DynamicsWgslSpec } from '@unroll/linearize';
import { checkArrayLength, checkFunction, checkInteger, checkOptions, checkRecord, describeValue, UnrollError, type FloatArray } from '@unroll/scan';
import { checkOneOf } from './arguments.js';
import { fromJacobian } from './from-jacobian.js';

/** A continuous-time vector field `dx/dt = f(x)` with its Jacobian, in closed form. */
export interface Flow {
  /** The state dimension D. */
  readonly dim: number;
  /** A name for messages (and for the dynamics `integrate` makes). */
  readonly name: string;
  /** `out ← f(x)`: the vector field at the state read at `(x, xo)`, D numbers written at `(out, oo)`. */
  f(x: FloatArray, xo: number, out: FloatArray, oo: number): void;
  /** ∂f/∂x, D×D row-major. */
  jacobian(x: FloatArray, xo: number, out: FloatArray, oo: number): void;
}

/** Explicit integrators: one step of size dt. */
export type Integrator = 'euler' | 'rk4';

/** Throws unless `dt` is finite and > 0 and `method` an {@link Integrator} (checked before a step's WGSL is written from them). */
export function checkStep(where: string, dt: unknown, method: unknown): asserts method is Integrator {
  if (typeof dt !== 'number' || !(dt > 0) || !Number.isFinite(dt)) throw new UnrollError('INVALID_ARGUMENT', `${where}: dt must be finite and > 0, got ${describeValue(dt)}.`);
  checkOneOf(where, 'integrator', method, ['euler', 'rk4']);
}

/** Options of {@link integrate}. */
export interface IntegrateOptions {
  /** The WGSL of the whole discrete step (see `DynamicsWgsl`), for the GPU runtime; the dynamics then carry it. */
  readonly wgsl?: DynamicsWgslSpec;
}

/**
 * The discrete-time dynamics of one explicit integrator step of a flow, with the exact
 * Jacobian of the whole step (chain rule through the stages, not finite differences):
 *
 * - Euler: `x' = x + h f(x)`, `J = I + h F(x)`;
 * - RK4: `k₁ = f(x), k₂ = f(x + h/2 k₁), k₃ = f(x + h/2 k₂), k₄ = f(x + h k₃)`,
 *   `x' = x + h/6 (k₁ + 2k₂ + 2k₃ + k₄)`, with `K₁ = F(x)`, `K₂ = F(x + h/2 k₁)(I + h/2 K₁)`,
 *   `K₃ = F(x + h/2 k₂)(I + h/2 K₂)`, `K₄ = F(x + h k₃)(I + h K₃)` and
 *   `J = I + h/6 (K₁ + 2K₂ + 2K₃ + K₄)`.
 *
 * `options.wgsl`, when given, is the same step in WGSL (written for this dt and method);
 * `defineDynamics` checks it and the dynamics carry it.
 */
export function integrate(flow: Flow, dt: number, method: Integrator, options?: IntegrateOptions): DefinedDynamics {
  checkRecord('integrate(flow, dt, integrator)', 'flow', flow, "{ dim, name, f(x, xo, out, oo), jacobian(x, xo, out, oo) }");
  const where = typeof flow.name === 'string' ? flow.name : 'integrate';
  checkInteger(where, 'flow.dim', flow.dim, 1);
  checkArrayLength(where, `the Jacobian scratch of an integrator step (dim² for flow.dim = ${flow.dim})`, flow.dim * flow.dim, 'pass a smaller flow.dim');
  const fields: Record<string, unknown> = flow;
  checkFunction(where, 'flow.f', fields['f'], '(x, xo, out, oo) writing dx/dt');
  checkFunction(where, 'flow.jacobian', fields['jacobian'], '(x, xo, out, oo) writing ∂f/∂x (D×D row-major)');
  checkStep(where, dt, method);
  const D = flow.dim, DD = D * D, h = dt;
  const k1 = new Float64Array(D), k2 = new Float64Array(D), k3 = new Float64Array(D), k4 = new Float64Array(D), y = new Float64Array(D);
  const F = new Float64Array(DD), K1 = new Float64Array(DD), K2 = new Float64Array(DD), K3 = new Float64Array(DD), K4 = new Float64Array(DD), J = new Float64Array(DD);
  const stages = (x: FloatArray, xo: number) => {
    flow.f(x, xo, k1, 0);
    for (let i = 0; i < D; i++) y[i] = x[xo + i] + 0.5 * h * k1[i];
    flow.f(y, 0, k2, 0);
    for (let i = 0; i < D; i++) y[i] = x[xo + i] + 0.5 * h * k2[i];
    flow.f(y, 0, k3, 0);
    for (let i = 0; i < D; i++) y[i] = x[xo + i] + h * k3[i];
    flow.f(y, 0, k4, 0);
  };
  // out ← F (I + c·K), both D×D.
  const chain = (out: Float64Array, K: Float64Array, c: number) => {
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        let acc = F[i * D + j];
        for (let k = 0; k < D; k++) acc += c * F[i * D + k] * K[k * D + j];
        out[i * D + j] = acc;
      }
    }
  };
  const jacobian = (x: FloatArray, xo: number, out: FloatArray, oo: number) => {
    if (method === 'euler') {
      flow.jacobian(x, xo, F, 0);
      for (let i = 0; i < DD; i++) out[oo + i] = h * F[i];
      for (let i = 0; i < D; i++) out[oo + i * D + i] += 1;
      return;
    }
    stages(x, xo);
    flow.jacobian(x, xo, K1, 0);
    for (let i = 0; i < D; i++) y[i] = x[xo + i] + 0.5 * h * k1[i];
    flow.jacobian(y, 0, F, 0);
    chain(K2, K1, 0.5 * h);
    for (let i = 0; i < D; i++) y[i] = x[xo + i] + 0.5 * h * k2[i];
    flow.jacobian(y, 0, F, 0);
    chain(K3, K2, 0.5 * h);
    for (let i = 0; i < D; i++) y[i] = x[xo + i] + h * k3[i];
    flow.jacobian(y, 0, F, 0);
    chain(K4, K3, h);
    for (let i = 0; i < DD; i++) J[i] = (h / 6) * (K1[i] + 2 * K2[i] + 2 * K3[i] + K4[i]);
    for (let i = 0; i < D; i++) J[i * D + i] += 1;
    for (let i = 0; i < DD; i++) out[oo + i] = J[i];
  };
  /**
   * out ← one integrator step from x (the same arithmetic as `step`). `staged`: RK4's
   * stages k1…k4 are already those of x (the Jacobian's chain rule just computed them).
   */
  const advance = (x: FloatArray, xo: number, out: FloatArray, oo: number, staged: boolean) => {
    if (method === 'euler') {
      flow.f(x, xo, k1, 0);
      for (let i = 0; i < D; i++) out[oo + i] = x[xo + i] + h * k1[i];
      return;
    }
    if (!staged) stages(x, xo);
    for (let i = 0; i < D; i++) out[oo + i] = x[xo + i] + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  };
  const Jrow = new Float64Array(DD);
  const { wgsl } = checkOptions(`${where}: integrate`, options, '{ wgsl: { source, params } }');
  return defineDynamics({
    dim: D,
    name: `${where} (${method}, dt=${dt})`,
    ...(wgsl === undefined ? {} : { wgsl }),
    probe: { state: Array.from({ length: D }, (_, i) => 0.1 * (i + 1)) },
    step(_t, x, xo, out, oo) {
      advance(x, xo, out, oo, false);
    },
    jacobian: (_t, x, xo, out, oo) => { jacobian(x, xo, out, oo); },
    ...fromJacobian(D, (_t, x, xo, out, oo) => { jacobian(x, xo, out, oo); }),
    // Batched evaluation, a tight loop over the rows: with a derivative, the step reuses
    // the stages the Jacobian's chain rule computed (RK4: 4 evaluations of f fewer per step).
    block: {
      step(_t0, n, x, xo, out, oo) {
        for (let k = 0; k < n; k++) advance(x, xo + k * D, out, oo + k * D, false);
      },
      stepDiagonal(_t0, n, x, xo, out, oo, diag, dOff) {
        for (let k = 0; k < n; k++) {
          jacobian(x, xo + k * D, Jrow, 0);
          advance(x, xo + k * D, out, oo + k * D, true);
          for (let i = 0; i < D; i++) diag[dOff + k * D + i] = Jrow[i * D + i];
        }
      },
      stepJacobian(_t0, n, x, xo, out, oo, jac, jo) {
        for (let k = 0; k < n; k++) {
          jacobian(x, xo + k * D, jac, jo + k * DD);
          advance(x, xo + k * D, out, oo + k * D, true);
        }
      },
    },
  });
}
