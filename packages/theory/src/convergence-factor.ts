import { resolveDerivatives, type Dynamics, type Strategy } from '@unroll/linearize';
import { UnrollError, type FloatArray } from '@unroll/scan';
import { inverseNorm } from './inverse-norm.js';
import { spectralNorm } from './spectral-norm.js';
import { trajectory } from './trajectory.js';

/** What {@link convergenceFactor} returns. */
export interface ConvergenceFactor {
  /** ‖J̃⁻¹‖₂·‖J̃ − J‖₂: the asymptotic linear rate of the method (< 1 to be meaningful). */
  readonly factor: number;
  /** ln of `factor` (finite where ‖J̃⁻¹‖ overflows). */
  readonly logFactor: number;
  /** ln ‖J̃⁻¹‖₂ — the stability of the method's linear system. */
  readonly logInverseNorm: number;
  /** ‖J̃ − J‖₂ = max_t ‖Ã_t − A_t‖₂ (unifying-framework paper, Lemma 1). */
  readonly approximationError: number;
  /** Whether ‖J̃⁻¹‖ was computed to convergence (otherwise a lower bound). */
  readonly exact: boolean;
}

/** Options of {@link convergenceFactor}. */
export interface ConvergenceFactorOptions {
  /** Lanczos steps for ‖J̃⁻¹‖ (default: to convergence, at most 500). */
  readonly maxIterations?: number;
  readonly seed?: number;
  /** Largest T·D² of dense Ã_t and A_t kept (default 2^24 numbers). */
  readonly memoryBudget?: number;
}

/**
 * The asymptotic linear rate ‖J̃⁻¹‖·‖J̃ − J‖ (unifying-framework paper, Proposition 3 and
 * eq. 15) of the fixed-point method whose transition matrices Ã_t a strategy produces, on
 * this trajectory: J̃ is the block-bidiagonal matrix of the LDS the method solves each
 * iteration, J the true residual Jacobian. Newton (`full()`) gives 0; Jacobi (`zero()`)
 * gives max‖A_t‖ (its J̃ = I); Picard (`identity()`) gives
 * {@link picardInverseNorm}(T)·max‖I − A_t‖; quasi (`diagonal()`) sits between. Smaller
 * means fewer iterations — "use the simplest approximate Jacobian possible, but no simpler".
 *
 * Ã_t are the strategy's fills at s_{t−1} (densified through its structure's `apply`),
 * A_t the dynamics' Jacobians, for t = 2 … T (A_1 multiplies the fixed s_0).
 */
export function convergenceFactor(strategy: Strategy, dyn: Dynamics, s0: ArrayLike<number>, states: FloatArray | number, options: ConvergenceFactorOptions = {}): ConvergenceFactor {
  const { D, T, states: s } = trajectory('convergenceFactor', dyn, s0, states);
  const budget = options.memoryBudget ?? 2 ** 24;
  if (2 * T * D * D > budget) {
    throw new UnrollError('MEMORY_BUDGET', `convergenceFactor: 2·T·D² = ${2 * T * D * D} numbers exceeds the budget ${budget}; pass a shorter trajectory (the factor is a per-step property) or raise memoryBudget.`);
  }
  const structure = strategy.structure(D);
  const linearizer = strategy.prepare(dyn);
  const jac = resolveDerivatives(dyn).jacobian.fn;
  const At = new Float64Array(T * D * D), Bt = new Float64Array(T * D * D);
  const packed = new Float64Array(Math.max(1, structure.width)), unit = new Float64Array(D), col = new Float64Array(D);
  const diff = new Float64Array(D * D), scratch = new Float64Array(2 * D * D);
  let approximationError = 0;
  for (let t = 2; t <= T; t++) {
    const po = (t - 2) * D, o = (t - 1) * D * D;
    jac(t, s, po, At, o);
    linearizer.fill(t, s, po, packed, 0);
    for (let j = 0; j < D; j++) {
      unit.fill(0);
      unit[j] = 1;
      structure.apply(packed, 0, unit, 0, col, 0);
      for (let i = 0; i < D; i++) Bt[o + i * D + j] = col[i] ?? 0;
    }
    for (let k = 0; k < D * D; k++) diff[k] = (Bt[o + k] ?? 0) - (At[o + k] ?? 0);
    approximationError = Math.max(approximationError, spectralNorm(diff, 0, D, scratch));
  }
  const inv = inverseNorm(
    {
      dim: D,
      steps: T,
      apply(t, x, xo, out, oo) {
        const o = (t - 1) * D * D;
        for (let i = 0; i < D; i++) {
          let acc = 0;
          for (let j = 0; j < D; j++) acc += (Bt[o + i * D + j] ?? 0) * (x[xo + j] ?? 0);
          out[oo + i] = acc;
        }
      },
      applyTranspose(t, x, xo, out, oo) {
        const o = (t - 1) * D * D;
        for (let j = 0; j < D; j++) out[oo + j] = 0;
        for (let i = 0; i < D; i++) {
          const xi = x[xo + i] ?? 0;
          for (let j = 0; j < D; j++) out[oo + j] = (out[oo + j] ?? 0) + (Bt[o + i * D + j] ?? 0) * xi;
        }
      },
    },
    { ...(options.maxIterations !== undefined && { maxIterations: options.maxIterations }), ...(options.seed !== undefined && { seed: options.seed }) },
  );
  const logFactor = inv.logNorm + Math.log(approximationError);
  return { factor: Math.exp(logFactor), logFactor, logInverseNorm: inv.logNorm, approximationError, exact: inv.converged };
}

/**
 * ‖J̃⁻¹‖₂ of Picard's LDS in closed form: J̃⁻¹ is the lower-triangular all-ones T×T matrix
 * (⊗ I_D), whose norm is 1/(2 sin(π/(4T + 2))) ≈ 2T/π (unifying-framework paper, Lemma 2).
 */
export function picardInverseNorm(T: number): number {
  if (!Number.isInteger(T) || T < 1) throw new UnrollError('INVALID_ARGUMENT', `picardInverseNorm: T must be an integer ≥ 1, got ${String(T)}.`);
  return 1 / (2 * Math.sin(Math.PI / (4 * T + 2)));
}

