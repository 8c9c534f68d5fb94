import { defineDynamics, diagonal, type Dynamics } from '@unroll/linearize';
import { dense, mulberry32 } from '@unroll/scan';
import { sequentialRollout } from '@unroll/solvers';
import { gru, henonMap, linear, logisticMap, meanFieldRnn } from '@unroll/systems';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gram, residualJacobian, singularValues, smallestSingularValue, symmetricEigenvalues } from '../test/dense-linear-algebra.js';
import { inverseNorm, type BlockBidiagonal } from './inverse-norm.js';
import { meritConditioning } from './merit-conditioning.js';

const code = (c: string) => expect.objectContaining({ code: c }) as Error;

function uniform(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 2 ** 32;
}

function rollout(dyn: Dynamics, s0: ArrayLike<number>, T: number): Float64Array {
  return sequentialRollout(dyn, Float64Array.from(s0), T, new Float64Array(T * dyn.dim)) as Float64Array;
}

/** The A_t (t = 2 … T) of a trajectory, from the dynamics' own Jacobian at s_{t−1}. */
function jacobians(dyn: Dynamics, states: Float64Array, T: number): Float64Array[] {
  const D = dyn.dim;
  const blocks: Float64Array[] = [];
  for (let t = 2; t <= T; t++) {
    const At = new Float64Array(D * D);
    dyn.jacobian!(t, states, (t - 2) * D, At, 0);
    blocks.push(At);
  }
  return blocks;
}

/** σ_min(J)² of the dense residual Jacobian, by one-sided Jacobi SVD. */
function denseMu(blocks: Float64Array[], T: number, D: number): number {
  return smallestSingularValue(residualJacobian(blocks, T, D), T * D) ** 2;
}

const relErr = (x: number, y: number) => Math.abs(x - y) / Math.abs(y);

/**
 * μ for the scalar s_t = a s_{t−1} + c. JᵀJ is tridiagonal: diagonal 1 + a² except the
 * last entry 1, off-diagonal −a. The vector v_j = sin(jθ) satisfies every row but the last
 * with λ = 1 + a² − 2a cos θ; the last row, v_T − a v_{T−1} = λ v_T, becomes
 * sin((T+1)θ) = a sin(Tθ). λ grows with θ, so μ comes from the smallest root, which lies
 * in (0, π/(T+1)) for 0 < a < 1 (the sign changes there).
 */
function toeplitzMu(a: number, T: number): number {
  const f = (x: number) => Math.sin((T + 1) * x) - a * Math.sin(T * x);
  let lo = 0, hi = Math.PI / (T + 1);
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return 1 + a * a - 2 * a * Math.cos(0.5 * (lo + hi));
}

