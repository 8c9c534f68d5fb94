import { checkStrategy, resolveDerivatives, type Dynamics, type Linearizer, type Strategy } from '@unroll/linearize';
import { checkArrayLength, checkInteger, checkOptions, checkSeed, describeValue, isRecord, UnrollError, type FloatArray, type Structure } from '@unroll/scan';
import { inverseNorm } from './inverse-norm.js';
import { spectralNormKernel } from './spectral-norm.js';
import { seedPromise } from './arguments.js';
import { trajectoryShape, trajectoryStates } from './trajectory.js';

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
  /**
   * Numbers the Ã_t may take (default 2^24): T·width in the strategy's structure when it
   * has `applyTranspose` (every built-in), T·D² densified otherwise.
   */
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
 * Ã_t are the strategy's fills at s_{t−1}, kept in its structure (T·width numbers; J̃⁻¹'s
 * Lanczos applies them through `apply` and `applyTranspose`), A_t the dynamics' Jacobians,
 * one step at a time (D² scratch), for t = 2 … T (A_1 multiplies the fixed s_0).
 */
export function convergenceFactor(strategy: Strategy, dyn: Dynamics, s0: ArrayLike<number>, states: FloatArray | number, options?: ConvergenceFactorOptions): ConvergenceFactor {
  const where = 'convergenceFactor';
  checkStrategy(where, 'strategy', strategy, 'full(), diagonal() or identity() from @unroll/linearize');
  const shape = trajectoryShape(where, dyn, s0, states);
  const { D, T } = shape;
  const opts = checkOptions(where, options, '{ maxIterations: 500, seed: 1, memoryBudget: 2 ** 24 }');
  // Defaults apply to absent options only: null is refused like any other wrong type.
  const { memoryBudget: budget = 2 ** 24, maxIterations, seed } = opts;
  const budgetGiven: unknown = budget;
  if (typeof budgetGiven !== 'number' || !(budgetGiven > 0)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: memoryBudget must be a positive number of float64 entries, got ${describeValue(budgetGiven)}.`);
  }
  if (maxIterations !== undefined) checkInteger(where, 'maxIterations', maxIterations, 1, Number.MAX_SAFE_INTEGER, 'bounds');
  if (seed !== undefined) checkSeed(where, 'seed', seed, seedPromise);
  const given: unknown = strategy.structure(D);
  if (!isRecord(given) || given['dim'] !== D || typeof given['apply'] !== 'function' || typeof given['width'] !== 'number' || !Number.isInteger(given['width']) || given['width'] < 0) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: strategy '${strategy.name}' gave ${describeValue(given)} for structure(${D}), not a Structure of dim ${D} with an apply method; check its structure(D).`);
  }
  const structure = given as unknown as Structure;
  // J̃'s blocks stay in the strategy's own structure (T·width numbers) when it can apply
  // their transposes, as Lanczos on J̃⁻¹ needs; otherwise they are densified (T·D²).
  const transpose = structure.applyTranspose?.bind(structure);
  const W = transpose === undefined ? D * D : structure.width;
  if (T * W > budget) {
    throw new UnrollError(
      'MEMORY_BUDGET',
      `convergenceFactor: the Ã_t take T·${transpose === undefined ? 'D²' : 'width'} = ${T * W} numbers, beyond the budget ${budget}; pass a shorter trajectory (the factor is a per-step property) or raise memoryBudget.`,
    );
  }
  checkArrayLength(where, `the Ã_t (T·${W} = ${T}·${W})`, T * W, 'pass a shorter trajectory (the factor is a per-step property)');
  checkArrayLength(where, `one Ã_t of strategy '${strategy.name}' (width ${structure.width})`, structure.width, 'use a smaller structure');
  const s = trajectoryStates(where, dyn, shape);
  const linearizer: unknown = strategy.prepare(dyn);
  if (!isRecord(linearizer) || typeof linearizer['fill'] !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: strategy '${strategy.name}'.prepare(dyn) returned ${describeValue(linearizer)}, not a Linearizer { fill, source, cost }; check its prepare.`);
  }
  const fill = (linearizer as unknown as Linearizer).fill.bind(linearizer);
  const jac = resolveDerivatives(dyn).jacobian.fn;
  const Bt = new Float64Array(Math.max(1, T * W));
  const packed = transpose === undefined ? new Float64Array(Math.max(1, structure.width)) : Bt;
  const A = new Float64Array(D * D), unit = new Float64Array(D), col = new Float64Array(D);
  const diff = new Float64Array(D * D), scratch = new Float64Array(2 * D * D);
  let approximationError = 0;
  for (let t = 2; t <= T; t++) {
    const po = (t - 2) * D;
    const po2 = transpose === undefined ? 0 : (t - 1) * W;
    jac(t, s, po, A, 0);
    fill(t, s, po, packed, po2);
    // One step's Ã_t − A_t, densified through the structure's apply (D² scratch, reused).
    for (let j = 0; j < D; j++) {
      unit.fill(0);
      unit[j] = 1;
      structure.apply(packed, po2, unit, 0, col, 0);
      for (let i = 0; i < D; i++) {
        diff[i * D + j] = (col[i] ?? 0) - (A[i * D + j] ?? 0);
        if (transpose === undefined) Bt[(t - 1) * W + i * D + j] = col[i] ?? 0;
      }
    }
    approximationError = Math.max(approximationError, spectralNormKernel(diff, 0, D, scratch));
  }
  const dense = {
    apply(t: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      const o = (t - 1) * W;
      for (let i = 0; i < D; i++) {
        let acc = 0;
        for (let j = 0; j < D; j++) acc += (Bt[o + i * D + j] ?? 0) * (x[xo + j] ?? 0);
        out[oo + i] = acc;
      }
    },
    applyTranspose(t: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      const o = (t - 1) * W;
      for (let j = 0; j < D; j++) out[oo + j] = 0;
      for (let i = 0; i < D; i++) {
        const xi = x[xo + i] ?? 0;
        for (let j = 0; j < D; j++) out[oo + j] = (out[oo + j] ?? 0) + (Bt[o + i * D + j] ?? 0) * xi;
      }
    },
  };
  const structured = {
    apply(t: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      structure.apply(Bt, (t - 1) * W, x, xo, out, oo);
    },
    applyTranspose(t: number, x: FloatArray, xo: number, out: FloatArray, oo: number) {
      transpose?.(Bt, (t - 1) * W, x, xo, out, oo);
    },
  };
  const inv = inverseNorm(
    { dim: D, steps: T, ...(transpose === undefined ? dense : structured) },
    { ...(maxIterations !== undefined && { maxIterations }), ...(seed !== undefined && { seed }) },
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

