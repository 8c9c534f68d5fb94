import { hutchinson } from '@unroll/linearize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { affineScalar, linearSystem, maxAbsErr, rollout, steepTanh, tanhRnn } from '../test/systems.js';
import { elk, scaleElk, solve, solveAsync, type Method, type SolveOptions } from './index.js';

const code = (c: string) => expect.objectContaining({ code: c }) as Error;

describe('solve', () => {
  it('every method converges to the sequential rollout (≤ 1e-7) on random contractive systems', () => {
    const methods: SolveOptions[] = [
      { method: 'deer' },
      { method: 'quasi-deer' },
      { method: 'picard' },
      { method: 'jacobi' },
      { method: scaleElk({ k: 0.3 }) },
      { method: 'clip-elk' },
      { method: hutchinson({ probes: 2, seed: 3 }) },
      { method: elk({ lambda: 0.5 }) },
      { method: elk({ lambda: 0.5, base: 'diagonal' }) },
    ];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 2 ** 30 }), (D, T, seed) => {
        const dyn = tanhRnn(D, seed, 0.6);
        const s0 = Array.from({ length: D }, (_, i) => Math.sin(seed + i));
        const want = rollout(dyn, s0, T);
        for (const opts of methods) {
          // ELK's trust region need not fix a leading step per iteration: a damped step
          // shrinks the error by ~λ/(1+λ) per iteration, so it needs T of a few dozen.
          if (typeof opts.method === 'object' && 'inner' in opts.method && opts.method.inner.kind === 'kalman' && T < 40) continue;
          const r = solve(dyn, s0, T, opts);
          expect(r.converged).toBe(true);
          expect(r.iterations).toBeLessThanOrEqual(T);
          expect(maxAbsErr(r.states, want)).toBeLessThan(1e-7);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('on a chaotic system every non-ELK method still converges within T iterations (compare merits, not states)', () => {
    // W tanh(s) with gain 3 is chaotic: rounding differences grow like e^{λt}, so a
    // converged iterate may be a shadow trajectory — its residual, not its distance to the
    // rollout, is what must be small.
    const T = 80;
    const dyn = tanhRnn(4, 99, 3);
    const s0 = [0.1, -0.2, 0.3, 0.05];
    for (const method of ['deer', 'quasi-deer', 'jacobi', 'clip-elk'] as const) {
      const r = solve(dyn, s0, T, { method, stop: 'merit', tol: 1e-20 });
      expect(r.iterations).toBeLessThanOrEqual(T);
      expect(r.converged).toBe(true);
    }
  });

  it("method 'sequential' is the rollout itself", () => {
    const dyn = tanhRnn(3, 1, 2);
    const r = solve(dyn, [1, 2, 3], 50, { method: 'sequential' });
    expect(Array.from(r.states)).toEqual(Array.from(rollout(dyn, [1, 2, 3], 50)));
    expect(r).toMatchObject({ iterations: 0, converged: true, method: 'sequential' });
  });

  it('DEER on a linear system is exact after one iterate: iterations 2 under delta, 1 under merit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 200 }), fc.integer({ min: 1, max: 2 ** 30 }), (D, T, seed) => {
        const dyn = linearSystem(D, seed);
        const s0 = Array.from({ length: D }, () => 1);
        const want = rollout(dyn, s0, T);
        const byDelta = solve(dyn, s0, T, { method: 'deer', tol: 1e-6 });
        const scale = Math.max(1, ...Array.from(want, Math.abs));
        expect(byDelta.iterations).toBe(2);
        expect(maxAbsErr(byDelta.states, want) / scale).toBeLessThan(1e-9);
        const first = solve(dyn, s0, T, { method: 'deer', maxIterations: 1 });
        expect(maxAbsErr(first.states, want) / scale).toBeLessThan(1e-9);
        const byMerit = solve(dyn, s0, T, { method: 'deer', stop: 'merit', tol: 1e-12 * scale * scale });
        expect(byMerit.iterations).toBe(1);
        expect(byMerit.converged).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('Picard vs Jacobi on s_t = a s_{t−1} + 1, T = 1000: Jacobi wins at a = 0.5, Picard at a = 0.99', () => {
    const T = 1000;
    const count = (a: number, method: Method) => solve(affineScalar(a), [0], T, { method }).iterations;
    const at05 = { jacobi: count(0.5, 'jacobi'), picard: count(0.5, 'picard') };
    const at099 = { jacobi: count(0.99, 'jacobi'), picard: count(0.99, 'picard') };
    expect(at05.jacobi).toBeLessThan(at05.picard);
    expect(at099.picard).toBeLessThan(at099.jacobi);
    // Recorded in the package README; pinned so a change in the driver shows up here.
    expect({ at05, at099 }).toMatchInlineSnapshot(`
      {
        "at05": {
          "jacobi": 28,
          "picard": 781,
        },
        "at099": {
          "jacobi": 1000,
          "picard": 43,
        },
      }
    `);
  });

  it('resets keep a float32 solve going when the scan overflows, and it still converges', () => {
    const dyn = steepTanh();
    const T = 300;
    const r = solve(dyn, [0.5], T, { method: 'deer', dtype: 'float32' });
    expect(r.trace.resets.some((n) => n > 0)).toBe(true);
    expect(r.converged).toBe(true);
    expect(r.states).toBeInstanceOf(Float32Array);
    expect(maxAbsErr(r.states, rollout(dyn, [0.5], T))).toBeLessThan(1e-4);
  });

  it('a warm start at the solution converges at once (merit rule: 0 iterations)', () => {
    const dyn = tanhRnn(3, 4, 0.5);
    const want = rollout(dyn, [1, 0, -1], 80);
    expect(solve(dyn, [1, 0, -1], 80, { init: want, stop: 'merit', tol: 1e-20 }).iterations).toBe(0);
    expect(solve(dyn, [1, 0, -1], 80, { init: want }).iterations).toBe(1);
    for (const init of ['random', 'jacobi', 'zeros'] as const) {
      expect(maxAbsErr(solve(dyn, [1, 0, -1], 80, { init, seed: 5 }).states, want)).toBeLessThan(1e-7);
    }
  });

  it('onIteration sees each iteration and can stop the solve; fallback finishes sequentially', () => {
    const dyn = tanhRnn(2, 9, 0.9);
    const seen: number[] = [];
    const r = solve(dyn, [0, 0], 200, { method: 'jacobi', onIteration: (info) => { seen.push(info.iteration); return info.iteration < 3; } });
    expect(seen).toEqual([1, 2, 3]);
    expect(r.iterations).toBe(3);
    expect(r.converged).toBe(false);
    const fb = solve(dyn, [0, 0], 200, { method: 'jacobi', maxIterations: 3, fallback: 'sequential' });
    expect(fb).toMatchObject({ iterations: 3, converged: true, fellBack: true });
    expect(Array.from(fb.states)).toEqual(Array.from(rollout(dyn, [0, 0], 200)));
  });

  it('onIteration sees the iterate itself: the last one is the result, and DEER on a linear system is exact after one', () => {
    const dyn = tanhRnn(2, 9, 0.9);
    const iterates: number[][] = [];
    const r = solve(dyn, [0.3, -0.2], 60, { method: 'quasi-deer', onIteration: (info) => { iterates.push(Array.from(info.states)); } });
    expect(iterates).toHaveLength(r.iterations);
    expect(iterates.at(-1)).toEqual(Array.from(r.states));
    const lin = affineScalar(0.7);
    const first: number[][] = [];
    solve(lin, [1], 30, { method: 'deer', onIteration: (info) => { first.push(Array.from(info.states)); } });
    expect(maxAbsErr(Float64Array.from(first[0] ?? []), rollout(lin, [1], 30))).toBeLessThan(1e-12);
  });

  it('convergedPrefix grows by at least one step per iteration (Jacobi on an expanding system)', () => {
    const prefixes: number[] = [];
    const T = 40;
    const r = solve(affineScalar(1.5), [0], T, { method: 'jacobi', tol: 1e-6, onIteration: (i) => { prefixes.push(i.convergedPrefix); } });
    expect(r.converged).toBe(true);
    for (let i = 1; i < prefixes.length; i++) expect(prefixes[i]).toBeGreaterThanOrEqual(Math.min(T, prefixes[i - 1] + 1));
    expect(r.iterations).toBeLessThanOrEqual(T);
  });

  it('a sliding window gives the full solve’s states, for any window size and method', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 150 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 2 ** 30 }), (D, T, window, seed) => {
        const dyn = tanhRnn(D, seed, 0.7);
        const s0 = Array.from({ length: D }, (_, i) => Math.cos(seed + i));
        const want = rollout(dyn, s0, T);
        for (const opts of [{ method: 'deer' }, { method: 'quasi-deer' }, { method: 'picard' }, { method: 'jacobi' }, { method: 'clip-elk' }] as SolveOptions[]) {
          const windowed = solve(dyn, s0, T, { ...opts, window });
          expect(windowed.converged).toBe(true);
          expect(windowed.iterations).toBeLessThanOrEqual(T);
          expect(maxAbsErr(windowed.states, want)).toBeLessThan(1e-7);
          expect(maxAbsErr(windowed.states, solve(dyn, s0, T, opts).states)).toBeLessThan(1e-7);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('ELK runs in a window too (it fixes no step per iteration, so it may need more than the full solve)', () => {
    const dyn = tanhRnn(3, 7, 0.6);
    const s0 = [0.2, 0.4, -0.3];
    const want = rollout(dyn, s0, 200);
    const r = solve(dyn, s0, 200, { method: elk({ lambda: 0.1 }), window: 40 });
    expect(r.converged).toBe(true);
    expect(maxAbsErr(r.states, want)).toBeLessThan(1e-7);
  });

  it('a window of one step is a rollout: one iteration per step, never more than T', () => {
    const dyn = tanhRnn(2, 5, 3); // expanding: the full solve would need many iterations
    const r = solve(dyn, [1, -1], 60, { method: 'jacobi', window: 1 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(60);
    expect(maxAbsErr(r.states, rollout(dyn, [1, -1], 60))).toBeLessThan(1e-12);
    expect(() => solve(dyn, [0, 0], 10, { window: 0 })).toThrow(/window must be a positive integer/);
  });

  it('solveAsync resolves like solve, and rejects with ABORTED when its signal fires', async () => {
    const dyn = tanhRnn(2, 3, 0.5);
    const a = await solveAsync(dyn, [1, 1], 100, { method: 'quasi-deer' });
    expect(Array.from(a.states)).toEqual(Array.from(solve(dyn, [1, 1], 100, { method: 'quasi-deer' }).states));
    const controller = new AbortController();
    // Jacobi on an expanding scalar system needs ~T iterations: plenty of time to abort.
    const pending = solveAsync(affineScalar(1.5), [0], 1000, { method: 'jacobi', signal: controller.signal, onIteration: (i) => { if (i.iteration === 2) controller.abort(); } });
    await expect(pending).rejects.toThrow(code('ABORTED'));
    expect(() => solve(dyn, [1, 1], 10, { signal: AbortSignal.abort() })).toThrow(code('ABORTED'));
  });

  it('solve rejects bad input with typed errors that say what to do', () => {
    const dyn = tanhRnn(2, 1, 0.5);
    expect(() => solve(dyn, [0, 0], 0)).toThrow(code('INVALID_ARGUMENT'));
    expect(() => solve(dyn, [0], 10)).toThrow(code('DIMENSION_MISMATCH'));
    expect(() => solve(dyn, [0, NaN], 10)).toThrow(code('NON_FINITE'));
    expect(() => solve(dyn, [0, 0], 10, { method: 'newton' as never })).toThrow(/unknown method 'newton'/);
    expect(() => solve(dyn, [0, 0], 10, { method: 'scale-elk' })).toThrow(/needs its k/);
    expect(() => solve(dyn, [0, 0], 10, { method: 'deer', lambda: 1 } as never)).toThrow(/'lambda' is a parameter of its method/);
    expect(() => solve(dyn, [0, 0], 10, { init: new Float64Array(3) })).toThrow(code('LENGTH_MISMATCH'));
    expect(() => solve(dyn, [0, 0], 10, { tol: 0 })).toThrow(/tol must be a positive finite number/);
    expect(() => solve(tanhRnn(64, 1, 0.5), new Array<number>(64).fill(0), 100_000, { method: 'deer' })).toThrow(/quasi-deer/);
    expect(() => solve(tanhRnn(64, 1, 0.5), new Array<number>(64).fill(0), 100, { method: 'deer', memoryBudget: 1000 })).toThrow(code('MEMORY_BUDGET'));
  });
});
