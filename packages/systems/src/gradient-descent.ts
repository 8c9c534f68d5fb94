import { defineDynamics, type DefinedDynamics } from '@unroll/linearize';
import { checkArrayLength, checkNumber, checkRecord, describeValue, isRecord, UnrollError } from '@unroll/scan';
import { checkIndices, checkOneOf } from './arguments.js';
import type { Loss } from './losses.js';

/** Parameters of {@link gradientDescent}. */
export interface GradientDescentParams {
  /** The loss L whose gradient the optimizer follows; its P parameters are θ. */
  readonly loss: Loss;
  /** The step size η, finite and > 0. */
  readonly learningRate: number;
  /** Minibatches (row indices); step t uses batch (t − 1) mod B. Default: the full data set every step. */
  readonly batches?: readonly (readonly number[])[];
  /** The update rule (default `'sgd'`); the state is θ, `[θ, m]` or `[θ, m, v]`. */
  readonly optimizer?: 'sgd' | 'momentum' | 'adam';
  /** Heavy-ball coefficient μ (default 0.9). */
  readonly momentum?: number;
  /** Adam's first-moment decay β₁ ∈ [0, 1) (default 0.9). */
  readonly beta1?: number;
  /** Adam's second-moment decay β₂ ∈ [0, 1) (default 0.999). */
  readonly beta2?: number;
  /** Adam's ε > 0 in the denominator √(ĉ₂v') + ε (default 1e-8). */
  readonly epsilon?: number;
}

/**
 * An optimizer's trajectory as a dynamical system — state = parameters θ, plus the
 * moments m (momentum) or m, v (Adam) — so a parallel solve evaluates a whole training run
 * at once (the step-parallel optimizer of the PASO paper is Picard with a window; quasi-DEER
 * goes beyond). With g = ∇L_t(θ) and H = ∇²L_t(θ) on step t's minibatch:
 *
 * - SGD: θ' = θ − η g;  J = I − ηH.
 * - Momentum: m' = μm + g, θ' = θ − ηm';  J = [[I − ηH, −ημI], [H, μI]].
 * - Adam: m' = β₁m + (1−β₁)g, v' = β₂v + (1−β₂)g², θ' = θ − η ĉ₁ m'/(√(ĉ₂v') + ε) with
 *   ĉ_k = 1/(1 − β_k^t); its Jacobian follows by the chain rule through g and H (at
 *   v'_i = 0, where √ has no derivative, the v-column is taken as 0).
 *
 * State layout `[θ (P), m (P), v (P)]`.
 */