describe('meritConditioning', () => {
  it('equals σ_min(J)² of the dense residual Jacobian for random time-varying linear systems (D ≤ 4, T ≤ 12)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.double({ min: 0.1, max: 1.5, noNaN: true }), (D, T, seed, size) => {
        const rand = uniform(seed);
        // One dense A per step (row t − 1 for step t), so a wrong step index changes J.
        const A = Float64Array.from({ length: T * D * D }, () => size * (2 * rand() - 1));
        const b = Float64Array.from({ length: T * D }, () => 2 * rand() - 1);
        const dyn = linear({ structure: dense(D), A, b });
        const s0 = Array.from({ length: D }, () => 2 * rand() - 1);
        const states = rollout(dyn, s0, T);
        const blocks = Array.from({ length: T - 1 }, (_, i) => A.slice((i + 1) * D * D, (i + 2) * D * D));
        const want = denseMu(blocks, T, D);
        const got = meritConditioning(dyn, s0, states);
        expect(got.exact).toBe(true);
        // Fully reorthogonalized Lanczos spans R^{TD} in at most TD steps.
        expect(got.iterations).toBeLessThanOrEqual(T * D);
        expect(relErr(got.mu, want)).toBeLessThan(1e-8);
        expect(relErr(got.sqrtMu ** 2, got.mu)).toBeLessThan(1e-14);
        expect(Math.abs(got.log10SqrtMu - Math.log10(got.sqrtMu))).toBeLessThan(1e-12);
        // J⁻¹ has identity diagonal blocks, so ‖J⁻¹‖ ≥ 1 and μ ≤ 1.
        expect(got.mu).toBeLessThanOrEqual(1 + 1e-12);
      }),
      { numRuns: 60 },
    );
  });

  it('equals the dense σ_min(J)² on nonlinear systems, with A_t = ∂f_t/∂s evaluated at s_{t−1} of a rollout', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.double({ min: 0.3, max: 3, noNaN: true }), (T, seed, g) => {
        const rand = uniform(seed);
        const systems: [Dynamics, number[]][] = [
          [meanFieldRnn({ dim: 4, g, seed }), Array.from({ length: 4 }, () => 2 * rand() - 1)],
          [henonMap(), [0.5 * rand(), 0.2 * rand()]],
          [gru({ dim: 3, inputDim: 1, seed }), Array.from({ length: 3 }, () => 2 * rand() - 1)],
        ];
        for (const [dyn, s0] of systems) {
          const states = rollout(dyn, s0, T);
          const got = meritConditioning(dyn, s0, states);
          expect(got.exact).toBe(true);
          expect(relErr(got.mu, denseMu(jacobians(dyn, states, T), T, dyn.dim))).toBeLessThan(1e-8);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('gets the A_t from a JVP when the dynamics have no Jacobian, or from finite differences of step', () => {
    const rnn = meanFieldRnn({ dim: 4, g: 1.8, seed: 11 });
    const step: Dynamics['step'] = (t, s, so, out, oo) => { rnn.step(t, s, so, out, oo); };
    const jvpOnly: Dynamics = { dim: 4, step, jvp: (t, s, so, v, vo, out, oo) => { rnn.jvp(t, s, so, v, vo, out, oo); } };
    const stepOnly: Dynamics = { dim: 4, step };
    const s0 = [0.3, -0.1, 0.2, 0.4];
    const T = 40;
    const states = rollout(rnn, s0, T);
    const want = meritConditioning(rnn, s0, states).mu;
    expect(relErr(meritConditioning(jvpOnly, s0, states).mu, want)).toBeLessThan(1e-12);
    expect(relErr(meritConditioning(stepOnly, s0, states).mu, want)).toBeLessThan(1e-6);
  });

  it('T = 1: J = I, so μ = 1 exactly', () => {
    const r = meritConditioning(meanFieldRnn({ dim: 3, g: 5, seed: 1 }), [1, 2, 3], Float64Array.of(0.1, 0.2, 0.3));
    expect(r).toEqual({ mu: 1, sqrtMu: 1, log10SqrtMu: 0, exact: true, converged: true, iterations: 0 });
  });

  it('accepts a float32 trajectory', () => {
    const dyn = meanFieldRnn({ dim: 2, g: 1.2, seed: 5 });
    const states = rollout(dyn, [0.4, -0.3], 10);
    const r32 = meritConditioning(dyn, [0.4, -0.3], Float32Array.from(states));
    expect(relErr(r32.mu, meritConditioning(dyn, [0.4, -0.3], states).mu)).toBeLessThan(1e-5);
  });

  it('s_t = a s_{t−1} with a = 2 or 10: ‖J⁻¹‖ overflows float64, log10SqrtMu matches the closed form', () => {
    // For constant a > 1, J⁻¹ is lower-triangular Toeplitz with entries a^{i−j}: it equals
    // a^{T−1}·u vᵀ (u_i = a^{i−T}, v_j = a^{1−j}) minus a strictly upper part of norm
    // ≤ 1/(a − 1). ‖u‖² = ‖v‖² = Σ_k a^{−2k} → 1/(1 − a^{−2}), so
    // log₁₀ ‖J⁻¹‖ = (T − 1) log₁₀ a + log₁₀(1/(1 − a^{−2})) up to ~a^{−T}.
    for (const [a, T] of [[2, 2000], [10, 1000]] as const) {
      const dyn = linear({ structure: dense(1), A: [a] });
      const states = new Float64Array(T); // s0 = 0 stays 0; the Jacobian is a everywhere.
      const r = meritConditioning(dyn, [0], states);
      const want = -((T - 1) * Math.log10(a) + Math.log10(1 / (1 - a ** -2)));
      expect(r.log10SqrtMu).toBeCloseTo(want, 9);
      expect(r.mu).toBe(0);
      expect(r.sqrtMu).toBe(0);
      expect(r.exact).toBe(true);
    }
  });

  it('logistic map r = 4, T = 3000 (chaotic): finite log10SqrtMu between rigorous entry bounds, slope ≈ −log₁₀ 2', () => {
    const T = 3000;
    const dyn = logisticMap({ r: 4 });
    const states = rollout(dyn, [0.3], T);
    const r = meritConditioning(dyn, [0.3], states);
    expect(Number.isFinite(r.log10SqrtMu)).toBe(true);
    expect(r.mu).toBe(0);
    expect(r.sqrtMu).toBe(0);
    // For D = 1, (J⁻¹)_{ij} = Π_{k=j+1}^{i} A_k. The largest entry m bounds the norm:
    // m ≤ ‖J⁻¹‖₂ ≤ ‖J⁻¹‖_F ≤ T·m. ln m is the maximum subarray sum of ln|A_k| (Kadane).
    let best = 0, run = 0;
    for (let t = 2; t <= T; t++) {
      const s = states[t - 2];
      run = Math.max(0, run + Math.log(Math.abs(4 * (1 - 2 * s))));
      best = Math.max(best, run);
    }
    const logNorm = -r.log10SqrtMu * Math.LN10;
    expect(logNorm).toBeGreaterThanOrEqual(best - 1e-9 * best);
    expect(logNorm).toBeLessThanOrEqual(best + Math.log(T));
    // The Lyapunov exponent is ln 2: ‖J⁻¹‖ ≈ e^{λT}.
    expect(-r.log10SqrtMu / (T - 1)).toBeGreaterThan(0.95 * Math.log10(2));
    expect(-r.log10SqrtMu / (T - 1)).toBeLessThan(1.05 * Math.log10(2));
  });

  it('contracting s_t = 0.5 s_{t−1} + 1: σ_min(J) stays above 1 − a and matches the closed form', () => {
    const a = 0.5;
    const dyn = linear({ structure: dense(1), A: [a], b: [1] });
    for (const T of [2, 5, 40, 64, 1000]) {
      const states = rollout(dyn, [0], T);
      const r = meritConditioning(dyn, [0], states);
      expect(r.exact).toBe(true);
      if (T <= 64) expect(r.iterations).toBeLessThanOrEqual(T);
      // ‖J⁻¹‖ ≤ Σ_k a^k < 1/(1 − a), so √μ > 1 − a, approached as T grows.
      expect(r.sqrtMu).toBeGreaterThan(1 - a);
      expect(relErr(r.mu, toeplitzMu(a, T))).toBeLessThan(1e-10);
      if (T <= 40) expect(relErr(r.mu, denseMu(Array.from({ length: T - 1 }, () => Float64Array.of(a)), T, 1))).toBeLessThan(1e-10);
    }
  });

  it('with a budget on a large problem (T·D > exactLimit) gives exact: false and an upper bound of μ that tightens with more steps', () => {
    const dyn = meanFieldRnn({ dim: 4, g: 0.5, seed: 3 });
    const s0 = [0.1, 0.2, 0.3, 0.4];
    const T = 1100; // T·D = 4400 > 4096
    const states = rollout(dyn, s0, T);
    const truth = meritConditioning(dyn, s0, states, { exactLimit: Infinity });
    expect(truth.exact).toBe(true);
    let previous = Infinity;
    for (const maxIterations of [2, 5, 10, 30]) {
      const r = meritConditioning(dyn, s0, states, { maxIterations });
      expect(r.exact).toBe(false);
      expect(r.iterations).toBeLessThanOrEqual(maxIterations);
      // Ritz values only grow toward ‖J⁻¹‖², so the estimate of μ only falls toward it.
      expect(r.mu).toBeGreaterThanOrEqual(truth.mu * (1 - 1e-12));
      expect(r.mu).toBeLessThanOrEqual(previous * (1 + 1e-12));
      previous = r.mu;
    }
    expect(meritConditioning(dyn, s0, states).exact).toBe(false);
    // A converged run above exactLimit is still reported as an estimate.
    const chaotic = meanFieldRnn({ dim: 4, g: 2, seed: 3 });
    const r = meritConditioning(chaotic, s0, rollout(chaotic, s0, T));
    expect(r).toMatchObject({ exact: false, converged: true });
  });

  it('does not depend on the seed of the start vector', () => {
    const dyn = meanFieldRnn({ dim: 3, g: 1.5, seed: 8 });
    const states = rollout(dyn, [0.2, 0.1, -0.3], 60);
    const base = meritConditioning(dyn, [0.2, 0.1, -0.3], states, { seed: 1 }).mu;
    for (const seed of [2, 99, 12345]) expect(relErr(meritConditioning(dyn, [0.2, 0.1, -0.3], states, { seed }).mu, base)).toBeLessThan(1e-10);
  });

  it('refuses bad input with typed errors that say what to do', () => {
    const dyn = meanFieldRnn({ dim: 2, g: 1, seed: 1 });
    const states = rollout(dyn, [0.1, 0.2], 5);
    expect(() => meritConditioning(dyn, [0.1, 0.2], states.slice(0, 9))).toThrow(code('LENGTH_MISMATCH'));
    expect(() => meritConditioning(dyn, [0.1, 0.2], new Float64Array(0))).toThrow(code('LENGTH_MISMATCH'));
    expect(() => meritConditioning(dyn, [0.1, 0.2], states.slice(0, 9))).toThrow(/T·D numbers/);
    expect(() => meritConditioning(dyn, [0.1], states)).toThrow(code('DIMENSION_MISMATCH'));
    expect(() => meritConditioning(dyn, [0.1, Number.NaN], states)).toThrow(code('NON_FINITE'));
    const bad = states.slice();
    bad[7] = Infinity;
    expect(() => meritConditioning(dyn, [0.1, 0.2], bad)).toThrow(code('NON_FINITE'));
    expect(() => meritConditioning(dyn, [0.1, 0.2], states, { memoryBudget: 20 })).toThrow(code('MEMORY_BUDGET'));
    expect(() => meritConditioning(dyn, [0.1, 0.2], states, { memoryBudget: 20 })).toThrow(/shorter trajectory/);
    for (const opts of [{ maxIterations: 0 }, { maxIterations: 2.5 }, { tol: 0 }, { exactLimit: -1 }, { memoryBudget: 0 }, { seed: Number.NaN }]) {
      expect(() => meritConditioning(dyn, [0.1, 0.2], states, opts)).toThrow(code('INVALID_ARGUMENT'));
    }
    expect(() => meritConditioning({ dim: 0, step: () => undefined }, [], states)).toThrow(code('INVALID_ARGUMENT'));
    // A Jacobian that is not finite along the trajectory: √s at s < 0.
    const sqrt = defineDynamics({ dim: 1, step: (_t, s, so, out, oo) => { out[oo] = Math.sqrt(s[so]); }, jacobian: (_t, s, so, out, oo) => { out[oo] = 0.5 / Math.sqrt(s[so]); }, probe: { state: [1] } });
    expect(() => meritConditioning(sqrt, [1], Float64Array.of(1, -1, 1))).toThrow(code('NON_FINITE'));
  });
});

describe('inverseNorm', () => {
  const scalar = (a: number, T: number): BlockBidiagonal => ({
    dim: 1,
    steps: T,
    apply: (_t, x, xo, out, oo) => { out[oo] = a * x[xo]; },
    applyTranspose: (_t, x, xo, out, oo) => { out[oo] = a * x[xo]; },
  });

  it('is 0 (‖J⁻¹‖ = 1) when every A_t is zero, and 0 for one step', () => {
    expect(inverseNorm(scalar(0, 50))).toMatchObject({ converged: true });
    expect(Math.abs(inverseNorm(scalar(0, 50)).logNorm)).toBeLessThan(1e-15);
    expect(inverseNorm(scalar(3, 1))).toEqual({ logNorm: 0, converged: true, iterations: 0 });
  });

  it('a = 1 (marginal): J⁻¹ is the all-ones lower triangle, ‖J⁻¹‖ = 1 / (2 sin(π / (2(2T+1))))', () => {
    // JJᵀ for J = I − S is tridiagonal 2, −1 with a last diagonal entry of 1; its smallest
    // eigenvalue is 2 − 2 cos(π/(2T+1)) = 4 sin²(π/(2(2T+1))).
    for (const T of [3, 30, 300]) {
      const r = inverseNorm(scalar(1, T));
      expect(r.converged).toBe(true);
      expect(r.logNorm).toBeCloseTo(-Math.log(2 * Math.sin(Math.PI / (2 * (2 * T + 1)))), 11);
    }
  });

  it('stopped early, it is a lower bound that rises with the budget', () => {
    const op = scalar(0.9, 500);
    const exact = inverseNorm(op).logNorm;
    let previous = -Infinity;
    for (const maxIterations of [1, 3, 10, 20]) {
      const r = inverseNorm(op, { maxIterations });
      expect(r.iterations).toBe(maxIterations);
      expect(r.logNorm).toBeLessThanOrEqual(exact + 1e-14);
      expect(r.logNorm).toBeGreaterThanOrEqual(previous - 1e-14);
      previous = r.logNorm;
    }
  });

  it('follows A_t far from 1 in both directions (a = 1e-200 and 1e200) without overflow', () => {
    expect(Math.abs(inverseNorm(scalar(1e-200, 100)).logNorm)).toBeLessThan(1e-15);
    // Closed form of the a = 2 test above: (T − 1) ln a + ln(1/(1 − a^{−2})), the last term 0 here.
    const r = inverseNorm(scalar(1e200, 50));
    expect(r.converged).toBe(true);
    expect(relErr(r.logNorm, 49 * Math.log(1e200))).toBeLessThan(1e-14);
  });

  it('throws NON_FINITE when a product with the A_t is not finite', () => {
    expect(() => inverseNorm(scalar(Number.NaN, 5))).toThrow(code('NON_FINITE'));
    expect(() => inverseNorm(scalar(Infinity, 5))).toThrow(code('NON_FINITE'));
  });

  it('refuses a malformed operator or options', () => {
    expect(() => inverseNorm({ ...scalar(1, 3), steps: 0 })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => inverseNorm({ ...scalar(1, 3), dim: 1.5 })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => inverseNorm(scalar(1, 3), { tol: -1 })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => inverseNorm(scalar(1, 3), { maxIterations: 0 })).toThrow(code('INVALID_ARGUMENT'));
  });
});

describe('dense reference (test/dense-linear-algebra)', () => {
  it('one-sided Jacobi singular values agree with the eigenvalues of MᵀM on well-conditioned matrices', () => {
    const rand = uniform(7);
    for (const n of [1, 2, 5, 12]) {
      const M = Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 3 : 0) + rand() - 0.5);
      const sv = singularValues(M, n, n);
      const ev = symmetricEigenvalues(gram(M, n, n), n).reverse();
      for (let i = 0; i < n; i++) expect(relErr(sv[i] ** 2, ev[i])).toBeLessThan(1e-12);
    }
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
    expect(symmetricEigenvalues(Float64Array.of(2, 1, 1, 2), 2).map((x) => +x.toFixed(14))).toEqual([1, 3]);
  });
});

