import { solve } from '@unroll/solvers';
import { groupWord } from '@unroll/systems';
import { describe, expect, it } from 'vitest';
import type { CaseStudyResult, CaseTable, Cell } from './case-study.js';
import { findTable, columnIndex } from './table-lookup.js';
import { wordS5 } from './word-s5.js';

const progress: string[] = [];
let result: CaseStudyResult;
let seconds = 0;

function rowsOf(t: CaseTable, method: string): (readonly Cell[])[] {
  const m = columnIndex(t, 'method');
  return t.rows.filter((r) => r[m] === method);
}

describe('word-s5 case study (demo size)', () => {
  it('runs', async () => {
    const start = performance.now();
    result = await wordS5.run({ full: false, seed: 0, progress: (m) => progress.push(m) });
    seconds = (performance.now() - start) / 1000;
    console.log(`word-s5 demo: ${seconds.toFixed(2)} s`);
    expect(wordS5.number).toBe(1);
    expect(wordS5.id).toBe('word-s5');
    expect(progress.length).toBeGreaterThan(0);
  });

  it('reports DEER converging in 1 iteration under the merit stop and 2 under delta', () => {
    const t = findTable(result, 'Iterations');
    const it = columnIndex(t, 'iterations');
    for (const label of ['DEER (dense Jacobian)', 'DEER (permutation structure)']) {
      const rows = rowsOf(t, label);
      expect(rows.length).toBe(3);
      for (const r of rows) expect(r[it]).toBe(1);
    }
    const conv = findTable(result, 'DEER iteration count');
    for (const r of conv.rows) {
      expect(r[1]).toBe(1);
      expect(r[2]).toBe(2);
    }
  });

  it('every reported solve converged and matches the sequential rollout', () => {
    const t = findTable(result, 'Iterations');
    const conv = columnIndex(t, 'converged');
    const err = columnIndex(t, 'max |s − s_seq|');
    expect(t.rows.length).toBe(15);
    for (const r of t.rows) {
      expect(r[conv]).toBe(true);
      expect(r[err]).toBe(0);
    }
  });

  it('the iteration counts are what an independent solve gives', () => {
    const t = findTable(result, 'Iterations');
    const Tc = columnIndex(t, 'T');
    const it = columnIndex(t, 'iterations');
    const T = 256;
    const word = groupWord({ n: 5, seed: 0, length: T });
    const s0 = [0, 1, 2, 3, 4];
    const reference = solve(word, s0, T, { method: 'sequential' }).states;
    for (const [label, method] of [
      ['quasi-DEER', 'quasi-deer'],
      ['Picard', 'picard'],
      ['Jacobi', 'jacobi'],
    ] as const) {
      const r = solve(word, s0, T, { method, stop: 'merit', tol: 1e-16 });
      const row = rowsOf(t, label).find((x) => x[Tc] === T);
      expect(row?.[it]).toBe(r.iterations);
      let maxErr = 0;
      for (let i = 0; i < reference.length; i++) maxErr = Math.max(maxErr, Math.abs((r.states[i] ?? NaN) - (reference[i] ?? NaN)));
      expect(maxErr).toBe(0);
    }
  });

  it('quasi-DEER, Picard and Jacobi need nearly T iterations, growing with T', () => {
    const t = findTable(result, 'Iterations');
    const Tc = columnIndex(t, 'T');
    const it = columnIndex(t, 'iterations');
    for (const label of ['quasi-DEER', 'Picard', 'Jacobi']) {
      const rows = rowsOf(t, label);
      let previous = 0;
      for (const r of rows) {
        const T = r[Tc] as number;
        const n = r[it] as number;
        expect(n).toBeGreaterThanOrEqual(0.7 * T);
        expect(n).toBeLessThanOrEqual(T);
        expect(n).toBeGreaterThan(previous);
        previous = n;
      }
    }
    // Jacobi moves the information exactly one step per iteration from a zero guess.
    for (const r of rowsOf(t, 'Jacobi')) expect(r[it]).toBe(r[Tc]);
  });

  it('the Lemma 1 errors are 1 (quasi), 2 (Picard), 1 (Jacobi), 0 (DEER)', () => {
    const t = findTable(result, 'Lemma 1');
    const d = columnIndex(t, 'max_t ‖Ã_t − A_t‖₂');
    const byLabel = new Map(t.rows.map((r) => [r[0], r[d] as number]));
    expect(byLabel.get('DEER (full Jacobian)')).toBeCloseTo(0, 12);
    expect(byLabel.get('quasi-DEER (diagonal)')).toBeCloseTo(1, 9);
    expect(byLabel.get('Picard (identity)')).toBeCloseTo(2, 9);
    expect(byLabel.get('Jacobi (zero)')).toBeCloseTo(1, 9);
  });

  it('s_T spells the product of the letters', () => {
    const t = findTable(result, 'The answer');
    for (const r of t.rows) {
      expect(r[2]).toBe(true);
      expect(r[3]).toBe(true);
    }
    // Independently: the product of three letters by hand.
    const word = groupWord({ n: 5, word: [[1, 2, 3, 4, 0], [0, 2, 1, 3, 4], [4, 3, 2, 1, 0]] });
    const s = solve(word, [0, 1, 2, 3, 4], 3, { method: word.strategy, stop: 'merit', tol: 1e-16 }).states;
    // s_1 = (1 2 3 4 0), s_2 = s_1[(0 2 1 3 4)] = (1 3 2 4 0), s_3 = s_2 reversed = (0 4 2 3 1).
    expect(Array.from(s.slice(10, 15))).toEqual([0, 4, 2, 3, 1]);
  });

  it('quotes the paper with sources and agrees where the numbers do', () => {
    expect(result.comparisons.length).toBeGreaterThanOrEqual(3);
    for (const c of result.comparisons) {
      expect(c.source.length).toBeGreaterThan(5);
      expect(c.paper.length).toBeGreaterThan(5);
      if (c.verdict === 'differs') expect(c.note).toBeDefined();
    }
    expect(result.comparisons.every((c) => c.verdict === 'agrees')).toBe(true);
  });

  it('is deterministic', async () => {
    const again = await wordS5.run({ full: false, seed: 0, progress: () => undefined });
    expect(again.tables).toEqual(result.tables);
  });
});
