import { defineDynamics, diagonal, type Dynamics } from '@unroll/linearize';
import { setWarningHandler, UnrollError, type UnrollWarning } from '@unroll/scan';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWorkerBuilt, fixtureModule, systemsHome } from '../../test/worker-build.js';
import { elk, newton } from '../methods.js';
import { sequentialRollout } from '../sequential-rollout.js';
import { solve } from '../solve.js';
import { solveAsync } from '../solve-async.js';
import type { SolveOptions, SolveResult } from '../solve-options.js';
import { createCpuWorkers, type CpuWorkers } from './cpu-workers.js';
import { loadWorkerDynamics, withWorkerModule } from './worker-dynamics.js';

const pools = new Map<number, CpuWorkers>();
const pool = (P: number): CpuWorkers => {
  const p = pools.get(P);
  if (p === undefined) throw new Error(`no pool of ${P}`);
  return p;
};

beforeAll(() => {
  ensureWorkerBuilt();
  for (const P of [1, 2, 3]) pools.set(P, createCpuWorkers({ workers: P }));
}, 120_000);

afterAll(async () => {
  for (const p of pools.values()) await p.destroy();
});

const tanh = (D: number, seed: number, gain: number): Promise<Dynamics> => loadWorkerDynamics({ module: fixtureModule, exportName: 'tanhRnn', args: [D, seed, gain] });
const gruOf = (D: number, seed: number): Promise<Dynamics> => loadWorkerDynamics({ system: 'gru', args: [{ dim: D, inputDim: 0, seed }] }, { resolveFrom: systemsHome });
const meanField = (D: number, seed: number): Promise<Dynamics> => loadWorkerDynamics({ system: 'meanFieldRnn', args: [{ dim: D, g: 0.6, seed }] }, { resolveFrom: systemsHome });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof UnrollError ? e.code : `not an UnrollError: ${String(e)}`;
  }
  return 'resolved';
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The pool's result against the one-thread solve: the same outcome, states equal to rounding (bit for bit with one worker). */
function expectSameSolve(pooled: SolveResult, one: SolveResult, P: number, tolerance = 1e-12): void {
  expect(pooled.iterations).toBe(one.iterations);
  expect(pooled.converged).toBe(one.converged);
  expect(pooled.fellBack).toBe(one.fellBack);
  expect(pooled.method).toBe(one.method);
  expect(pooled.linearization).toEqual(one.linearization);
  expect(pooled.trace.resets).toEqual(one.trace.resets);
  expect(pooled.states.length).toBe(one.states.length);
  if (P === 1) {
    expect(Array.from(pooled.states)).toEqual(Array.from(one.states));
    expect(pooled.trace.delta).toEqual(one.trace.delta);
  } else {
    expect(maxAbsDiff(pooled.states, one.states)).toBeLessThanOrEqual(tolerance);
  }
}

