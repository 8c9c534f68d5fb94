import { describe, expect, it } from 'vitest';
import { maxAbsErr, rollout, tanhRnn } from '../test/systems.js';
import { elk, solve, solveBatch } from './index.js';

describe('solveBatch', () => {
  it('solveBatch of one dynamics from B initial states equals B separate solves', () => {
    const dyn = tanhRnn(3, 12, 0.7);
    const s0s = [[0, 0, 0], [1, -1, 0.5], [-2, 0.3, 1]];
    for (const opts of [{ method: 'quasi-deer' as const }, { method: 'deer' as const, window: 17 }, { method: elk({ lambda: 0.5 }) }]) {
      const batch = solveBatch(dyn, s0s, 90, opts);
      expect(batch).toHaveLength(3);
      batch.forEach((r, k) => {
        const single = solve(dyn, s0s[k], 90, opts);
        expect(Array.from(r.states)).toEqual(Array.from(single.states));
        expect(r.iterations).toBe(single.iterations);
        expect(maxAbsErr(r.states, rollout(dyn, s0s[k], 90))).toBeLessThan(1e-7);
      });
      // Each result owns its states: the shared scratch never aliases them.
      expect(batch[0].states).not.toBe(batch[1].states);
    }
  });

  it('solveBatch of B different dynamics, and the sequential method', () => {
    const list = [tanhRnn(2, 1, 0.5), tanhRnn(2, 2, 0.9)];
    const s0s = [[0.5, 0.5], [-0.5, 0.1]];
    const batch = solveBatch(list, s0s, 50, { method: 'jacobi' });
    batch.forEach((r, k) => { expect(maxAbsErr(r.states, rollout(list[k], s0s[k], 50))).toBeLessThan(1e-7); });
    const seq = solveBatch(list, s0s, 50, { method: 'sequential' });
    seq.forEach((r, k) => { expect(Array.from(r.states)).toEqual(Array.from(rollout(list[k], s0s[k], 50))); });
    expect(solveBatch(list[0], [], 10)).toEqual([]);
  });

  it('solveBatch rejects mismatched batches', () => {
    expect(() => solveBatch([tanhRnn(2, 1, 0.5)], [[0, 0], [1, 1]], 10)).toThrow(expect.objectContaining({ code: 'LENGTH_MISMATCH' }) as Error);
    expect(() => solveBatch([tanhRnn(2, 1, 0.5), tanhRnn(3, 1, 0.5)], [[0, 0], [0, 0, 0]], 10)).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH' }) as Error);
    expect(() => solveBatch(tanhRnn(2, 1, 0.5), [[0, 0]], 10, { init: new Float64Array(20) })).toThrow(/warm-start array fits one sequence/);
  });
});
