import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxRelErr, referenceJacobian, seeded, strip, testSystems } from '../test/systems.js';
import { diagonal as diagonalStructure, identity as identityStructure } from '@unroll/scan';
import { clipped, defineDynamics, defineStrategy, defineStructure, diagonal, full, hutchinson, identity, scaled, zero, type Dynamics, type Strategy } from './index.js';

const dims = fc.integer({ min: 1, max: 6 });
const seeds = fc.integer({ min: 1, max: 2 ** 30 });

function randomState(D: number, seed: number, scale = 1.5): Float64Array {
  const rand = seeded(seed);
  return Float64Array.from({ length: D }, () => 2 * scale * rand());
}

function fillOnce(strategy: Strategy, dyn: Dynamics, t: number, s: Float64Array): Float64Array {
  const out = new Float64Array(strategy.structure(dyn.dim).width);
  strategy.prepare(dyn).fill(t, s, 0, out, 0);
  return out;
}

function closedJacobian(dyn: Dynamics, t: number, s: Float64Array): Float64Array {
  const J = new Float64Array(dyn.dim * dyn.dim);
  dyn.jacobian?.(t, s, 0, J, 0);
  return J;
}

const diagOf = (J: Float64Array, D: number) => Float64Array.from({ length: D }, (_, i) => J[i * D + i]);

