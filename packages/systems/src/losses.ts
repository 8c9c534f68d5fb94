import { checkArrayLength, describeValue, UnrollError } from '@unroll/scan';
import { checkNumbers, checkOut, isArrayLike } from './arguments.js';

/**
 * A loss over a data set with closed-form gradient and Hessian on a minibatch (the rows
 * `batch` of the data): what `gradientDescent` differentiates.
 */
export interface Loss {
  /** A name for messages (`'least-squares'`, `'logistic-regression'`, `'tiny-mlp'`). */
  readonly name: string;
  /** Number of parameters P. */
  readonly params: number;
  /** Number of data rows. */
  readonly rows: number;
  /** L_B(θ): the loss of the parameters θ (P numbers from index 0) on the rows `batch`. */
  value(theta: ArrayLike<number>, batch: ArrayLike<number>): number;
  /** out ← ∇L_B(θ) (P numbers). */
  gradient(theta: ArrayLike<number>, to: number, batch: ArrayLike<number>, out: Float64Array): void;
  /** out ← ∇²L_B(θ), P×P row-major. */
  hessian(theta: ArrayLike<number>, to: number, batch: ArrayLike<number>, out: Float64Array): void;
  /** out ← diag ∇²L_B(θ) (P numbers) in closed form: what the quasi (diagonal) strategies need. */
  hessianDiagonal(theta: ArrayLike<number>, to: number, batch: ArrayLike<number>, out: Float64Array): void;
  /** out ← ∇²L_B(θ)·v (P numbers) in closed form, without forming the Hessian. */
  hvp(theta: ArrayLike<number>, to: number, batch: ArrayLike<number>, v: ArrayLike<number>, vo: number, out: Float64Array): void;
  /** Plain data describing the loss. */
  readonly data: {
    /** Which loss (`'least-squares'`, `'logistic-regression'`, `'tiny-mlp'`). */
    readonly kind: string;
    /** The features: N rows of finite numbers. */
    readonly X: readonly (readonly number[])[];
    /** The targets: N finite numbers. */
    readonly y: readonly number[];
    /** Hidden units, for `'tiny-mlp'`. */
    readonly hidden?: number;
  };
}

/**
 * Checks a data set — X: N ≥ 1 rows of P ≥ 1 finite features, y: N finite targets — and
 * returns P.
 */