describe('meritConditioning in the Jacobian’s own structure', () => {
  it('meritConditioning(diagonal system, { jacobian: diagonal() }) stores D per step and equals the dense result', () => {
    const D = 3, T = 60;
    const dyn = defineDynamics({
      dim: D,
      step: (t, s, so, out, oo) => { for (let i = 0; i < D; i++) out[oo + i] = 0.9 * Math.tanh(s[so + i]) + 0.1 * Math.sin(t + i); },
      diagonal: (_t, s, so, out, oo) => { for (let i = 0; i < D; i++) { const c = Math.tanh(s[so + i]); out[oo + i] = 0.9 * (1 - c * c); } },
    });
    const s0 = [0.3, -0.2, 0.1];
    const states = new Float64Array(T * D);
    for (let t = 0; t < T; t++) dyn.step(t + 1, t === 0 ? Float64Array.from(s0) : states, t === 0 ? 0 : (t - 1) * D, states, t * D);
    const dense = meritConditioning(dyn, s0, states);
    const compact = meritConditioning(dyn, s0, states, { jacobian: diagonal() });
    expect(compact.exact).toBe(true);
    expect(Math.abs(compact.log10SqrtMu - dense.log10SqrtMu)).toBeLessThan(1e-9 * (1 + Math.abs(dense.log10SqrtMu)));
    // A budget that holds the diagonal A_t but not the dense ones.
    const budget = (T - 1) * D + 2 * T * D + 2 * T + 66 * T * D + 10;
    expect(() => meritConditioning(dyn, s0, states, { memoryBudget: budget })).toThrow(/MEMORY|memoryBudget/);
    expect(meritConditioning(dyn, s0, states, { memoryBudget: budget, jacobian: diagonal() }).exact).toBe(true);
  });
});
