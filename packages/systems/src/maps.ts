import { checkNumber, checkOptions, checkRecord } from '@unroll/scan';
import { defineDynamics, type DefinedDynamics } from '@unroll/linearize';
import { packParams } from './wgsl-params.js';

/** Parameters of {@link logisticMap}. */
export interface LogisticMapParams {
  /** The growth rate r (any finite number; the map keeps [0, 1] for r ∈ [0, 4]; chaotic at 4). */
  readonly r: number;
}

/**
 * The logistic map `s' = r s (1 − s)` on [0, 1]: predictable for r < 3 (a stable fixed
 * point), chaotic at r = 4 (Lyapunov exponent ln 2). Jacobian `r (1 − 2s)`. Carries its
 * WGSL (the same map in f32, `params = [r]`), so the GPU runtime runs it as it is.
 */
export function logisticMap(params: LogisticMapParams): DefinedDynamics & {
  /** The parameters it was built from, frozen: passing them back rebuilds the same system. */
  readonly params: LogisticMapParams;
} {
  checkRecord('logisticMap(params)', 'params', params, '{ r: 3.5 }');
  const { r } = params;
  checkNumber('logisticMap', 'r', r);
  const derivative = (s: number) => r * (1 - 2 * s);
  const dyn = defineDynamics({
    dim: 1,
    name: 'logistic-map',
    probe: { state: [0.3] },
    wgsl: {
      params: packParams('logisticMap', [['r', [r]]]).params,
      source: /* wgsl */ `
// s' = r s (1 − s), ∂s'/∂s = r (1 − 2s)
fn step(t: u32, s: State) -> State { return State(params[0] * s[0] * (1.0 - s[0])); }
fn diagonal(t: u32, s: State) -> State { return State(params[0] * (1.0 - 2.0 * s[0])); }
fn jacobian(t: u32, s: State) -> Jacobian { return Jacobian(params[0] * (1.0 - 2.0 * s[0])); }
fn vjp(t: u32, s: State, v: State) -> State { return State(v[0] * params[0] * (1.0 - 2.0 * s[0])); }
`,
    },
    step: (_t, s, so, out, oo) => { out[oo] = r * s[so] * (1 - s[so]); },
    // Batched evaluation: one tight loop over the block's states.
    block: {
      step: (_t0, n, s, so, out, oo) => {
        for (let k = 0; k < n; k++) out[oo + k] = r * s[so + k] * (1 - s[so + k]);
      },
      stepDiagonal: (_t0, n, s, so, out, oo, diag, dOff) => {
        for (let k = 0; k < n; k++) {
          out[oo + k] = r * s[so + k] * (1 - s[so + k]);
          diag[dOff + k] = derivative(s[so + k]);
        }
      },
      stepJacobian: (_t0, n, s, so, out, oo, jac, jo) => {
        for (let k = 0; k < n; k++) {
          out[oo + k] = r * s[so + k] * (1 - s[so + k]);
          jac[jo + k] = derivative(s[so + k]);
        }
      },
    },
    jacobian: (_t, s, so, out, oo) => { out[oo] = derivative(s[so]); },
    diagonal: (_t, s, so, out, oo) => { out[oo] = derivative(s[so]); },
    jvp: (_t, s, so, v, vo, out, oo) => { out[oo] = derivative(s[so]) * v[vo]; },
  });
  return Object.freeze({ ...dyn, params: Object.freeze({ r }) });
}

/** Parameters of {@link henonMap}. */
export interface HenonMapParams {
  /** The quadratic coefficient a (default 1.4). */
  readonly a: number;
  /** The contraction b: the Jacobian's determinant is −b (default 0.3). */
  readonly b: number;
}

/**
 * The Hénon map `(x, y)' = (1 − a x² + y, b x)`: chaotic at the classic (1.4, 0.3) with
 * largest Lyapunov exponent ≈ 0.419. Jacobian `[[−2a x, 1], [b, 0]]`. Carries its WGSL
 * (the same map in f32, `params = [a, b]`), so the GPU runtime runs it as it is.
 */
export function henonMap(params?: HenonMapParams): DefinedDynamics & {
  /** The parameters it was built from, frozen: passing them back rebuilds the same system. */
  readonly params: HenonMapParams;
} {
  const given = checkOptions<Partial<HenonMapParams>>('henonMap(params)', params, '{ a: 1.4, b: 0.3 }', 'params');
  const { a = 1.4, b = 0.3 } = given;
  checkNumber('henonMap', 'a', a);
  checkNumber('henonMap', 'b', b);
  const dyn = defineDynamics({
    dim: 2,
    name: 'henon-map',
    wgsl: {
      params: packParams('henonMap', [['[a, b]', [a, b]]]).params,
      source: /* wgsl */ `
// (x, y)' = (1 − a x² + y, b x)
fn step(t: u32, s: State) -> State { return State(1.0 - params[0] * s[0] * s[0] + s[1], params[1] * s[0]); }
fn diagonal(t: u32, s: State) -> State { return State(-2.0 * params[0] * s[0], 0.0); }
fn jacobian(t: u32, s: State) -> Jacobian { return Jacobian(-2.0 * params[0] * s[0], 1.0, params[1], 0.0); }
fn vjp(t: u32, s: State, v: State) -> State { return State(-2.0 * params[0] * s[0] * v[0] + params[1] * v[1], v[0]); }
`,
    },
    step: (_t, s, so, out, oo) => {
      const x = s[so], y = s[so + 1];
      out[oo] = 1 - a * x * x + y;
      out[oo + 1] = b * x;
    },
    // Batched evaluation: one tight loop over the block's states (rows of 2).
    block: {
      step: (_t0, n, s, so, out, oo) => {
        for (let k = 0; k < 2 * n; k += 2) {
          const x = s[so + k], y = s[so + k + 1];
          out[oo + k] = 1 - a * x * x + y;
          out[oo + k + 1] = b * x;
        }
      },
      stepDiagonal: (_t0, n, s, so, out, oo, diag, dOff) => {
        for (let k = 0; k < 2 * n; k += 2) {
          const x = s[so + k], y = s[so + k + 1];
          out[oo + k] = 1 - a * x * x + y;
          out[oo + k + 1] = b * x;
          diag[dOff + k] = -2 * a * x;
          diag[dOff + k + 1] = 0;
        }
      },
      stepJacobian: (_t0, n, s, so, out, oo, jac, jo) => {
        for (let k = 0; k < n; k++) {
          const x = s[so + 2 * k], y = s[so + 2 * k + 1];
          out[oo + 2 * k] = 1 - a * x * x + y;
          out[oo + 2 * k + 1] = b * x;
          jac[jo + 4 * k] = -2 * a * x;
          jac[jo + 4 * k + 1] = 1;
          jac[jo + 4 * k + 2] = b;
          jac[jo + 4 * k + 3] = 0;
        }
      },
    },
    jacobian: (_t, s, so, out, oo) => {
      out[oo] = -2 * a * s[so];
      out[oo + 1] = 1;
      out[oo + 2] = b;
      out[oo + 3] = 0;
    },
    diagonal: (_t, s, so, out, oo) => {
      out[oo] = -2 * a * s[so];
      out[oo + 1] = 0;
    },
    jvp: (_t, s, so, v, vo, out, oo) => {
      out[oo] = -2 * a * s[so] * v[vo] + v[vo + 1];
      out[oo + 1] = b * v[vo];
    },
  });
  return Object.freeze({ ...dyn, params: Object.freeze({ a, b }) });
}
