import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FixedPointBackend, UpdateMeasure } from './fixed-point-backend.js';
import { driveFixedPoint, type DriverSettings } from './fixed-point-driver.js';
import { runWork, runWorkAsync, type Work } from './resumable-work.js';
import type { FinalResidual } from './stopping-policy.js';

const base: DriverSettings = { T: 10, tol: 1e-8, residualTol: 1e-4, stop: 'delta', maxIterations: 10, window: undefined, exactLeadingRow: true, fallback: false, signal: undefined };

/**
 * A backend that plays back scripted measurements and logs every call: the driver's
 * policy, observed on records alone (no arithmetic). `wait` makes every call yield a
 * promise first, as a device backend does.
 */
class ScriptedBackend implements FixedPointBackend {
  readonly calls: string[] = [];
  #i = 0;
  constructor(
    readonly script: { merit: number[]; updates: Partial<UpdateMeasure>[]; residual: FinalResidual; startFinite?: boolean; rolloutFinite?: boolean },
    readonly wait = false,
  ) {}
  *#pending(): Work<void> {
    if (this.wait) {
      const v = yield Promise.resolve(42);
      if (v !== 42) throw new Error('the runner must send the settled value back in');
    }
  }
  *windowStartFinite(ws: number): Work<boolean> {
    yield* this.#pending();
    this.calls.push(`start ${ws}`);
    return this.script.startFinite ?? true;
  }
  *linearize(ws: number, we: number): Work<number> {
    yield* this.#pending();
    this.calls.push(`linearize ${ws}-${we}`);
    return this.script.merit[this.#i] ?? 1;
  }
  *solve(ws: number, we: number): Work<void> {
    yield;
    this.calls.push(`solve ${ws}-${we}`);
  }
  *update(ws: number, we: number): Work<UpdateMeasure> {
    yield* this.#pending();
    this.calls.push(`update ${ws}-${we}`);
    const u = this.script.updates[this.#i++] ?? {};
    return { delta: 1, resets: 0, convergedPrefix: ws, firstRowReset: false, ...u };
  }
  *residual(): Work<FinalResidual> {
    yield* this.#pending();
    this.calls.push('residual');
    return this.script.residual;
  }
  *fallback(): Work<boolean> {
    yield* this.#pending();
    this.calls.push('fallback');
    return this.script.rolloutFinite ?? true;
  }
}

const good: FinalResidual = { merit: 0, maxResidual: 0, finite: true };

describe('driveFixedPoint: the one driver, on a scripted backend', () => {
  it('runs linearize → solve → update per iteration, then the residual check, and converges on a small step', () => {
    const b = new ScriptedBackend({ merit: [1, 0.5], updates: [{ delta: 1 }, { delta: 1e-9 }], residual: good });
    const out = runWork(driveFixedPoint('test', b, base));
    expect(b.calls).toEqual(['start 0', 'linearize 0-10', 'solve 0-10', 'update 0-10', 'start 0', 'linearize 0-10', 'solve 0-10', 'update 0-10', 'residual']);
    expect(out).toEqual({ iterations: 2, converged: true, fellBack: false, trace: { delta: [1, 1e-9], merit: [1, 0.5], resets: [0, 0] } });
  });

  it("stop 'merit' accepts the iterate before solving again, judged by the residual sweep", () => {
    const b = new ScriptedBackend({ merit: [1, 1e-12], updates: [{ delta: 1 }], residual: { merit: 1e-12, maxResidual: 1e-6, finite: true } });
    const out = runWork(driveFixedPoint('test', b, { ...base, stop: 'merit' }));
    expect(b.calls.slice(-2)).toEqual(['linearize 0-10', 'residual']);
    expect(out.iterations).toBe(1);
    expect(out.converged).toBe(true);
  });

  it('never calls a small step converged when the residual check fails, and falls back when asked', () => {
    const script = { merit: [1], updates: [{ delta: 0 }], residual: { merit: 1, maxResidual: 3, finite: true } };
    expect(runWork(driveFixedPoint('test', new ScriptedBackend(script), base)).converged).toBe(false);
    const b = new ScriptedBackend({ ...script, rolloutFinite: true });
    expect(runWork(driveFixedPoint('test', b, { ...base, fallback: true }))).toMatchObject({ converged: true, fellBack: true });
    expect(b.calls.at(-1)).toBe('fallback');
    const nan = new ScriptedBackend({ ...script, rolloutFinite: false });
    expect(runWork(driveFixedPoint('test', nan, { ...base, fallback: true }))).toMatchObject({ converged: false, fellBack: true });
  });

  it('a window advances past the converged prefix (or one exact row) and a non-finite start ends the run', () => {
    const b = new ScriptedBackend({ merit: [1, 1, 1], updates: [{ convergedPrefix: 0 }, { convergedPrefix: 7, firstRowReset: true }, { convergedPrefix: 10 }], residual: good });
    runWork(driveFixedPoint('test', b, { ...base, window: 4 }));
    expect(b.calls.filter((c) => c.startsWith('linearize'))).toEqual(['linearize 0-4', 'linearize 1-5', 'linearize 7-10']);
    const stuck = new ScriptedBackend({ merit: [], updates: [], residual: good, startFinite: false, rolloutFinite: false });
    expect(runWork(driveFixedPoint('test', stuck, { ...base, fallback: true }))).toMatchObject({ iterations: 0, converged: false, fellBack: true });
    expect(stuck.calls).toEqual(['start 0', 'fallback']);
  });

  it("ELK's step leaves the leading row inexact: the window does not move on a row the filter only smoothed", () => {
    const b = new ScriptedBackend({ merit: [1, 1], updates: [{ convergedPrefix: 0 }, { convergedPrefix: 10 }], residual: good });
    runWork(driveFixedPoint('test', b, { ...base, window: 4, exactLeadingRow: false }));
    expect(b.calls.filter((c) => c.startsWith('linearize'))).toEqual(['linearize 0-4', 'linearize 0-4']);
  });

  it('the observer sees every iteration and can stop the run, judged with tol itself', () => {
    const b = new ScriptedBackend({ merit: [1, 1], updates: [{ delta: 0.5, resets: 2 }], residual: { merit: 0, maxResidual: 1e-6, finite: true } });
    const seen: unknown[] = [];
    const out = runWork(
      driveFixedPoint('test', b, base, (m) => {
        seen.push(m);
        return false;
      }),
    );
    expect(seen).toEqual([{ iteration: 1, merit: 1, delta: 0.5, resets: 2, convergedPrefix: 0, firstRowReset: false }]);
    // 1e-6 passes residualTol but not tol = 1e-8: an early stop proves nothing.
    expect(out).toMatchObject({ iterations: 1, converged: false });
  });

  it('an aborted signal stops it before the next iteration with ABORTED', () => {
    const controller = new AbortController();
    const b = new ScriptedBackend({ merit: [], updates: [], residual: good });
    expect(() =>
      runWork(
        driveFixedPoint('test', b, { ...base, signal: controller.signal }, () => {
          controller.abort();
        }),
      ),
    ).toThrow(expect.objectContaining({ code: 'ABORTED' }) as Error);
    expect(b.calls.filter((c) => c.startsWith('update'))).toHaveLength(1);
  });

  it('an asynchronous backend runs under runWorkAsync with the same calls and outcome; runWork refuses it', async () => {
    const script = { merit: [1, 0.5, 0.1], updates: [{ delta: 1 }, { delta: 0.1 }, { delta: 1e-9 }], residual: good };
    const sync = new ScriptedBackend(script);
    const async = new ScriptedBackend(script, true);
    let pauses = 0;
    const a = await runWorkAsync(driveFixedPoint('test', async, base), () => {
      pauses++;
    });
    expect(a).toEqual(runWork(driveFixedPoint('test', sync, base)));
    expect(async.calls).toEqual(sync.calls);
    expect(pauses).toBe(3);
    expect(() => runWork(driveFixedPoint('test', new ScriptedBackend(script, true), base))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }) as Error);
  });

  it('a rejected promise is thrown into the work (a device loss surfaces as the error it is)', async () => {
    function* work(): Work<string> {
      try {
        yield Promise.reject(new Error('device lost'));
        return 'not reached';
      } catch (e) {
        return `caught ${(e as Error).message}`;
      }
    }
    expect(await runWorkAsync(work())).toBe('caught device lost');
  });

  it('terminates within maxIterations on any script, and converges only with a passing verdict', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
        fc.constantFrom<'delta' | 'merit'>('delta', 'merit'),
        fc.array(fc.record({ merit: fc.double(), delta: fc.double(), prefix: fc.nat() }), { maxLength: 40 }),
        fc.record({ merit: fc.double(), maxResidual: fc.double(), finite: fc.boolean() }),
        (T, window, stop, steps, residual) => {
          const s = { ...base, T, maxIterations: T, window, stop };
          const b = new ScriptedBackend({ merit: steps.map((x) => x.merit), updates: steps.map((x) => ({ delta: x.delta, convergedPrefix: Math.min(T, x.prefix) })), residual });
          const out = runWork(driveFixedPoint('test', b, s));
          expect(out.iterations).toBeLessThanOrEqual(T);
          expect(out.trace.delta).toHaveLength(out.iterations);
          if (out.converged) expect(residual.finite && !Number.isNaN(stop === 'merit' ? residual.merit : residual.maxResidual)).toBe(true);
        },
      ),
      { numRuns: 400, seed: 150 },
    );
  });
});
