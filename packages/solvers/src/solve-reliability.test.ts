import { defineDynamics, type Dynamics } from '@unroll/linearize';
import { UnrollError, diagonal as diagonalStructure } from '@unroll/scan';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { affineScalar, rollout, tanhRnn } from '../test/systems.js';
import { elk, gradient, initialGuess, kalmanFilter, scaleElk, sequentialRollout, solve, solveAsync, solveBatch, type SolveOptions, type SolveResult } from './index.js';

const code = (c: string) => expect.objectContaining({ code: c }) as Error;

/** Every method with the parameters it needs. */
const methods: SolveOptions[] = [
  { method: 'deer' },
  { method: 'quasi-deer' },
  { method: 'picard' },
  { method: 'jacobi' },
  { method: elk({ lambda: 0 }) },
  { method: elk({ lambda: 0.5 }) },
  { method: elk({ lambda: 0.5, base: 'diagonal' }) },
  { method: scaleElk({ k: 0.3 }) },
  { method: 'clip-elk' },
  { method: 'sequential' },
];

/** s_t = 0.5 s_{t−1} + 1, except f_{t0} = NaN: the true rollout is NaN from step t0 on. */
function nanAt(t0: number, D = 1): Dynamics {
  return defineDynamics({
    dim: D,
    step: (t, s, so, out, oo) => {
      for (let i = 0; i < D; i++) out[oo + i] = t === t0 ? Math.log(-1) : 0.5 * s[so + i] + 1;
    },
    jacobian: (_t, _s, _so, out, oo) => {
      for (let i = 0; i < D * D; i++) out[oo + i] = i % (D + 1) === 0 ? 0.5 : 0;
    },
  });
}

function allFinite(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

/** The promise: converged means every state finite (and, fallen back, the rollout itself). */
function expectHonest(r: SolveResult, want: Float64Array): void {
  if (r.converged) expect(allFinite(r.states)).toBe(true);
  if (r.fellBack) expect(Array.from(r.states)).toEqual(Array.from(want));
}

describe('solve never calls a non-finite trajectory converged', () => {
  it('solve(f with NaN at t = 5, jacobi) is not converged (the NaN is no longer masked by later finite entries)', () => {
    const r = solve(nanAt(5), [0], 10, { method: 'jacobi' });
    expect(r.converged).toBe(false);
  });

  it('every method × dtype × stop × window × reset, through solve, solveAsync and solveBatch', async () => {
    const T = 10;
    const dyn = nanAt(5);
    const want = rollout(dyn, [0], T);
    for (const m of methods) {
      for (const dtype of ['float64', 'float32'] as const) {
        for (const stop of ['delta', 'merit'] as const) {
          for (const window of [undefined, 3]) {
            for (const reset of [true, false]) {
              for (const fallback of ['none', 'sequential'] as const) {
                const opts: SolveOptions = { ...m, dtype, stop, reset, fallback, ...(window === undefined ? {} : { window }) };
                const results = [solve(dyn, [0], T, opts), await solveAsync(dyn, [0], T, opts), ...solveBatch(dyn, [[0], [0]], T, opts)];
                for (const r of results) {
                  expect(r.converged, JSON.stringify(opts)).toBe(false);
                  expectHonest(r, want);
                  expect(r.iterations).toBeLessThanOrEqual(T);
                }
              }
            }
          }
        }
      }
    }
  });

  it('ELK λ = 0 with a window, reset false and fallback sequential falls back, and reports the NaN rollout as not converged', () => {
    const dyn = nanAt(40, 2);
    const r = solve(dyn, [0, 0], 100, { method: elk({ lambda: 0 }), window: 16, reset: false, fallback: 'sequential' });
    expect(r.fellBack).toBe(true);
    expect(r.converged).toBe(false);
    expect(Array.from(r.states)).toEqual(Array.from(rollout(dyn, [0, 0], 100)));
  });

  it("method 'sequential' reports an overflowing rollout as not converged", () => {
    const r = solve(affineScalar(1e300), [1], 3, { method: 'sequential' });
    expect(r.converged).toBe(false);
    expect(r.states[2]).toBe(Infinity);
  });

  it('property: NaN at any step t0 ≤ T leaves every method unconverged', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: methods.length - 1 }), (T, t0raw, D, mi) => {
        // t0 ≥ 2: defineDynamics probes f_1 and refuses a NaN there up front.
        const t0 = 2 + (t0raw % (T - 1));
        const dyn = nanAt(t0, D);
        const r = solve(dyn, new Array<number>(D).fill(0), T, methods[mi]);
        expect(r.converged).toBe(false);
      }),
      { numRuns: 200, seed: 14 },
    );
  });
});

