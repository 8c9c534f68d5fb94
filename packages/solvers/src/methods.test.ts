import { diagonal, full, hutchinson } from '@unroll/linearize';
import { describe, expect, it } from 'vitest';
import { tanhRnn } from '../test/systems.js';
import { clipElk, deer, elk, exactAfterT, jacobi, methodNames, newton, picard, quasiDeer, resolveMethod, scaleElk, sequential, solve } from './index.js';

describe('methods are values: a choice of Ã_t plus an inner linear solve', () => {
  it('each factory carries its strategy and inner solve', () => {
    expect(deer()).toMatchObject({ kind: 'fixed-point', name: 'deer', inner: { kind: 'recurrence' } });
    expect(deer().strategy.structure(3).name).toBe('dense');
    expect(quasiDeer().strategy.structure(3).name).toBe('diagonal');
    expect(picard().strategy.structure(3).name).toBe('identity');
    expect(jacobi().strategy.structure(3).name).toBe('zero');
    expect(elk({ lambda: 2 })).toMatchObject({ name: 'elk', inner: { kind: 'kalman', lambda: 2 } });
    expect(elk({ lambda: 2, base: 'diagonal' }).name).toBe('quasi-elk');
    expect(scaleElk({ k: 0.5 }).name).toBe('scale-elk');
    expect(clipElk().name).toBe('clip-elk');
    expect(sequential()).toEqual({ kind: 'sequential', name: 'sequential' });
  });

  it('every name in the one list resolves to the value of the same name (or says which value to build)', () => {
    for (const name of methodNames) {
      if (name === 'elk' || name === 'quasi-elk' || name === 'scale-elk') {
        expect(() => resolveMethod('solve', name)).toThrow(name === 'scale-elk' ? /scaleElk\(\{ k \}\)/ : /elk\(\{ lambda/);
        continue;
      }
      expect(resolveMethod('solve', name).name).toBe(name);
    }
  });

  it("solve(…, { method: 'quasi-deer' }) and solve(…, { method: quasiDeer() }) are the same solve, bit for bit", () => {
    const dyn = tanhRnn(3, 4, 0.8);
    const pairs = [['deer', deer()], ['quasi-deer', quasiDeer()], ['picard', picard()], ['jacobi', jacobi()], ['clip-elk', clipElk()]] as const;
    for (const [name, value] of pairs) {
      const a = solve(dyn, [0.1, 0.2, 0.3], 80, { method: name });
      const b = solve(dyn, [0.1, 0.2, 0.3], 80, { method: value });
      expect(Array.from(b.states)).toEqual(Array.from(a.states));
      expect(b.method).toBe(name);
    }
  });

  it('newton(strategy) is the bare strategy; quasiDeer({ diagonal: hutchinson }) estimates the diagonal', () => {
    const dyn = tanhRnn(3, 5, 0.7);
    const a = solve(dyn, [0, 0, 0], 60, { method: newton(full()) });
    const b = solve(dyn, [0, 0, 0], 60, { method: full() });
    expect(Array.from(a.states)).toEqual(Array.from(b.states));
    const h = solve(dyn, [0, 0, 0], 60, { method: quasiDeer({ diagonal: hutchinson({ probes: 2, seed: 1 }) }) });
    expect(h.converged).toBe(true);
    expect(h.method).toMatch(/^quasi-deer\(hutchinson/);
  });

  it('a custom base takes λ: ELK runs on the base strategy, its Kalman layout read off the structure', () => {
    const dyn = tanhRnn(3, 6, 0.7);
    const a = solve(dyn, [0.2, 0, -0.2], 100, { method: elk({ lambda: 1, base: diagonal() }) });
    const b = solve(dyn, [0.2, 0, -0.2], 100, { method: elk({ lambda: 1, base: 'diagonal' }) });
    expect(Array.from(a.states)).toEqual(Array.from(b.states));
  });

  it('bad parameters are typed errors naming them', () => {
    expect(() => elk({ lambda: NaN })).toThrow(/lambda/);
    expect(() => scaleElk({ k: 2 })).toThrow(/k must be in \[0, 1\]/);
    expect(() => quasiDeer({ diagonal: 'approximate' as never })).toThrow(/diagonal must be a Strategy/);
    expect(() => newton({} as never)).toThrow(/strategy must be a Strategy/);
    expect(() => elk(null as never)).toThrow(/options must be an object/);
    expect(() => quasiDeer(null as never)).toThrow(/options must be an object/);
    expect(() => resolveMethod('solve', diagonal)).toThrow(/You passed the factory 'diagonal' itself: call it/);
  });
});

describe('exactAfterT: ELK with λ > 0 may iterate past T', () => {
  it('says which methods are exact after T iterations', () => {
    for (const m of [sequential(), deer(), quasiDeer(), picard(), jacobi(), scaleElk({ k: 0.5 }), clipElk(), elk({ lambda: 0 })]) expect(exactAfterT(m)).toBe(true);
    expect(exactAfterT(elk({ lambda: 1 }))).toBe(false);
    expect(exactAfterT(elk({ lambda: 1e-6, base: 'diagonal' }))).toBe(false);
    // Any value of solve's method option, checked as solve checks it.
    expect(exactAfterT('quasi-deer')).toBe(true);
    expect(exactAfterT(diagonal())).toBe(true);
    for (const bad of [undefined, 'newton', { kind: 'fixed-point' }]) {
      expect(() => exactAfterT(bad as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^exactAfterT: /) as unknown }) as Error);
    }
  });

  it('a damped ELK that needs more than T iterations gets them when asked, and reaches the rollout; DEER stays capped at T', () => {
    const dyn = tanhRnn(3, 7, 1.5);
    const T = 4, s0 = [0.5, -0.3, 0.2];
    const reference = solve(dyn, s0, T, { method: 'sequential' }).states;
    // λ = 1 moves each row half way per iteration (thesis §4.2), so T = 4 iterations cannot be exact.
    const capped = solve(dyn, s0, T, { method: elk({ lambda: 1 }) });
    expect(capped.iterations).toBe(T);
    expect(capped.converged).toBe(false);
    const long = solve(dyn, s0, T, { method: elk({ lambda: 1 }), maxIterations: 500 });
    expect(long.iterations).toBeGreaterThan(T);
    expect(long.iterations).toBeLessThan(500);
    expect(long.converged).toBe(true);
    for (let k = 0; k < reference.length; k++) expect(Math.abs(long.states[k] - reference[k])).toBeLessThan(1e-6);
    expect(solve(dyn, s0, T, { method: 'deer', maxIterations: 500, tol: 1e-300 }).iterations).toBeLessThanOrEqual(T);
  });
});