export function gradientDescent(params: GradientDescentParams): DefinedDynamics & {
  /** The parameters it was built from, frozen: passing them back rebuilds the same system. */
  readonly params: GradientDescentParams;
} {
  const where = 'gradientDescent';
  checkRecord('gradientDescent(params)', 'params', params, "{ loss: leastSquares(X, y), learningRate: 0.1, optimizer: 'sgd' }");
  // Defaults apply to absent fields only: null is refused below like any other wrong type.
  const { loss, learningRate: eta, optimizer = 'sgd', momentum: mu = 0.9, beta1: b1 = 0.9, beta2: b2 = 0.999, epsilon: eps = 1e-8 } = params;
  checkLoss(loss);
  checkOneOf(where, 'optimizer', optimizer, ['sgd', 'momentum', 'adam']);
  const rate: unknown = eta;
  if (typeof rate !== 'number' || !(rate > 0) || !Number.isFinite(rate)) throw new UnrollError('INVALID_ARGUMENT', `gradientDescent: learningRate must be finite and > 0, got ${describeValue(rate)}.`);
  checkNumber(where, 'momentum', mu, { min: 0, max: 1, maxOpen: true });
  checkNumber(where, 'beta1', b1, { min: 0, max: 1, maxOpen: true });
  checkNumber(where, 'beta2', b2, { min: 0, max: 1, maxOpen: true });
  checkNumber(where, 'epsilon', eps, { min: 0, minOpen: true });
  const P = loss.params;
  const batchesGiven: unknown = params.batches;
  if (batchesGiven !== undefined) {
    if (!Array.isArray(batchesGiven) || batchesGiven.length === 0) {
      throw new UnrollError('INVALID_ARGUMENT', `gradientDescent: batches must be non-empty lists of row indices in [0, ${loss.rows}) (or omitted for the full data set), got ${describeValue(batchesGiven)}.`);
    }
    batchesGiven.forEach((b: unknown, k) => { checkIndices(where, `batches[${k}]`, b, loss.rows, false, 'row indices'); });
  }
  const D = optimizer === 'sgd' ? P : optimizer === 'momentum' ? 2 * P : 3 * P;
  checkArrayLength(where, `the Hessian (P² for the loss's ${P} parameters)`, P * P, 'use a smaller model');
  checkArrayLength(where, `the Jacobian of the optimizer step (D² for D = ${D})`, D * D, "use a smaller model, or 'sgd'");
  const all = Array.from({ length: loss.rows }, (_, i) => i);
  const batches = params.batches ?? [all];
  const batch = (t: number) => batches[(t - 1) % batches.length] ?? all;
  const g = new Float64Array(P), H = new Float64Array(P * P), Hv = new Float64Array(P), Hd = new Float64Array(P);
  const A = new Float64Array(P), B = new Float64Array(P);

  const step = (t: number, s: ArrayLike<number>, so: number, out: Float64Array | Float32Array, oo: number) => {
    loss.gradient(s, so, batch(t), g);
    if (optimizer === 'sgd') {
      for (let i = 0; i < P; i++) out[oo + i] = (s[so + i] ?? 0) - eta * (g[i] ?? 0);
    } else if (optimizer === 'momentum') {
      for (let i = 0; i < P; i++) {
        const m = mu * (s[so + P + i] ?? 0) + (g[i] ?? 0);
        out[oo + P + i] = m;
        out[oo + i] = (s[so + i] ?? 0) - eta * m;
      }
    } else {
      const c1 = 1 / (1 - b1 ** t), c2 = 1 / (1 - b2 ** t);
      for (let i = 0; i < P; i++) {
        const gi = g[i] ?? 0;
        const m = b1 * (s[so + P + i] ?? 0) + (1 - b1) * gi;
        const v = b2 * (s[so + 2 * P + i] ?? 0) + (1 - b2) * gi * gi;
        out[oo + P + i] = m;
        out[oo + 2 * P + i] = v;
        out[oo + i] = (s[so + i] ?? 0) - (eta * c1 * m) / (Math.sqrt(c2 * v) + eps);
      }
    }
  };

  /**
   * With g already filled: A_i = ∂θ'_i/∂m'_i and B_i = ∂θ'_i/∂v'_i of Adam's update, so
   * row i of J is e_i + A_i·(row i of the m-block) + B_i·(row i of the v-block).
   */
  const adamCoefficients = (t: number, s: ArrayLike<number>, so: number) => {
    const c1 = 1 / (1 - b1 ** t), c2 = 1 / (1 - b2 ** t);
    for (let i = 0; i < P; i++) {
      const gi = g[i] ?? 0;
      const m = b1 * (s[so + P + i] ?? 0) + (1 - b1) * gi;
      const v = b2 * (s[so + 2 * P + i] ?? 0) + (1 - b2) * gi * gi;
      const q = Math.sqrt(c2 * v);
      const den = q + eps;
      A[i] = (-eta * c1) / den;
      B[i] = q > 0 ? ((eta * c1 * m) / (den * den)) * (c2 / (2 * q)) : 0;
    }
  };

  const jacobian = (t: number, s: ArrayLike<number>, so: number, out: Float64Array | Float32Array, oo: number) => {
    loss.gradient(s, so, batch(t), g);
    loss.hessian(s, so, batch(t), H);
    out.fill(0, oo, oo + D * D);
    const set = (r: number, c: number, v: number) => { out[oo + r * D + c] = v; };
    if (optimizer === 'sgd') {
      for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) set(i, j, (i === j ? 1 : 0) - eta * (H[i * P + j] ?? 0));
      return;
    }
    if (optimizer === 'momentum') {
      for (let i = 0; i < P; i++) {
        for (let j = 0; j < P; j++) {
          const h = H[i * P + j] ?? 0;
          set(i, j, (i === j ? 1 : 0) - eta * h);
          set(P + i, j, h);
        }
        set(i, P + i, -eta * mu);
        set(P + i, P + i, mu);
      }
      return;
    }
    adamCoefficients(t, s, so);
    for (let i = 0; i < P; i++) {
      const gi = g[i] ?? 0;
      for (let j = 0; j < P; j++) {
        const h = H[i * P + j] ?? 0;
        set(P + i, j, (1 - b1) * h);
        set(2 * P + i, j, 2 * (1 - b2) * gi * h);
        set(i, j, (i === j ? 1 : 0) + (A[i] ?? 0) * (1 - b1) * h + (B[i] ?? 0) * 2 * (1 - b2) * gi * h);
      }
      set(P + i, P + i, b1);
      set(2 * P + i, 2 * P + i, b2);
      set(i, P + i, (A[i] ?? 0) * b1);
      set(i, 2 * P + i, (B[i] ?? 0) * b2);
    }
  };

  // J·v through the loss's Hessian-vector product: O(cost of ∇L) instead of O(P²) per step,
  // so Hutchinson and JVP-based strategies scale to larger models.
  const jvp = (t: number, s: ArrayLike<number>, so: number, v: ArrayLike<number>, vo: number, out: Float64Array | Float32Array, oo: number) => {
    loss.hvp(s, so, batch(t), v, vo, Hv);
    if (optimizer === 'sgd') {
      for (let i = 0; i < P; i++) out[oo + i] = (v[vo + i] ?? 0) - eta * (Hv[i] ?? 0);
      return;
    }
    if (optimizer === 'momentum') {
      for (let i = 0; i < P; i++) {
        const vm = v[vo + P + i] ?? 0;
        out[oo + i] = (v[vo + i] ?? 0) - eta * (Hv[i] ?? 0) - eta * mu * vm;
        out[oo + P + i] = (Hv[i] ?? 0) + mu * vm;
      }
      return;
    }
    loss.gradient(s, so, batch(t), g);
    adamCoefficients(t, s, so);
    for (let i = 0; i < P; i++) {
      const gi = g[i] ?? 0, hv = Hv[i] ?? 0;
      const vm = v[vo + P + i] ?? 0, vv = v[vo + 2 * P + i] ?? 0;
      const dm = (1 - b1) * hv + b1 * vm; // row i of the m-block of J·v
      const dv = 2 * (1 - b2) * gi * hv + b2 * vv;
      out[oo + P + i] = dm;
      out[oo + 2 * P + i] = dv;
      out[oo + i] = (v[vo + i] ?? 0) + (A[i] ?? 0) * dm + (B[i] ?? 0) * dv;
    }
  };

  // diag(J) needs only diag(H): no D×D Jacobian per step.
  const diagonal = (t: number, s: ArrayLike<number>, so: number, out: Float64Array | Float32Array, oo: number) => {
    loss.hessianDiagonal(s, so, batch(t), Hd);
    if (optimizer === 'sgd') {
      for (let i = 0; i < P; i++) out[oo + i] = 1 - eta * (Hd[i] ?? 0);
      return;
    }
    if (optimizer === 'momentum') {
      for (let i = 0; i < P; i++) {
        out[oo + i] = 1 - eta * (Hd[i] ?? 0);
        out[oo + P + i] = mu;
      }
      return;
    }
    loss.gradient(s, so, batch(t), g);
    adamCoefficients(t, s, so);
    for (let i = 0; i < P; i++) {
      const gi = g[i] ?? 0, h = Hd[i] ?? 0;
      out[oo + i] = 1 + (A[i] ?? 0) * (1 - b1) * h + (B[i] ?? 0) * 2 * (1 - b2) * gi * h;
      out[oo + P + i] = b1;
      out[oo + 2 * P + i] = b2;
    }
  };

  const dyn = defineDynamics({
    dim: D,
    name: `gradient-descent(${optimizer}, ${loss.name})`,
    step: (t, s, so, out, oo) => { step(t, s, so, out, oo); },
    jacobian: (t, s, so, out, oo) => { jacobian(t, s, so, out, oo); },
    diagonal: (t, s, so, out, oo) => { diagonal(t, s, so, out, oo); },
    jvp: (t, s, so, v, vo, out, oo) => { jvp(t, s, so, v, vo, out, oo); },
  });
  return Object.freeze({ ...dyn, params: Object.freeze({ ...params }) });
}

/** Throws unless `loss` is a {@link Loss}: positive integer `params` and `rows`, and its derivative functions. */
function checkLoss(loss: unknown): asserts loss is Loss {
  const fns = ['gradient', 'hessian', 'hessianDiagonal', 'hvp'] as const;
  if (!isRecord(loss) || fns.some((f) => typeof loss[f] !== 'function')) {
    throw new UnrollError(
      'INVALID_ARGUMENT',
      `gradientDescent: loss must be a Loss — leastSquares(X, y), logisticRegression(X, y), tinyMlp(X, y), or your own { params, rows, gradient, hessian, hessianDiagonal, hvp } — got ${describeValue(loss)}.`,
    );
  }
  for (const key of ['params', 'rows'] as const) {
    const v = loss[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new UnrollError('INVALID_ARGUMENT', `gradientDescent: loss.${key} must be a positive integer, got ${describeValue(v)}.`);
    }
  }
}