describe('windows end in a result, never in an internal error', () => {
  it("solve(…, { window, stop: 'merit' }) whose window reaches T finishes converged (no LENGTH_MISMATCH about an empty b)", () => {
    const dyn = tanhRnn(2, 3, 0.5);
    const want = rollout(dyn, [0.1, 0.2], 50);
    for (const window of [1, 7, 49, 50]) {
      const r = solve(dyn, [0.1, 0.2], 50, { method: 'jacobi', window, stop: 'merit', tol: 1e-24 });
      expect(r.converged).toBe(true);
      let err = 0;
      for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(r.states[i] - want[i]));
      expect(err).toBeLessThan(1e-10);
    }
  });

  it('a window that would start from a NaN row ends unconverged (no NON_FINITE about an s0 the user never passed)', () => {
    const r = solve(nanAt(3), [0], 20, { method: 'deer', window: 2, reset: false });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBeLessThanOrEqual(20);
  });
});

describe('kalmanFilter stays exact where variances overflow', () => {
  const model = { structure: 'diagonal' as const, dim: 1, A: new Float64Array([1e200, 1e200]), b: new Float64Array([1, 1]), y: new Float64Array([0, 0]), s0: [0], lambda: 0 };

  it('kalmanFilter(λ = 0, variance overflowing) gives the recurrence: [1, 1e200], sequential and parallel', () => {
    expect(Array.from(kalmanFilter(model).means)).toEqual([1, 1e200]);
    expect(Array.from(kalmanFilter(model, { algorithm: 'parallel' }).means)).toEqual([1, 1e200]);
  });

  it('kalmanFilter(dense, λ = 0, variance overflowing) gives the recurrence', () => {
    const dense = { ...model, structure: 'dense' as const };
    expect(Array.from(kalmanFilter(dense).means)).toEqual([1, 1e200]);
  });

  it("solve(quasi-elk, λ = 0) is solve(quasi-deer) bit for bit, in float64 and float32", () => {
    const dyn = tanhRnn(3, 11, 0.9);
    for (const dtype of ['float64', 'float32'] as const) {
      const filtered = solve(dyn, [0.3, -0.1, 0.2], 120, { method: elk({ lambda: 0, base: 'diagonal' }), dtype });
      const quasi = solve(dyn, [0.3, -0.1, 0.2], 120, { method: 'quasi-deer', dtype });
      expect(Array.from(filtered.states)).toEqual(Array.from(quasi.states));
      expect(filtered.iterations).toBe(quasi.iterations);
    }
  });

  it('kalmanFilter(λ > 0, variance overflowing) takes the observation (K → 1), not NaN', () => {
    const r = kalmanFilter({ ...model, lambda: 2, y: new Float64Array([0, 3]) });
    expect(r.means[1]).toBe(3);
    expect(r.covariances?.[1]).toBe(0.5);
  });
});

