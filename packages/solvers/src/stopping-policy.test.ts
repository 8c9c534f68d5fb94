import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, meritStops, verdict, type IterationRecord, type PolicySettings } from './stopping-policy.js';

const settings: PolicySettings = { T: 100, tol: 1e-8, residualTol: 1e-4, stop: 'delta', maxIterations: 100, window: undefined };
const record: IterationRecord = { iteration: 3, delta: 1e-3, convergedPrefix: 10, windowStart: 0, windowEnd: 100, firstRowExact: true, userStop: false };

describe('the stopping policy, on records alone', () => {
  it("decide(small change over the whole trajectory, stop 'delta') finishes, judged with residualTol", () => {
    expect(decide({ ...record, delta: 1e-9 }, settings)).toEqual({ action: 'finish', residualBound: 1e-4 });
  });

  it('decide(NaN change) continues: NaN is never small', () => {
    expect(decide({ ...record, delta: NaN }, settings)).toEqual({ action: 'continue', windowStart: 0 });
  });

  it("decide(small change, stop 'merit') continues: only the merit stops a 'merit' run", () => {
    expect(decide({ ...record, delta: 0 }, { ...settings, stop: 'merit' }).action).toBe('continue');
  });

  it('decide at maxIterations, or stopped by the caller, finishes judged with tol itself', () => {
    expect(decide({ ...record, iteration: 100 }, settings)).toEqual({ action: 'finish', residualBound: 1e-8 });
    expect(decide({ ...record, userStop: true }, settings)).toEqual({ action: 'finish', residualBound: 1e-8 });
  });

  it('decide moves a window past the converged prefix, or one exact row, and finishes once it passes T', () => {
    const w = { ...settings, window: 20 };
    expect(decide({ ...record, windowStart: 5, windowEnd: 25, convergedPrefix: 5 }, w)).toEqual({ action: 'continue', windowStart: 6 });
    expect(decide({ ...record, windowStart: 5, windowEnd: 25, convergedPrefix: 5, firstRowExact: false }, w)).toEqual({ action: 'continue', windowStart: 5 });
    expect(decide({ ...record, windowStart: 5, windowEnd: 25, convergedPrefix: 17 }, w)).toEqual({ action: 'continue', windowStart: 17 });
    expect(decide({ ...record, windowStart: 90, windowEnd: 100, convergedPrefix: 100, delta: 1 }, { ...w, stop: 'merit' })).toEqual({ action: 'finish', residualBound: 1e-4 });
  });

  it("decide with windowAdvance 'first-unconverged' moves one row past the converged prefix (PASO's stride), never past the window's end, and only from an exact start", () => {
    const w = { ...settings, window: 20, windowAdvance: 'first-unconverged' as const };
    expect(decide({ ...record, windowStart: 5, windowEnd: 25, convergedPrefix: 17 }, w)).toEqual({ action: 'continue', windowStart: 18 });
    expect(decide({ ...record, windowStart: 5, windowEnd: 25, convergedPrefix: 5 }, w)).toEqual({ action: 'continue', windowStart: 6 });
    expect(decide({ ...record, windowStart: 5, windowEnd: 25, convergedPrefix: 25 }, w)).toEqual({ action: 'continue', windowStart: 25 });
    expect(decide({ ...record, windowStart: 5, windowEnd: 25, convergedPrefix: 17, firstRowExact: false }, w)).toEqual({ action: 'continue', windowStart: 17 });
    expect(decide({ ...record, windowStart: 90, windowEnd: 100, convergedPrefix: 99, delta: 1 }, w)).toEqual({ action: 'finish', residualBound: 1e-4 });
    expect(decide({ ...record, windowStart: 90, windowEnd: 100, convergedPrefix: 99, delta: 1 }, { ...w, windowAdvance: 'converged' })).toEqual({ action: 'continue', windowStart: 99 });
  });

  it('meritStops only once the window covers the end, and never on NaN', () => {
    const m = { ...settings, stop: 'merit' as const };
    expect(meritStops(1e-9, 100, m)).toBe(true);
    expect(meritStops(1e-9, 99, m)).toBe(false);
    expect(meritStops(NaN, 100, m)).toBe(false);
    expect(meritStops(1e-9, 100, settings)).toBe(false);
  });

  it('verdict: converged means finite and the residual check passed, whatever the numbers', () => {
    fc.assert(
      fc.property(fc.double(), fc.double(), fc.boolean(), fc.constantFrom<'delta' | 'merit'>('delta', 'merit'), (merit, maxResidual, finite, stop) => {
        const s = { ...settings, stop };
        const ok = verdict({ merit, maxResidual, finite }, s, 1e-4);
        const want = finite && (stop === 'merit' ? merit < s.tol : maxResidual <= 1e-4);
        expect(ok).toBe(want);
        if (ok) expect(Number.isNaN(stop === 'merit' ? merit : maxResidual)).toBe(false);
      }),
      { numRuns: 500, seed: 15 },
    );
  });

  it('decide never continues past maxIterations (every solve terminates)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), fc.double(), fc.integer({ min: 0, max: 60 }), (T, cap, delta, prefix) => {
        const s = { ...settings, T, maxIterations: Math.min(T, cap), window: 7 };
        const d = decide({ ...record, iteration: s.maxIterations, delta, convergedPrefix: Math.min(prefix, T), windowEnd: Math.min(T, 7) }, s);
        expect(d.action).toBe('finish');
      }),
      { numRuns: 300, seed: 16 },
    );
  });
});