describe('createCpuWorkers: states and iterations of the one-thread solve', () => {
  const systems = [
    { name: 'a user module (tanh RNN)', make: (seed: number) => tanh(3, seed, 0.8) },
    { name: 'gru by name', make: (seed: number) => gruOf(4, seed) },
    { name: 'meanFieldRnn by name', make: (seed: number) => meanField(5, seed) },
  ];
  for (const system of systems) {
    it(`${system.name}: quasi-DEER, DEER, Jacobi, Picard on P = 1, 2, 3, T not divisible by P and T < P`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 1000 }),
          fc.constantFrom('quasi-deer', 'deer', 'jacobi', 'picard'),
          fc.constantFrom(1, 2, 3),
          fc.oneof(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 3, max: 120 })),
          async (seed, method, P, T) => {
            const dyn = await system.make(seed);
            const s0 = Array.from({ length: dyn.dim }, (_, i) => 0.3 * Math.sin(seed + i));
            const one = solve(dyn, s0, T, { method });
            const pooled = await solveAsync(dyn, s0, T, { method, backend: pool(P) });
            expectSameSolve(pooled, one, P);
            // And the independent reference: the sequential rollout.
            const rollout = sequentialRollout(dyn, Float64Array.from(s0), T, new Float64Array(T * dyn.dim));
            expect(pooled.converged).toBe(true);
            expect(maxAbsDiff(pooled.states, rollout)).toBeLessThanOrEqual(1e-6);
          },
        ),
        { numRuns: 30, seed: 20 },
      );
    }, 120_000);
  }

  it('windows, PASO entry and stride, the merit stop, the change over leading entries, mean-square change, float32, random and Jacobi guesses, onIteration: as solve', async () => {
    const dyn = await gruOf(6, 11);
    const s0 = new Float64Array(6).fill(0.2);
    const cases: SolveOptions[] = [
      { method: 'quasi-deer', window: 17 },
      { method: 'quasi-deer', window: 10, windowEntry: 'previous' },
      { method: 'quasi-deer', window: 10, windowEntry: 'previous', windowAdvance: 'first-unconverged' },
      { method: 'jacobi', change: 'mean-square', changeEntries: 2 },
      { method: 'deer', stop: 'merit', tol: 1e-20 },
      { method: 'jacobi', change: 'mean-square' },
      { method: 'quasi-deer', dtype: 'float32' },
      { method: 'picard', init: 'random', seed: 4, maxIterations: 7 },
      { method: 'quasi-deer', init: 'jacobi', fallback: 'sequential', maxIterations: 2 },
    ];
    for (const opts of cases) {
      for (const P of [1, 3]) {
        const seen: number[][] = [[], []];
        const one = solve(dyn, s0, 101, { ...opts, onIteration: (i) => void seen[0].push(i.convergedPrefix) });
        const pooled = await solveAsync(dyn, s0, 101, { ...opts, backend: pool(P), onIteration: (i) => void seen[1].push(i.convergedPrefix) });
        // float32 rounds at 6e-8 relative: the chunks' composed start states differ at that level.
        expectSameSolve(pooled, one, P, opts.dtype === 'float32' ? 1e-6 : 1e-12);
        expect(seen[1]).toEqual(seen[0]);
      }
    }
  }, 120_000);

  it('a dynamics with a batched evaluation is evaluated through it, f once per step per iteration, as solve evaluates it', async () => {
    const D = 3, T = 257;
    const counted = async (): Promise<{ dyn: Dynamics; counts: Int32Array; probe: number[] }> => {
      const counts = new Int32Array(new SharedArrayBuffer(8));
      const dyn = await loadWorkerDynamics({ module: fixtureModule, exportName: 'countingTanhRnn', args: [D, 5, 0.8, counts] });
      return { dyn, counts, probe: Array.from(counts) };
    };
    const one = await counted();
    Atomics.store(one.counts, 0, 0);
    Atomics.store(one.counts, 1, 0);
    const cpu = solve(one.dyn, [0.1, 0.2, 0.3], T, { method: 'quasi-deer' });
    for (const P of [2, 3]) {
      const c = await counted();
      // Each worker builds the system once (defineDynamics' probe calls included): count from zero after that.
      const r = await solveAsync(c.dyn, [0.1, 0.2, 0.3], T, { method: 'quasi-deer', backend: pool(P) });
      expect(r.iterations).toBe(cpu.iterations);
      const perStep = Atomics.load(c.counts, 0) - (P + 1) * c.probe[0];
      const blockRows = Atomics.load(c.counts, 1) - (P + 1) * c.probe[1];
      expect(perStep).toBe(Atomics.load(one.counts, 0));
      expect(blockRows).toBe(Atomics.load(one.counts, 1));
      expect(blockRows).toBe((r.iterations + 1) * T); // every iteration, plus the final residual
    }
  });

  it('the sequential method runs as solve runs it', async () => {
    const dyn = await tanh(2, 1, 0.5);
    const one = solve(dyn, [0, 0], 50, { method: 'sequential' });
    const pooled = await solveAsync(dyn, [0, 0], 50, { method: 'sequential', backend: pool(2) });
    expect(Array.from(pooled.states)).toEqual(Array.from(one.states));
  });
});

describe('createCpuWorkers: NaN and divergence, as the CPU reports them', () => {
  // s0 = [1, 2]: no coordinate sits at the fixed point −1, whose composed start state would
  // cancel catastrophically (2^550 − (2^550 − 1)) — expanding recurrences are where a chunked
  // scan's rounding differs most from the sequential one.
  it('an overflowing rollout: not converged (with resets, without, with the fallback)', async () => {
    const dyn = await loadWorkerDynamics({ module: fixtureModule, exportName: 'doubling', args: [2] });
    for (const opts of [{}, { reset: false }, { fallback: 'sequential' as const }, { maxIterations: 5 }]) {
      const one = solve(dyn, [1, 2], 1100, { method: 'quasi-deer', ...opts });
      expect(one.converged).toBe(false);
      const pooled = await solveAsync(dyn, [1, 2], 1100, { method: 'quasi-deer', backend: pool(2), ...opts });
      expect(pooled.converged).toBe(false);
      expect(pooled.iterations).toBe(one.iterations);
      expect(pooled.fellBack).toBe(one.fellBack);
      expect(pooled.trace.resets).toEqual(one.trace.resets);
      // Non-finite where the CPU's are, finite values equal.
      expect(Array.from(pooled.states, Number.isFinite)).toEqual(Array.from(one.states, Number.isFinite));
    }
  }, 60_000);

  it('NaN from the dynamics: the same verdict and the same NaN rows as the CPU', async () => {
    const dyn = await loadWorkerDynamics({ module: fixtureModule, exportName: 'sqrtMap', args: [1] });
    for (const P of [1, 2, 3]) {
      const one = solve(dyn, [0.1], 40, { method: 'quasi-deer', reset: false });
      const pooled = await solveAsync(dyn, [0.1], 40, { method: 'quasi-deer', reset: false, backend: pool(P) });
      expect(one.converged).toBe(false);
      expect(pooled.converged).toBe(false);
      expect(pooled.iterations).toBe(one.iterations);
      expect(pooled.trace.delta.map(Number.isNaN)).toEqual(one.trace.delta.map(Number.isNaN));
      expect(Array.from(pooled.states, Number.isNaN)).toEqual(Array.from(one.states, Number.isNaN));
    }
  });
});

