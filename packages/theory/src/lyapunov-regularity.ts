import { resolveDerivatives, type Dynamics } from '@unroll/linearize';
import { checkInteger, checkRecord, describeValue, UnrollError, type FloatArray } from '@unroll/scan';
import { spectralNormKernel } from './spectral-norm.js';
import { trajectoryShape, trajectoryStates } from './trajectory.js';

/** What {@link lyapunovRegularity} returns: the tightest constants of eq. 10 on this trajectory. */
export interface LyapunovRegularity {
  /** a = max ‖J_{t+k−1}⋯J_t‖₂ e^{−λk} ≥ 1 (transient overshoot). */
  readonly a: number;
  /** b = min ‖J_{t+k−1}⋯J_t‖₂ e^{−λk} ≤ 1 (transient undershoot). */
  readonly b: number;
}

/**
 * Measures the burn-in constants of the LLE regularity condition (predictability paper,
 * eq. 10), b e^{λk} ≤ ‖J_{t+k−1}⋯J_t‖ ≤ a e^{λk} for t ≥ 2, k ≥ 0, over every window of
 * the given trajectory (k = 0 contributes 1 to both), so `plBounds({ lle, T, a, b })`
 * brackets this trajectory's μ. Products are rescaled by e^{−λ} each step and never
 * overflow. Cost O(T·maxSpan·D³): meant for the small problems of tests and studies.
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` (not a Dynamics, options not `{ lle, maxSpan? }`,
 *   lle not finite, maxSpan not an integer in [1, T]), `DIMENSION_MISMATCH` /
 *   `LENGTH_MISMATCH` / `NON_FINITE` (s0, states), `MEMORY_BUDGET` when T·D² exceeds 2^24
 *   numbers.
 */
export function lyapunovRegularity(dyn: Dynamics, s0: ArrayLike<number>, states: FloatArray | number, options: { lle: number; maxSpan?: number }): LyapunovRegularity {
  const where = 'lyapunovRegularity';
  const shape = trajectoryShape(where, dyn, s0, states);
  const { D, T, s0: start } = shape;
  checkRecord(where, 'options', options, '{ lle: -0.5 }');
  const lle: unknown = options.lle;
  if (typeof lle !== 'number' || !Number.isFinite(lle)) throw new UnrollError('INVALID_ARGUMENT', `lyapunovRegularity: lle must be finite, got ${describeValue(lle)}.`);
  const { maxSpan = T } = options;
  checkInteger(where, 'maxSpan', maxSpan, 1, Number.MAX_SAFE_INTEGER, 'bounds');
  if (T * D * D > 2 ** 24) throw new UnrollError('MEMORY_BUDGET', `lyapunovRegularity: T·D² = ${T * D * D} numbers exceeds 2^24; pass a shorter trajectory.`);
  const s = trajectoryStates(where, dyn, shape);
  const jac = resolveDerivatives(dyn).jacobian.fn;
  const J = new Float64Array(T * D * D);
  for (let t = 1; t <= T; t++) jac(t, t === 1 ? start : s, t === 1 ? 0 : (t - 2) * D, J, (t - 1) * D * D);
  const P = new Float64Array(D * D), Q = new Float64Array(D * D), scratch = new Float64Array(2 * D * D);
  const shrink = Math.exp(-lle);
  let a = 1, b = 1;
  for (let t = 2; t <= T; t++) {
    P.fill(0);
    for (let i = 0; i < D; i++) P[i * D + i] = 1;
    for (let k = 1; k <= maxSpan && t + k - 1 <= T; k++) {
      // P ← e^{−λ} J_{t+k−1} P
      const jo = (t + k - 2) * D * D;
      for (let i = 0; i < D; i++) {
        for (let j = 0; j < D; j++) {
          let acc = 0;
          for (let m = 0; m < D; m++) acc += (J[jo + i * D + m] ?? 0) * (P[m * D + j] ?? 0);
          Q[i * D + j] = acc * shrink;
        }
      }
      P.set(Q);
      const n = spectralNormKernel(P, 0, D, scratch);
      if (n > a) a = n;
      if (n < b) b = n;
    }
  }
  return { a, b };
}