describe('bad input is a typed error that names the argument, before anything is allocated', () => {
  const dyn = tanhRnn(2, 1, 0.5);
  const cases: [string, () => unknown, string, RegExp][] = [
    ['T = 1e10', () => solve(dyn, [0, 0], 1e10), 'MEMORY_BUDGET', /T·D/],
    ['T = 1e10, sequential', () => solve(dyn, [0, 0], 1e10, { method: 'sequential' }), 'MEMORY_BUDGET', /T·D/],
    ['solveBatch window -1', () => solveBatch(dyn, [[0, 0]], 10, { window: -1 }), 'INVALID_ARGUMENT', /window/],
    ['solveBatch DEER over the budget', () => solveBatch(tanhRnn(64, 1, 0.5), [new Array<number>(64).fill(0)], 100_000, { method: 'deer' }), 'MEMORY_BUDGET', /quasi-deer/],
    ['method {}', () => solve(dyn, [0, 0], 10, { method: {} as never }), 'INVALID_ARGUMENT', /method/],
    ['onIteration 5', () => solve(dyn, [0, 0], 10, { onIteration: 5 as never }), 'INVALID_ARGUMENT', /onIteration/],
    ['opts null', () => solve(dyn, [0, 0], 10, null as never), 'INVALID_ARGUMENT', /options/],
    ['dynamics null', () => solve(null as never, [0, 0], 10), 'INVALID_ARGUMENT', /dynamics/],
    ['dynamics undefined', () => solve(undefined as never, [0, 0], 10), 'INVALID_ARGUMENT', /dynamics/],
    ['s0 null', () => solve(dyn, null as never, 10), 'INVALID_ARGUMENT', /s0/],
    ['s0 of strings', () => solve(dyn, ['0', '1'] as never, 10), 'NON_FINITE', /s0\[0\]/],
    ['tol Infinity', () => solve(dyn, [0, 0], 10, { tol: Infinity }), 'INVALID_ARGUMENT', /tol/],
    ['residualTol Infinity', () => solve(dyn, [0, 0], 10, { residualTol: Infinity }), 'INVALID_ARGUMENT', /residualTol/],
    ['k as a solve option', () => solve(dyn, [0, 0], 10, { method: 'deer', k: 0.5 } as never), 'INVALID_ARGUMENT', /pass method: scaleElk\(\{ k \}\)/],
    ['lambda as a solve option', () => solve(dyn, [0, 0], 10, { lambda: 1 } as never), 'INVALID_ARGUMENT', /pass method: elk\(\{ lambda \}\)/],
    ['scaleElk({ k: NaN })', () => solve(dyn, [0, 0], 10, { method: scaleElk({ k: NaN }) }), 'INVALID_ARGUMENT', /k must be in \[0, 1\]/],
    ["'elk' without its λ", () => solve(dyn, [0, 0], 10, { method: 'elk' }), 'INVALID_ARGUMENT', /elk\(\{ lambda \}\)/],
    ['a Structure as the method', () => solve(dyn, [0, 0], 10, { method: diagonalStructure(2) as never }), 'INVALID_ARGUMENT', /That is a Structure/],
    ['fallback bogus', () => solve(dyn, [0, 0], 10, { fallback: 'bogus' as never }), 'INVALID_ARGUMENT', /fallback/],
    ['resetThreshold 0', () => solve(dyn, [0, 0], 10, { resetThreshold: 0 }), 'INVALID_ARGUMENT', /resetThreshold/],
    ["reset 'no'", () => solve(dyn, [0, 0], 10, { reset: 'no' as never }), 'INVALID_ARGUMENT', /reset/],
    ['memoryBudget NaN', () => solve(dyn, [0, 0], 10, { memoryBudget: NaN }), 'INVALID_ARGUMENT', /memoryBudget/],
    ['a misspelt option', () => solve(dyn, [0, 0], 10, { tolerance: 1e-3 } as never), 'INVALID_ARGUMENT', /unknown option 'tolerance'/],
    ['signal {}', () => solve(dyn, [0, 0], 10, { signal: {} as never }), 'INVALID_ARGUMENT', /signal/],
    ['init with NaN', () => solve(dyn, [0, 0], 2, { init: new Float64Array([0, NaN, 0, 0]) }), 'NON_FINITE', /init\[1\]/],
    ['initialGuess(null dynamics)', () => initialGuess(null as never, new Float64Array(2), 6, 'float64', {}), 'INVALID_ARGUMENT', /dynamics/],
    ['initialGuess(T NaN)', () => initialGuess(dyn, new Float64Array(2), NaN, 'float64', {}), 'INVALID_ARGUMENT', /T must be/],
    ['initialGuess(T 1e10)', () => initialGuess(dyn, new Float64Array(2), 1e10, 'float64', {}), 'MEMORY_BUDGET', /T·D/],
    ['initialGuess(dtype bogus)', () => initialGuess(dyn, new Float64Array(2), 6, 'bogus' as never, {}), 'INVALID_ARGUMENT', /dtype/],
    ['sequentialRollout short out', () => sequentialRollout(dyn, new Float64Array(2), 10, new Float64Array(5)), 'LENGTH_MISMATCH', /out/],
    ['sequentialRollout T -1', () => sequentialRollout(dyn, new Float64Array(2), -1, new Float64Array(0)), 'INVALID_ARGUMENT', /T/],
    ['gradient with dLds in the other dtype', () => gradient(dyn, [0, 0], new Float32Array(2), new Float64Array(2)), 'DTYPE_MISMATCH', /dLds is float64 but states is float32/],
    ['gradient of non-finite states', () => gradient(dyn, [0, 0], new Float64Array([0, NaN]), new Float64Array(2)), 'NON_FINITE', /states\[1\]/],
    ['kalmanFilter NaN s0', () => kalmanFilter({ structure: 'diagonal', dim: 1, A: new Float64Array(1), b: new Float64Array(1), y: new Float64Array(1), s0: [NaN], lambda: 1 }), 'NON_FINITE', /s0\[0\]/],
    ['kalmanFilter unknown algorithm', () => kalmanFilter({ structure: 'diagonal', dim: 1, A: new Float64Array(1), b: new Float64Array(1), y: new Float64Array(1), s0: [0], lambda: 1 }, { algorithm: 'fast' as never }), 'INVALID_ARGUMENT', /algorithm/],
    [
      'kalmanFilter out overlapping b',
      () => {
        const buffer = new Float64Array(4);
        return kalmanFilter({ structure: 'diagonal', dim: 1, A: new Float64Array(2), b: buffer.subarray(0, 2), y: new Float64Array(2), s0: [0], lambda: 1 }, { out: buffer.subarray(1, 3) });
      },
      'INVALID_ARGUMENT',
      /out shares memory with b/,
    ],
  ];
  for (const [name, call, want, message] of cases) {
    it(`${name} → ${want}`, () => {
      let thrown: unknown;
      try {
        call();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UnrollError);
      expect(thrown).toEqual(code(want));
      expect((thrown as Error).message).toMatch(message);
    });
  }

  it("the dynamics' own error is rethrown as it is", () => {
    class Mine extends Error {}
    const throwing = defineDynamics({ dim: 1, step: (t, s, so, out, oo) => { if (t === 3) throw new Mine('boom'); out[oo] = s[so]; } });
    expect(() => solve(throwing, [0], 5, { method: 'jacobi' })).toThrow(Mine);
  });
});