describe('createCpuWorkers: typed errors', () => {
  it('bad descriptors are refused when attached or loaded', async () => {
    const dyn = await tanh(2, 1, 0.5);
    const attach = (d: unknown) => () => withWorkerModule(dyn, d as never);
    expect(attach({})).toThrow(/exactly one of module and system/);
    expect(attach({ module: fixtureModule, system: 'gru' })).toThrow(/exactly one of module and system/);
    expect(attach({ module: '' })).toThrow(/non-empty string/);
    expect(attach({ system: 'gru', exportName: 'gru' })).toThrow(/drop exportName/);
    expect(attach({ module: fixtureModule, args: 3 })).toThrow(/array/);
    expect(attach({ module: fixtureModule, args: [() => 1] })).toThrow(/cannot be copied to a worker/);
    expect(attach({ module: 'no-such-package-of-unroll' })).toThrow(/could not be found/);
    for (const thrower of [attach({}), attach({ module: 'no-such-package-of-unroll' })]) {
      try {
        thrower();
      } catch (e) {
        expect(e).toBeInstanceOf(UnrollError);
        expect((e as UnrollError).code).toBe('INVALID_ARGUMENT');
      }
    }
    expect(await codeOf(loadWorkerDynamics({ module: new URL('./no-such-file.mjs', fixtureModule).href, exportName: 'f' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(loadWorkerDynamics({ module: fixtureModule, exportName: 'notAFunction' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(loadWorkerDynamics({ module: fixtureModule, exportName: 'missing' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(loadWorkerDynamics({ module: fixtureModule, exportName: 'notDynamics' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(loadWorkerDynamics({ system: 'gru', args: [{ dim: 0 }] }, { resolveFrom: systemsHome }))).toBe('INVALID_ARGUMENT');
  });

  it('a descriptor that fails only in the workers is refused there, typed, and the pool keeps working', async () => {
    const inProcess = defineDynamics({
      dim: 2,
      step: (_t, s, so, out, oo) => {
        out[oo] = 0.5 * Math.tanh(s[so]);
        out[oo + 1] = 0.5 * Math.tanh(s[so + 1]);
      },
    });
    withWorkerModule(inProcess, { module: fixtureModule, exportName: 'tanhRnn', args: [3, 1, 0.5] });
    expect(await codeOf(solveAsync(inProcess, [0, 0], 20, { method: 'jacobi', backend: pool(2) }))).toBe('DIMENSION_MISMATCH');
    withWorkerModule(inProcess, { module: fixtureModule, exportName: 'notDynamics' });
    expect(await codeOf(solveAsync(inProcess, [0, 0], 20, { method: 'jacobi', backend: pool(2) }))).toBe('INVALID_ARGUMENT');
    const throwing = await loadWorkerDynamics({ module: fixtureModule, exportName: 'tanhRnn', args: [2, 1, 0.5, 15] });
    const failure = await solveAsync(throwing, [0, 0], 30, { method: 'jacobi', backend: pool(2) }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UnrollError);
    expect((failure as UnrollError).code).toBe('WORKER_FAILED');
    expect((failure as UnrollError).message).toMatch(/step called at t = 15/);
    // The pool is still usable after each failure.
    const dyn = await tanh(2, 1, 0.5);
    expectSameSolve(await solveAsync(dyn, [0, 0], 30, { method: 'jacobi', backend: pool(2) }), solve(dyn, [0, 0], 30, { method: 'jacobi' }), 2);
  });

  it('refuses what it does not run: no worker module, ELK, custom strategies, threads, a backend inside', async () => {
    const plain = defineDynamics({ dim: 1, step: (_t, s, so, out, oo) => void (out[oo] = 0.5 * s[so]), diagonal: (_t, _s, _so, out, oo) => void (out[oo] = 0.5) });
    const noModule = await solveAsync(plain, [1], 10, { backend: pool(2) }).catch((e: unknown) => e);
    expect((noModule as UnrollError).code).toBe('UNSUPPORTED');
    expect((noModule as UnrollError).message).toMatch(/withWorkerModule/);
    const dyn = await tanh(2, 1, 0.5);
    expect(await codeOf(solveAsync(dyn, [0, 0], 10, { method: elk({ lambda: 1 }), backend: pool(2) }))).toBe('UNSUPPORTED');
    expect(await codeOf(solveAsync(dyn, [0, 0], 10, { method: newton(diagonal()), backend: pool(2) }))).toBe('UNSUPPORTED');
    expect(await codeOf(solveAsync(dyn, [0, 0], 10, { threads: 2, backend: pool(2) }))).toBe('UNSUPPORTED');
    expect(await codeOf(pool(2).solve(dyn, [0, 0], 10, { backend: pool(1) }))).toBe('INVALID_ARGUMENT');
    // The CPU's own validation, with its words.
    expect(await codeOf(solveAsync(dyn, [0, 0], 0, { backend: pool(2) }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(solveAsync(dyn, [0, Number.NaN], 10, { backend: pool(2) }))).toBe('NON_FINITE');
    expect(() => createCpuWorkers({ workers: 0 })).toThrow(UnrollError);
    expect(() => createCpuWorkers({ workers: 2, threads: 2 } as never)).toThrow(/unknown option 'threads'/);
  });

  it('finite differences are reported as solve reports them: a FINITE_DIFFERENCES warning, once', async () => {
    const seen: UnrollWarning[] = [];
    const previous = setWarningHandler((w) => seen.push(w));
    try {
      // 'doubling' gives its diagonal only: DEER's Jacobian comes from D finite-difference JVPs.
      const dyn = await loadWorkerDynamics({ module: fixtureModule, exportName: 'doubling', args: [2] });
      const a = await solveAsync(dyn, [0.1, 0.2], 30, { method: 'deer', backend: pool(2) });
      await solveAsync(dyn, [0.1, 0.2], 30, { method: 'deer', backend: pool(2) });
      expect(a.linearization?.callsPerStep.step).toBeGreaterThan(0);
      expect(seen.map((w) => w.code)).toEqual(['FINITE_DIFFERENCES']);
      expect(seen[0]?.message).toMatch(/'doubling'.*extra evaluations of f per step/);
    } finally {
      setWarningHandler(previous);
    }
  });
});

describe('createCpuWorkers: abort, destroy, and a process that exits', () => {
  it('a fired signal rejects with ABORTED, before the solve and between iterations', async () => {
    const dyn = await tanh(2, 1, 0.5);
    expect(await codeOf(solveAsync(dyn, [0, 0], 100, { method: 'picard', signal: AbortSignal.abort(), backend: pool(2) }))).toBe('ABORTED');
    const controller = new AbortController();
    let iterations = 0;
    const run = solveAsync(dyn, [0, 0], 500, {
      method: 'picard',
      signal: controller.signal,
      backend: pool(2),
      onIteration: () => {
        if (++iterations === 3) controller.abort();
      },
    });
    expect(await codeOf(run)).toBe('ABORTED');
    expect(iterations).toBe(3);
  });

  it('destroy stops the workers; the pool refuses later solves', async () => {
    const p = createCpuWorkers({ workers: 2 });
    const dyn = await tanh(2, 1, 0.5);
    expect((await solveAsync(dyn, [0, 0], 10, { backend: p })).converged).toBe(true);
    await p.destroy();
    expect(await codeOf(solveAsync(dyn, [0, 0], 10, { backend: p }))).toBe('INVALID_ARGUMENT');
  });

  it('Node exits after a solve without destroy (the workers never keep it alive)', () => {
    const script = `
      import { createCpuWorkers, loadWorkerDynamics, solveAsync } from ${JSON.stringify(new URL('../../dist/index.js', import.meta.url).href)};
      const dyn = await loadWorkerDynamics({ module: ${JSON.stringify(fixtureModule)}, exportName: 'tanhRnn', args: [2, 1, 0.5] });
      const r = await solveAsync(dyn, [0, 0], 1000, { backend: createCpuWorkers({ workers: 2 }) });
      console.log(r.converged);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000, encoding: 'utf8' });
    expect(out.trim()).toBe('true');
  });
});