export function checkData(where: string, X: readonly (readonly number[])[], y: readonly number[]): number {
  const rows: unknown = X, targets: unknown = y;
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: X must be N rows of P > 0 features (an array of arrays), got ${describeValue(rows)}.`);
  }
  const first: unknown = rows[0];
  const P = isArrayLike(first) ? first.length : 0;
  if (P === 0) throw new UnrollError('INVALID_ARGUMENT', `${where}: X[0] must be an array of P > 0 features (X must be N rows of P > 0 features), got ${describeValue(first)}.`);
  checkArrayLength(where, `X (N·P = ${rows.length}·${P})`, rows.length * P, 'pass less data');
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i];
    if (!isArrayLike(row) || row.length !== P) {
      throw new UnrollError('DIMENSION_MISMATCH', `${where}: X must be N rows of P > 0 features: X[${i}] has ${isArrayLike(row) ? `${row.length} entries` : describeValue(row)}, X[0] has ${P}.`);
    }
    checkNumbers(where, `X[${i}]`, row, P);
  }
  if (!isArrayLike(targets)) throw new UnrollError('INVALID_ARGUMENT', `${where}: y must be an array of N = ${rows.length} targets, got ${describeValue(targets)}.`);
  if (targets.length !== rows.length) {
    throw new UnrollError('DIMENSION_MISMATCH', `${where}: y has ${targets.length} targets but X has ${rows.length} rows (X must be N rows of P > 0 features and y N targets).`);
  }
  checkNumbers(where, 'y', targets, rows.length);
  return P;
}

/** L_B(θ) = 1/(2|B|) Σ_{i∈B} (x_iᵀθ − y_i)²: ∇ = Xᵀ(Xθ − y)/|B|, ∇² = XᵀX/|B|. */
export function leastSquares(X: readonly (readonly number[])[], y: readonly number[]): Loss {
  const P = checkData('leastSquares', X, y);
  const dot = (theta: ArrayLike<number>, to: number, i: number) => (X[i] ?? []).reduce((acc, v, j) => acc + v * (theta[to + j] ?? 0), 0);
  return {
    name: 'least-squares',
    params: P,
    rows: X.length,
    data: { kind: 'least-squares', X, y },
    value(theta, batch) {
      let acc = 0;
      for (let k = 0; k < batch.length; k++) {
        const i = batch[k] ?? 0;
        acc += (dot(theta, 0, i) - (y[i] ?? 0)) ** 2;
      }
      return acc / (2 * batch.length);
    },
    gradient(theta, to, batch, out) {
      checkOut('leastSquares(…).gradient', 'out', out, P);
      out.fill(0);
      for (let k = 0; k < batch.length; k++) {
        const i = batch[k] ?? 0;
        const r = dot(theta, to, i) - (y[i] ?? 0);
        const row = X[i] ?? [];
        for (let j = 0; j < P; j++) out[j] = (out[j] ?? 0) + (r * (row[j] ?? 0)) / batch.length;
      }
    },
    ...glmCurvature(X, P, () => 1),
  };
}

/**
 * Logistic regression with labels y ∈ {−1, +1}: L_B(θ) = (1/|B|) Σ log(1 + e^{−y_i x_iᵀθ});
 * ∇ = −(1/|B|) Σ y_i σ(−z_i) x_i and ∇² = (1/|B|) Σ σ(z_i)σ(−z_i) x_i x_iᵀ, z_i = y_i x_iᵀθ.
 */
export function logisticRegression(X: readonly (readonly number[])[], y: readonly number[]): Loss {
  const P = checkData('logisticRegression', X, y);
  if (y.some((v) => v !== 1 && v !== -1)) throw new UnrollError('INVALID_ARGUMENT', 'logisticRegression: labels must be −1 or +1.');
  const z = (theta: ArrayLike<number>, to: number, i: number) => (y[i] ?? 0) * (X[i] ?? []).reduce((acc, v, j) => acc + v * (theta[to + j] ?? 0), 0);
  const sigma = (v: number) => 1 / (1 + Math.exp(-v));
  return {
    name: 'logistic-regression',
    params: P,
    rows: X.length,
    data: { kind: 'logistic-regression', X, y },
    value(theta, batch) {
      let acc = 0;
      for (let k = 0; k < batch.length; k++) acc += Math.log1p(Math.exp(-z(theta, 0, batch[k] ?? 0)));
      return acc / batch.length;
    },
    gradient(theta, to, batch, out) {
      checkOut('logisticRegression(…).gradient', 'out', out, P);
      out.fill(0);
      for (let k = 0; k < batch.length; k++) {
        const i = batch[k] ?? 0;
        const c = (-(y[i] ?? 0) * sigma(-z(theta, to, i))) / batch.length;
        const row = X[i] ?? [];
        for (let j = 0; j < P; j++) out[j] = (out[j] ?? 0) + c * (row[j] ?? 0);
      }
    },
    ...glmCurvature(X, P, (theta, to, i) => {
      const zi = z(theta, to, i);
      return sigma(zi) * sigma(-zi);
    }),
  };
}

/**
 * The second-order part of a generalized linear loss, ∇²L_B = (1/|B|) Σ w_i x_i x_iᵀ with a
 * per-row weight w_i(θ) (1 for least squares, σ(z_i)σ(−z_i) for logistic regression): the
 * Hessian, its diagonal, and the product ∇²·v = Σ w_i x_i (x_iᵀv)/|B| without the P×P matrix.
 */
function glmCurvature(
  X: readonly (readonly number[])[],
  P: number,
  weight: (theta: ArrayLike<number>, to: number, i: number) => number,
): Pick<Loss, 'hessian' | 'hessianDiagonal' | 'hvp'> {
  // Plain loops, no per-call closures: these run once per step of a solve.
  return {
    hessian(theta, to, batch, out) {
      checkOut('loss.hessian', 'out', out, P * P);
      out.fill(0);
      for (let k = 0; k < batch.length; k++) {
        const i = batch[k] ?? 0, row = X[i] ?? [], c = weight(theta, to, i) / batch.length;
        for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) out[a * P + b] = (out[a * P + b] ?? 0) + c * (row[a] ?? 0) * (row[b] ?? 0);
      }
    },
    hessianDiagonal(theta, to, batch, out) {
      checkOut('loss.hessianDiagonal', 'out', out, P);
      out.fill(0);
      for (let k = 0; k < batch.length; k++) {
        const i = batch[k] ?? 0, row = X[i] ?? [], c = weight(theta, to, i) / batch.length;
        for (let j = 0; j < P; j++) out[j] = (out[j] ?? 0) + c * (row[j] ?? 0) ** 2;
      }
    },
    hvp(theta, to, batch, v, vo, out) {
      checkOut('loss.hvp', 'out', out, P);
      out.fill(0);
      for (let k = 0; k < batch.length; k++) {
        const i = batch[k] ?? 0, row = X[i] ?? [];
        let xv = 0;
        for (let j = 0; j < P; j++) xv += (row[j] ?? 0) * (v[vo + j] ?? 0);
        const c = (weight(theta, to, i) * xv) / batch.length;
        for (let j = 0; j < P; j++) out[j] = (out[j] ?? 0) + c * (row[j] ?? 0);
      }
    },
  };
}
