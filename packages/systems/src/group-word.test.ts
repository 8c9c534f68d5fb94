import { checkStructureLaws } from '@unroll/scan';
import { solve } from '@unroll/solvers';
import { describe, expect, it } from 'vitest';
import { groupWord, permutation } from './index.js';

/** The product P_T ⋯ P_1 applied to (0, 1, …, n−1), by composing index arrays directly. */
function product(word: readonly Int32Array[], n: number): number[] {
  let s = Array.from({ length: n }, (_, i) => i);
  for (const p of word) s = Array.from(p, (j) => s[j]);
  return s;
}

describe('groupWord', () => {
  it('permutation(n) obeys the structure laws (with permutation samples)', () => {
    for (const n of [1, 3, 5, 8]) {
      const report = checkStructureLaws(permutation(n), {
        sample: (rand, out, oo) => {
          const p = Array.from({ length: n }, (_, i) => i);
          for (let i = n - 1; i > 0; i--) {
            const j = Math.floor(rand() * (i + 1));
            [p[i], p[j]] = [p[j], p[i]];
          }
          p.forEach((v, i) => { out[oo + i] = v; });
        },
      });
      expect(report.failures).toEqual([]);
    }
  });

  it('DEER is exact after its first iterate (2 under delta, 1 under merit) and spells the product', () => {
    const n = 5, T = 300;
    const g = groupWord({ n, seed: 3, length: T });
    const s0 = Array.from({ length: n }, (_, i) => i);
    const want = product(g.word, n);
    for (const method of ['deer' as const, g.strategy]) {
      const byDelta = solve(g, s0, T, { method });
      expect(byDelta.iterations).toBe(2);
      expect(Array.from(byDelta.states.slice((T - 1) * n))).toEqual(want);
      expect(solve(g, s0, T, { method, stop: 'merit', tol: 1e-20 }).iterations).toBe(1);
    }
  });

  it('groupWord with an explicit word, and bad words rejected', () => {
    const g = groupWord({ n: 3, word: [[1, 2, 0], [0, 2, 1]] });
    expect(Array.from(solve(g, [0, 1, 2], 2, { method: 'sequential' }).states)).toEqual([1, 2, 0, 1, 0, 2]);
    expect(() => groupWord({ n: 3, word: [[0, 0, 1]] })).toThrow(/not a permutation/);
    expect(() => groupWord({ n: 3 })).toThrow(/a seed and a length/);
  });
});
