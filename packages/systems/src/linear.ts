import { defineDynamics, defineStrategy, type DefinedDynamics, type Strategy } from '@unroll/linearize';
import { checkArrayLength, checkRecord, describeValue, isRecord, UnrollError, type FloatArray, type Structure } from '@unroll/scan';
import { checkNumbers } from './arguments.js';

/** Parameters of {@link linear}. */
export interface LinearParams {
  /** The algebra A lives in (`dense(D)`, `diagonal(D)`, `blockDiagonal(…)`, a custom one). */
  readonly structure: Structure;
  /** One packed matrix (`width` numbers, the same every step) or T of them (`T·width`, row t − 1 for step t). */
  readonly A: ArrayLike<number>;
  /** One D-vector or T of them (`T·D`); default 0. Past the last row, b is 0. */
  readonly b?: ArrayLike<number>;
}

/**
 * The linear system `s_t = A_t s_{t−1} + b_t`, with A packed in any scan structure. Its
 * Jacobian is A_t itself, so Newton (DEER) is exact after one iterate; `strategy` hands
 * the packed A_t to the scan unchanged (O(width) per step instead of a dense D×D), and
 * `jacobian` / `diagonal` expand it by applying A to unit vectors. Its Lyapunov exponent
 * is log ρ(A) for a constant A: the reference case for the theory package.
 *
 * @throws {UnrollError} `DIMENSION_MISMATCH` when A or b has a length that is not a whole
 * number of matrices or vectors; `INVALID_ARGUMENT` when a per-step A is asked for a step
 * past its last.
 */
export function linear(params: LinearParams): DefinedDynamics & {
  /** The parameters it was built from, frozen: passing them back rebuilds the same system. */
  readonly params: LinearParams;
  /** Ã_t = A_t exactly, packed as `params.structure` packs it: `newton(dyn.strategy)` is DEER at `width` numbers a step instead of D². */
  readonly strategy: Strategy;
} {
  checkRecord('linear(params)', 'params', params, '{ structure: diagonal(2), A: [0.5, 0.5], b: [1, 1] }');
  const { structure } = params;
  const given: unknown = structure;
  const shapeOk =
    isRecord(given) &&
    typeof given['apply'] === 'function' &&
    typeof given['name'] === 'string' &&
    typeof given['dim'] === 'number' && Number.isInteger(given['dim']) && given['dim'] >= 1 &&
    typeof given['width'] === 'number' && Number.isInteger(given['width']) && given['width'] >= 0;
  if (!shapeOk) {
    throw new UnrollError('INVALID_ARGUMENT', `linear: structure must be a scan Structure — dense(D), diagonal(D), blockDiagonal(D, B) or one made by defineStructure — got ${describeValue(given)}.`);
  }
  const D = structure.dim, W = structure.width;
  checkArrayLength('linear', `the Jacobian scratch (dim² for structure.dim = ${D})`, D * D, 'use a structure of smaller dim');
  const A = checkNumbers('linear', 'A', params.A);
  const b = params.b === undefined ? new Float64Array(D) : checkNumbers('linear', 'b', params.b);
  if (W === 0 ? A.length !== 0 : A.length === 0 || A.length % W !== 0) {
    throw new UnrollError('DIMENSION_MISMATCH', `linear: A must hold a whole number of ${structure.name} matrices of ${W} numbers, got ${A.length}.`);
  }
  if (b.length === 0 || b.length % D !== 0) {
    throw new UnrollError('DIMENSION_MISMATCH', `linear: b must hold one or T vectors of ${D} numbers, got ${b.length}.`);
  }
  if (A.some((v) => !Number.isFinite(v)) || b.some((v) => !Number.isFinite(v))) throw new UnrollError('NON_FINITE', 'linear: A and b must be finite.');
  const matrices = W === 0 ? 1 : A.length / W, offsets = b.length / D;
  const aOffset = (t: number): number => {
    if (matrices === 1) return 0;
    if (t > matrices) throw new UnrollError('INVALID_ARGUMENT', `linear: A holds ${matrices} steps; step ${t} was asked for. Solve at most ${matrices} steps.`);
    return (t - 1) * W;
  };
  const unit = new Float64Array(D), column = new Float64Array(D), zeros = new Float64Array(D);
  /** column ← A e_j for the matrix at `ao`: the packing is opaque, so expand by applying it. */
  const columnOf = (ao: number, j: number) => {
    unit.fill(0);
    unit[j] = 1;
    structure.apply(A, ao, unit, 0, column, 0);
  };
  const offsetAt = (t: number): [Float64Array, number] => (offsets === 1 ? [b, 0] : t <= offsets ? [b, (t - 1) * D] : [zeros, 0]);

  const dyn = defineDynamics({
    dim: D,
    name: `linear(${structure.name}, D = ${D})`,
    step(t, s, so, out, oo) {
      structure.apply(A, aOffset(t), s, so, out, oo);
      const [bt, bo] = offsetAt(t);
      for (let i = 0; i < D; i++) out[oo + i] = (out[oo + i] ?? 0) + (bt[bo + i] ?? 0);
    },
    jacobian(t, _s, _so, out, oo) {
      const ao = aOffset(t);
      for (let j = 0; j < D; j++) {
        columnOf(ao, j);
        for (let i = 0; i < D; i++) out[oo + i * D + j] = column[i] ?? 0;
      }
    },
    diagonal(t, _s, _so, out, oo) {
      const ao = aOffset(t);
      for (let i = 0; i < D; i++) {
        columnOf(ao, i);
        out[oo + i] = column[i] ?? 0;
      }
    },
    jvp(t, _s, _so, v, vo, out, oo) {
      structure.apply(A, aOffset(t), v, vo, out, oo);
    },
  });
  const strategy = defineStrategy({
    name: `exact ${structure.name}`,
    structure: () => structure,
    prepare: () => ({
      source: `the packed ${structure.name} matrix itself`,
      cost: { storedPerStep: W, calls: { step: 0, jvp: 0, jacobian: 0, diagonal: 0 } },
      fill(t: number, _prev: FloatArray, _po: number, out: FloatArray, oo: number) {
        const ao = aOffset(t);
        for (let k = 0; k < W; k++) out[oo + k] = A[ao + k] ?? 0;
      },
    }),
  });
  return Object.freeze({ ...dyn, params: Object.freeze({ ...params }), strategy });
}
