import { solve } from '@unroll/solvers';
import { createRng, gru } from '@unroll/systems';
import { largestLyapunovExponent } from '@unroll/theory';
import { describe, expect, it } from 'vitest';
import type { CaseStudyResult } from './case-study.js';
import { findTable, columnIndex, cellWhere } from './table-lookup.js';
import { gruInit } from './gru-init.js';

const progress: string[] = [];
let result: CaseStudyResult;

/** The study's GRU, rebuilt here from the documented recipe (seed 0). */
function studyGru(D: number, T: number) {
  const rng = createRng(2 * D + 1);
  const inputs = new Float64Array(T * D);
  for (let i = 0; i < inputs.length; i++) inputs[i] = rng.normal();
  return gru({ dim: D, inputDim: D, seed: 2 * D, inputs });
}

describe('gru-init case study (demo size)', () => {
  it('runs', async () => {
    const start = performance.now();
    result = await gruInit.run({ full: false, seed: 0, progress: (m) => progress.push(m) });
    console.log(`gru-init demo: ${((performance.now() - start) / 1000).toFixed(2)} s`);
    expect(gruInit.number).toBe(2);
    expect(gruInit.id).toBe('gru-init');
    expect(progress.length).toBeGreaterThan(0);
  });

  it('every solve converged and matches the sequential rollout', () => {
    const t = findTable(result, 'Iterations');
    expect(t.rows.length).toBe(2 * 2 * 5);
    for (const r of t.rows) {
      expect(r[columnIndex(t, 'converged')]).toBe(true);
      expect(r[columnIndex(t, 'max |s − s_seq|')]).toBeLessThan(1e-5);
    }
  });

  it('DEER, quasi-DEER and Jacobi are fast; Picard needs nearly T', () => {
    const t = findTable(result, 'Iterations');
    for (const r of t.rows) {
      const T = r[columnIndex(t, 'T')] as number;
      const D = r[columnIndex(t, 'D')] as number;
      const n = r[columnIndex(t, 'iterations')] as number;
      const m = r[columnIndex(t, 'method')] as string;
      if (m === 'Picard') {
        expect(n).toBeGreaterThanOrEqual(0.7 * T);
      } else {
        // Flat in T: the count at T = 512 is (about) the count at T = 128, far below T.
        expect(n).toBeLessThanOrEqual(cellWhere(t, { D, T: 128, method: m }, 'iterations') as number + 3);
        if (T === 512) expect(n).toBeLessThanOrEqual(0.1 * T);
      }
      if (m === 'DEER') expect(n).toBeLessThanOrEqual(6);
    }
  });

  it('the reported counts and the LLE are what independent computations give', () => {
    const t = findTable(result, 'Iterations');
    const D = 8, T = 512;
    const dyn = studyGru(D, T);
    const s0 = new Float64Array(D);
    const reference = solve(dyn, s0, T, { method: 'sequential' }).states;
    for (const [label, method] of [
      ['DEER', 'deer'],
      ['quasi-DEER (exact diagonal)', 'quasi-deer'],
      ['Jacobi', 'jacobi'],
    ] as const) {
      const r = solve(dyn, s0, T, { method, stop: 'merit', tol: 1e-16 });
      expect(cellWhere(t, { D, T, method: label }, 'iterations')).toBe(r.iterations);
    }
    const lle = largestLyapunovExponent(dyn, s0, reference, { seed: 0 }).value;
    expect(cellWhere(findTable(result, 'Largest Lyapunov'), { D, T }, 'LLE')).toBeCloseTo(lle, 12);
    expect(lle).toBeLessThan(0);
  });

  it('Lemma 1: Jacobi and quasi approximation errors below 1, Picard above', () => {
    const t = findTable(result, 'Lemma 1');
    const d = (m: string) => cellWhere(t, { method: m }, 'max_t ‖Ã_t − A_t‖₂') as number;
    expect(d('Jacobi')).toBeLessThan(1);
    expect(d('quasi-DEER (exact diagonal)')).toBeLessThan(1);
    expect(d('Picard')).toBeGreaterThan(1);
    // Jacobi's J̃ is the identity, so its γ is its approximation error (thesis Fig. 30).
    expect(cellWhere(t, { method: 'Jacobi' }, 'γ')).toBeCloseTo(d('Jacobi'), 9);
  });

  it('quotes the papers with sources and explains every difference', () => {
    expect(result.comparisons.length).toBeGreaterThanOrEqual(4);
    for (const c of result.comparisons) {
      expect(c.source.length).toBeGreaterThan(5);
      if (c.verdict === 'differs') expect(c.note?.length ?? 0).toBeGreaterThan(20);
    }
    const picard = result.comparisons.find((c) => c.quantity.startsWith('Picard iterations'));
    expect(picard?.verdict).toBe('agrees');
  });
});