describe('solveAsync keeps the event loop turning', () => {
  it('a heartbeat timer ticks during the first iteration of a long solve (yields inside an iteration, by elapsed time)', async () => {
    // Each step busy-waits ~20 µs, so one iteration over T = 4000 takes ≳ 80 ms: far
    // longer than a time slice. The old loop yielded only between iterations.
    const slow = defineDynamics({
      dim: 1,
      step: (_t, s, so, out, oo) => {
        const until = performance.now() + 0.02;
        while (performance.now() < until);
        out[oo] = 0.5 * s[so] + 1;
      },
      jacobian: (_t, _s, _so, out, oo) => { out[oo] = 0.5; },
    });
    let ticks = 0;
    const heartbeat = setInterval(() => { ticks++; }, 5);
    let ticksAtFirstIteration = -1;
    try {
      const r = await solveAsync(slow, [0], 4000, { method: 'deer', onIteration: (info) => { if (info.iteration === 1) ticksAtFirstIteration = ticks; } });
      expect(r.converged).toBe(true);
    } finally {
      clearInterval(heartbeat);
    }
    expect(ticksAtFirstIteration).toBeGreaterThan(2);
  });

  it('solveAsync gives the same bits as solve', async () => {
    const dyn = tanhRnn(3, 5, 0.8);
    for (const m of methods) {
      const a = await solveAsync(dyn, [0.1, 0.2, 0.3], 300, m);
      const b = solve(dyn, [0.1, 0.2, 0.3], 300, m);
      expect(Array.from(a.states)).toEqual(Array.from(b.states));
      expect(a.iterations).toBe(b.iterations);
    }
  });
});