describe('test systems', () => {
  it('each closed-form jacobian matches central finite differences of step (1e-6)', () => {
    fc.assert(
      fc.property(dims, seeds, fc.integer({ min: 1, max: 50 }), (D, seed, t) => {
        for (const { make } of testSystems) {
          const dyn = make(D, seed);
          const s = randomState(D, seed + 1);
          expect(maxRelErr(closedJacobian(dyn, t, s), referenceJacobian(dyn, t, s))).toBeLessThan(1e-6);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('strategies produce the expected Ã_t', () => {
  it('full() is the closed-form jacobian exactly, and D JVPs (closed 1e-12, finite-difference 1e-6) without one', () => {
    fc.assert(
      fc.property(dims, seeds, fc.integer({ min: 1, max: 50 }), (D, seed, t) => {
        for (const { make } of testSystems) {
          const dyn = make(D, seed);
          const s = randomState(D, seed + 2);
          const J = closedJacobian(dyn, t, s);
          expect(maxRelErr(fillOnce(full(), dyn, t, s), J)).toBe(0);
          expect(maxRelErr(fillOnce(full(), strip(dyn, ['jvp']), t, s), J)).toBeLessThan(1e-12);
          expect(maxRelErr(fillOnce(full(), strip(dyn), t, s), J)).toBeLessThan(1e-6);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('diagonal() is the closed-form diagonal, the jacobian diagonal, or D JVPs — and says which', () => {
    fc.assert(
      fc.property(dims, seeds, fc.integer({ min: 1, max: 50 }), (D, seed, t) => {
        for (const { make } of testSystems) {
          const dyn = make(D, seed);
          const s = randomState(D, seed + 3);
          const expected = diagOf(closedJacobian(dyn, t, s), D);
          expect(maxRelErr(fillOnce(diagonal(), dyn, t, s), expected)).toBeLessThan(1e-12);
          expect(maxRelErr(fillOnce(diagonal(), strip(dyn, ['jacobian']), t, s), expected)).toBe(0);
          expect(maxRelErr(fillOnce(diagonal(), strip(dyn, ['jvp']), t, s), expected)).toBeLessThan(1e-12);
          expect(maxRelErr(fillOnce(diagonal(), strip(dyn), t, s), expected)).toBeLessThan(1e-6);
        }
      }),
      { numRuns: 30 },
    );
    const dyn = testSystems[0].make(3, 1);
    expect(diagonal().prepare(dyn).source).toBe('closed-form diagonal');
    expect(diagonal().prepare(strip(dyn, ['jacobian'])).source).toBe('diagonal read off the closed-form jacobian');
    expect(diagonal().prepare(strip(dyn, ['jvp'])).source).toBe('diagonal from 3 closed-form JVPs');
    expect(diagonal().prepare(strip(dyn)).source).toBe('diagonal from 3 finite-difference JVPs');
  });

  it('identity() and zero() store nothing and call nothing', () => {
    const dyn = testSystems[1].make(4, 2);
    for (const [strategy, name] of [[identity(), 'identity'], [zero(), 'zero']] as const) {
      expect(strategy.structure(4).name).toBe(name);
      expect(strategy.structure(4).width).toBe(0);
      const lin = strategy.prepare(dyn);
      expect(lin.cost).toEqual({ storedPerStep: 0, calls: { step: 0, jvp: 0, jacobian: 0, diagonal: 0 } });
      expect(() => { lin.fill(1, new Float64Array(4), 0, new Float64Array(0), 0); }).not.toThrow();
    }
  });

  it('scaled(k, base) is exactly (1 − k) times the base, for a constant k and a per-step k_t', () => {
    fc.assert(
      fc.property(dims, seeds, fc.double({ min: 0, max: 1, noNaN: true }), (D, seed, k) => {
        const dyn = testSystems[0].make(D, seed);
        const s = randomState(D, seed + 4);
        const J = closedJacobian(dyn, 3, s);
        expect(Array.from(fillOnce(scaled(k, full()), dyn, 3, s))).toEqual(Array.from(J, (v) => (1 - k) * v));
        const d = diagOf(J, D);
        expect(maxRelErr(fillOnce(scaled(k, diagonal()), dyn, 3, s), d.map((v) => (1 - k) * v))).toBeLessThan(1e-12);
      }),
      { numRuns: 50 },
    );
    const dyn = testSystems[1].make(2, 9);
    const s = randomState(2, 5);
    const perStep = scaled((t) => (t % 2 === 0 ? 0 : 1), full());
    expect(Array.from(fillOnce(perStep, dyn, 2, s))).toEqual(Array.from(closedJacobian(dyn, 2, s)));
    expect(maxRelErr(fillOnce(perStep, dyn, 3, s), [0, 0, 0, 0])).toBe(0);
    expect(() => fillOnce(scaled(() => 1.5, full()), dyn, 1, s)).toThrow(/k\(1\) = 1.5 is outside \[0, 1\]/);
    expect(() => scaled(-0.1, full())).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
    // Damped Picard: (1 − k)·I needs the diagonal structure.
    const damped = scaled(0.25, identity());
    expect(damped.structure(2).name).toBe('diagonal');
    expect(Array.from(fillOnce(damped, dyn, 1, s))).toEqual([0.75, 0.75]);
    const unscalable = (D: number) => {
      // Dropping `scale` by destructuring: the method is discarded, never called unbound.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      const { scale: _dropped, ...rest } = diagonalStructure(D);
      return { ...rest, name: 'unscalable' };
    };
    const permutations = defineStrategy({ name: 'perm', structure: unscalable, prepare: (d) => diagonal().prepare(d) });
    expect(() => scaled(0.5, permutations).prepare(dyn)).toThrow(/cannot hold \(1 − k\)·A/);
  });

  it('clipped() clips the exact diagonal to [lo, hi] (default [−1, 1])', () => {
    fc.assert(
      fc.property(dims, seeds, (D, seed) => {
        const dyn = testSystems[1].make(D, seed); // W tanh(s): diagonal entries can exceed 1
        const s = randomState(D, seed + 5, 0.3);
        const d = diagOf(closedJacobian(dyn, 1, s), D);
        expect(Array.from(fillOnce(clipped(), dyn, 1, s))).toEqual(Array.from(d, (v) => Math.min(1, Math.max(-1, v))));
        expect(Array.from(fillOnce(clipped({ lo: -0.2, hi: 0.3 }), dyn, 1, s))).toEqual(Array.from(d, (v) => Math.min(0.3, Math.max(-0.2, v))));
      }),
    );
    expect(() => clipped({ lo: 1, hi: -1 })).toThrow(/lo ≤ hi/);
    expect(() => clipped({ base: full() }).prepare(testSystems[1].make(2, 1))).toThrow(/not the entries of a diagonal/);
  });

  it('a permutation word has the exact permutation matrix as Ã_t and its fixed points as the diagonal', () => {
    const dyn = testSystems[3].make(5, 3);
    const s = randomState(5, 1);
    const J = fillOnce(full(), dyn, 4, s);
    // Each row and column holds exactly one 1.
    for (let i = 0; i < 5; i++) {
      expect(J.slice(i * 5, i * 5 + 5).reduce((a, b) => a + b, 0)).toBe(1);
      expect([0, 1, 2, 3, 4].reduce((a, r) => a + J[r * 5 + i], 0)).toBe(1);
    }
    expect(Array.from(fillOnce(diagonal(), dyn, 4, s))).toEqual(Array.from(diagOf(J, 5)));
  });
});

describe('hutchinson', () => {
  it('hutchinson({ seed }) is deterministic for a seed and differs between seeds', () => {
    const dyn = testSystems[0].make(6, 4);
    const s = randomState(6, 2);
    const a = fillOnce(hutchinson({ seed: 7 }), dyn, 1, s);
    expect(Array.from(fillOnce(hutchinson({ seed: 7 }), dyn, 1, s))).toEqual(Array.from(a));
    // ±v give the same estimate, so two seeds may agree by chance; five cannot all.
    const others = [8, 9, 10, 11, 12].map((seed) => Array.from(fillOnce(hutchinson({ seed }), dyn, 1, s)));
    expect(others.some((o) => maxRelErr(o, a) > 1e-6)).toBe(true);
  });

  it('hutchinson is exact when the Jacobian is diagonal (v_i² = 1)', () => {
    const D = 4;
    const diagonalDynamics = defineDynamics({
      dim: D,
      step: (_t, s, so, out, oo) => { for (let i = 0; i < D; i++) out[oo + i] = Math.sin(s[so + i]) * (i + 1); },
      jvp: (_t, s, so, v, vo, out, oo) => { for (let i = 0; i < D; i++) out[oo + i] = Math.cos(s[so + i]) * (i + 1) * v[vo + i]; },
    });
    const s = randomState(D, 3);
    const expected = Array.from({ length: D }, (_, i) => Math.cos(s[i]) * (i + 1));
    expect(maxRelErr(fillOnce(hutchinson({ seed: 1 }), diagonalDynamics, 1, s), expected)).toBe(0);
  });

  it('hutchinson is unbiased: the mean over n seeds approaches the diagonal at the 1/√n rate', () => {
    // Per entry, one probe has variance σ_i² = Σ_{j≠i} J_ij² (v ⊙ Jv = J_ii + Σ_{j≠i} v_i v_j J_ij
    // with independent ±1 products). The mean of n probes has standard error σ_i/√n.
    const D = 8;
    const dyn = testSystems[0].make(D, 11);
    const s = randomState(D, 12);
    const J = closedJacobian(dyn, 1, s);
    const truth = diagOf(J, D);
    const sigma = Array.from({ length: D }, (_, i) => Math.sqrt(J.slice(i * D, i * D + D).reduce((acc, v, j) => acc + (j === i ? 0 : v * v), 0)));
    const rmsError = (n: number, offset: number) => {
      const mean = new Float64Array(D);
      for (let seed = 0; seed < n; seed++) {
        const est = fillOnce(hutchinson({ seed: offset + seed }), dyn, 1, s);
        for (let i = 0; i < D; i++) mean[i] += est[i] / n;
      }
      // z-scores of the mean: each is ~N(0, 1) by the CLT.
      const z = Array.from(mean, (m, i) => (m - truth[i]) / (sigma[i] / Math.sqrt(n)));
      // A bound of 5 standard errors fails with probability < 6·10⁻⁷ per entry for a
      // Gaussian (the seeds are fixed, so the test is deterministic either way).
      for (const zi of z) expect(Math.abs(zi)).toBeLessThan(5);
      return Math.sqrt(Array.from(mean, (m, i) => (m - truth[i]) ** 2).reduce((a, b) => a + b, 0) / D);
    };
    const e100 = rmsError(100, 1_000);
    const e6400 = rmsError(6400, 50_000);
    // 64× the probes: the error shrinks by √64 = 8 (allow 3…25 for sampling noise in both).
    expect(e100 / e6400).toBeGreaterThan(3);
    expect(e100 / e6400).toBeLessThan(25);
  });

  it('hutchinson with probes averages them, and reports its cost', () => {
    const dyn = testSystems[0].make(3, 1);
    const lin = hutchinson({ probes: 4 }).prepare(dyn);
    expect(lin.cost).toEqual({ storedPerStep: 3, calls: { step: 0, jvp: 4, jacobian: 0, diagonal: 0 } });
    expect(lin.source).toBe('Hutchinson diagonal from 4 closed-form JVPs');
    expect(hutchinson().prepare(strip(dyn)).cost.calls.step).toBe(2);
    expect(() => hutchinson({ probes: 0 })).toThrow(/probes must be a positive integer/);
  });
});

describe('cost reporting', () => {
  it('each strategy reports the numbers it stores and the calls it makes per step', () => {
    const dyn = testSystems[0].make(5, 1);
    const calls = (c: Partial<Record<'step' | 'jvp' | 'jacobian' | 'diagonal', number>>) => ({ step: 0, jvp: 0, jacobian: 0, diagonal: 0, ...c });
    expect(full().prepare(dyn).cost).toEqual({ storedPerStep: 25, calls: calls({ jacobian: 1 }) });
    expect(full().prepare(strip(dyn, ['jvp'])).cost).toEqual({ storedPerStep: 25, calls: calls({ jvp: 5 }) });
    expect(full().prepare(strip(dyn)).cost).toEqual({ storedPerStep: 25, calls: calls({ step: 10 }) });
    expect(diagonal().prepare(dyn).cost).toEqual({ storedPerStep: 5, calls: calls({ diagonal: 1 }) });
    expect(diagonal().prepare(strip(dyn, ['jacobian'])).cost).toEqual({ storedPerStep: 5, calls: calls({ jacobian: 1 }) });
    expect(scaled(0.5, full()).prepare(dyn).cost).toEqual(full().prepare(dyn).cost);
    expect(clipped().prepare(dyn).cost).toEqual(diagonal().prepare(dyn).cost);
  });
});

describe('scaled reads the structure record, not its name', () => {
  it('scaled(k, a strategy on a renamed identity family) widens to the diagonal (1 − k)·I, like scaled(k, identity())', () => {
    const unit = defineStructure({ ...identityStructure(3), name: 'unit' });
    const onUnit = defineStrategy({ name: 'unit', structure: () => unit, prepare: () => ({ source: 'I', cost: { storedPerStep: 0, calls: { step: 0, jacobian: 0, diagonal: 0, jvp: 0 } }, fill() {} }) });
    const dyn = defineDynamics({ dim: 3, step: (_t, s, so, out, oo) => { for (let i = 0; i < 3; i++) out[oo + i] = 0.5 * s[so + i]; } });
    for (const base of [onUnit, identity()]) {
      const s = scaled(0.25, base);
      expect(s.structure(3).name).toBe('diagonal');
      const out = new Float64Array(3);
      s.prepare(dyn).fill(1, new Float64Array(3), 0, out, 0);
      expect(Array.from(out)).toEqual([0.75, 0.75, 0.75]);
    }
  });
});

describe('clipped reads what the structure does, not its name', () => {
  const dyn = defineDynamics({ dim: 4, step: (_t, s, so, out, oo) => { for (let i = 0; i < 4; i++) out[oo + i] = 3 * s[so + i]; } });
  const exactDiagonal = (structure: ReturnType<typeof diagonalStructure>) =>
    defineStrategy({ name: 'exact', structure: () => structure, prepare: (d) => diagonal().prepare(d) });

  it('clips on a renamed diagonal structure as on the built-in one', () => {
    const renamed = defineStructure({ ...diagonalStructure(4), name: 'my-diagonal' });
    const out = new Float64Array(4);
    clipped({ base: exactDiagonal(renamed) }).prepare(dyn).fill(1, new Float64Array(4).fill(1), 0, out, 0);
    expect(Array.from(out)).toEqual([1, 1, 1, 1]);
  });

  it('refuses a width-D structure that is not diagonal (clipping its numbers would not bound its eigenvalues)', () => {
    // A D-number "circulant-like" packing: same width as the diagonal, different matrix.
    const spread = defineStructure({
      ...diagonalStructure(4),
      name: 'spread',
      apply(A, ao, x, xo, out, oo) {
        let sum = 0;
        for (let i = 0; i < 4; i++) sum += A[ao + i] * x[xo + i];
        for (let i = 0; i < 4; i++) out[oo + i] = sum;
      },
    });
    expect(() => clipped({ base: exactDiagonal(spread) }).prepare(dyn)).toThrow(/'spread', whose stored numbers are not the entries of a diagonal/);
  });
});

