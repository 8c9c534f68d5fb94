import type { Dynamics } from '@unroll/linearize';
import { solve } from '@unroll/solvers';
import { predictIterationsAtRate } from '@unroll/theory';
import type { Cell } from './case-study.js';
import { measuredRate } from './measured-rate.js';

/** Jacobi's tolerance for the rate rows: stop 'delta', the rule `predictIterationsAtRate` counts. */
export const JACOBI_RATE_TOL = 1e-8;

/** Jacobi's iterations predicted from the LLE beside a measured solve. */
export interface JacobiPrediction {
  readonly lle: number;
  /** e^λ: the rate predicted from the LLE. */
  readonly predictedRate: number;
  /** (δ_n/δ_1)^{1/(n−1)} of the solve; NaN when it has nothing to fit. */
  readonly measuredRate: number;
  readonly predicted: number;
  readonly iterations: number;
}

/**
 * Runs Jacobi (stop 'delta', tol {@link JACOBI_RATE_TOL}) and predicts its count from the
 * per-step LLE λ with `predictIterationsAtRate` (rate e^λ: the error after i iterations is
 * a product of i Jacobians, unifying-framework paper eq. 15 with J̃ = I), from the first
 * change the solve measured.
 */
export function jacobiPrediction(dyn: Dynamics, s0: ArrayLike<number>, T: number, lle: number, init?: Float64Array): JacobiPrediction {
  const r = solve(dyn, s0, T, { method: 'jacobi', stop: 'delta', tol: JACOBI_RATE_TOL, ...(init !== undefined && { init }) });
  const predicted = predictIterationsAtRate({ lle, firstChange: r.trace.delta[0] ?? 0, tol: JACOBI_RATE_TOL, T }).iterations;
  return { lle, predictedRate: Math.exp(lle), measuredRate: measuredRate(r.trace.delta), predicted, iterations: r.iterations };
}

/** The columns of a predicted-vs-measured table, after the study's own leading columns. */
export const jacobiPredictionColumns = ['λ', 'e^λ', 'measured rate', 'predicted its', 'measured its'];

/** One row's cells for {@link jacobiPredictionColumns}. */
export function jacobiPredictionCells(p: JacobiPrediction): Cell[] {
  return [p.lle, p.predictedRate, Number.isFinite(p.measuredRate) ? p.measuredRate : null, p.predicted, p.iterations];
}

/** The largest relative gap |predicted − measured| / measured over some predictions. */
export function worstCountGap(ps: readonly JacobiPrediction[]): number {
  return Math.max(...ps.map((p) => Math.abs(p.predicted - p.iterations) / p.iterations));
}
