import { solve } from '@unroll/solvers';
import { meanFieldRnn } from '@unroll/systems';
import { largestLyapunovExponent } from '@unroll/theory';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseStudyResult, CaseTable, Cell } from './case-study.js';
import { predictability } from './predictability.js';

/** Reads one column of a table by its name. */
function col(table: CaseTable, name: string): (row: readonly Cell[]) => Cell {
  const k = table.columns.indexOf(name);
  if (k < 0) throw new Error(`no column ${name} in ${table.columns.join(', ')}`);
  return (row) => row[k];
}
const num = (c: Cell): number => {
  if (typeof c !== 'number') throw new Error(`expected a number, got ${String(c)}`);
  return c;
};

describe('case study 4: the predictability threshold (demo size)', () => {
  let result: CaseStudyResult;
  const messages: string[] = [];

  beforeAll(async () => {
    const t0 = performance.now();
    result = await predictability.run({ full: false, seed: 0, progress: (m) => messages.push(m) });
    console.log(`predictability, demo size: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  });

  it('identifies itself and reports progress', () => {
    expect(predictability.number).toBe(4);
    expect(predictability.id).toBe('predictability');
    expect(messages.length).toBeGreaterThan(10);
    expect(result.tables).toHaveLength(3);
  });

  it('every solve converged, matches its recomputed merit, and stays within T iterations', () => {
    const detail = result.tables[1];
    const T = col(detail, 'T'), its = col(detail, 'DEER its'), conv = col(detail, 'converged');
    const merit = col(detail, 'L(s)/T'), err = col(detail, 'max |DEER − seq|'), lle = col(detail, 'LLE λ');
    expect(detail.rows.length).toBe(27);
    for (const row of detail.rows) {
      expect(num(its(row))).toBeGreaterThanOrEqual(1);
      expect(num(its(row))).toBeLessThanOrEqual(num(T(row)));
      expect(conv(row)).toBe(true);
      expect(num(merit(row))).toBeLessThanOrEqual(1e-10);
      // Predictable runs reproduce the sequential rollout; only chaotic ones may be shadows.
      if (num(lle(row)) < 0) expect(num(err(row))).toBeLessThan(1e-4);
      if (num(err(row)) > 1e-2) expect(num(lle(row))).toBeGreaterThan(0);
    }
  });

  it('iterations stay flat for λ < 0 and grow in proportion to T for λ > 0', () => {
    const summary = result.tables[0];
    const lle = col(summary, 'LLE λ'), regime = col(summary, 'regime');
    const first = col(summary, 'DEER its, T = 64'), last = col(summary, 'DEER its, T = 256');
    const predictable = summary.rows.filter((r) => regime(r) === 'predictable');
    const chaotic = summary.rows.filter((r) => regime(r) === 'chaotic');
    expect(predictable.length).toBeGreaterThanOrEqual(2);
    expect(chaotic.length).toBeGreaterThanOrEqual(2);
    for (const r of predictable) {
      expect(num(lle(r))).toBeLessThan(0);
      expect(num(last(r))).toBeLessThanOrEqual(10);
      expect(num(last(r))).toBeLessThanOrEqual(1.5 * num(first(r)));
    }
    for (const r of chaotic) {
      expect(num(lle(r))).toBeGreaterThan(0);
      expect(num(last(r))).toBeGreaterThanOrEqual(2 * num(first(r))); // T grew 4×
    }
    // Ordered by λ, the iterations at the largest T never decrease.
    const byLle = [...summary.rows].sort((a, b) => num(lle(a)) - num(lle(b)));
    for (let k = 1; k < byLle.length; k++) expect(num(last(byLle[k]))).toBeGreaterThanOrEqual(num(last(byLle[k - 1])));
    // λ rises with g (rows are in g order), from clearly predictable to clearly chaotic.
    expect(num(lle(summary.rows[0]))).toBeLessThan(-0.3);
    expect(num(lle(summary.rows[summary.rows.length - 1]))).toBeGreaterThan(0.05);
  });

  it('an independent network shows the same threshold (own seed, zero initial guess, delta stop)', () => {
    const D = 16;
    const inputs = Array.from({ length: 256 }, (_, t) => Array.from({ length: D }, (_, i) => 0.1 * Math.sin(0.05 * t + i)));
    const s0 = new Array<number>(D).fill(0.5);
    const count = (g: number, T: number) => solve(meanFieldRnn({ dim: D, g, seed: 42, inputs }), s0, T, { method: 'deer', tol: 1e-8 });
    const lam = (g: number) => largestLyapunovExponent(meanFieldRnn({ dim: D, g, seed: 42, inputs }), s0, 256, { burnIn: 50, seed: 3 }).value;
    expect(lam(0.5)).toBeLessThan(-0.3);
    expect(lam(2.5)).toBeGreaterThan(0.05);
    const p64 = count(0.5, 64), p256 = count(0.5, 256), c64 = count(2.5, 64), c256 = count(2.5, 256);
    for (const r of [p64, p256, c64, c256]) expect(r.converged).toBe(true);
    expect(p256.iterations).toBeLessThanOrEqual(p64.iterations + 1);
    expect(c256.iterations).toBeGreaterThanOrEqual(2.5 * c64.iterations);
    expect(c64.iterations).toBeGreaterThan(5 * p64.iterations);
  });

  it('iterations track −log μ̃ (rank correlation recomputed from the table)', () => {
    const detail = result.tables[1];
    const its = detail.rows.map((r) => num(col(detail, 'DEER its')(r)));
    const cond = detail.rows.map((r) => num(col(detail, '−log10 μ̃')(r)));
    // Kendall's τ, an independent rank statistic: the share of concordant minus discordant pairs.
    let concordant = 0, discordant = 0;
    for (let i = 0; i < its.length; i++) {
      for (let j = i + 1; j < its.length; j++) {
        const s = Math.sign(its[i] - its[j]) * Math.sign(cond[i] - cond[j]);
        if (s > 0) concordant++;
        else if (s < 0) discordant++;
      }
    }
    expect((concordant - discordant) / (concordant + discordant)).toBeGreaterThan(0.8);
  });

  it('quotes the paper with sources and gives a note wherever it differs', () => {
    expect(result.comparisons.length).toBeGreaterThanOrEqual(5);
    for (const c of result.comparisons) {
      expect(c.source).toMatch(/predictability paper|unifying-framework paper/);
      expect(c.paper.length).toBeGreaterThan(10);
      if (c.verdict === 'differs') expect(c.note?.length ?? 0).toBeGreaterThan(10);
    }
    // At seed 0 every finding of the paper is reproduced.
    expect(result.comparisons.map((c) => c.verdict)).toEqual(result.comparisons.map(() => 'agrees'));
  });

  it("Jacobi's measured rate is e^λ within 0.03 and its count is predicted from λ within 10% (g with e^λ < 0.9)", () => {
    const t = result.tables[2];
    const rate = col(t, 'measured rate'), e = col(t, 'e^λ'), predicted = col(t, 'predicted its'), measured = col(t, 'measured its');
    expect(t.rows.length).toBeGreaterThanOrEqual(2);
    for (const row of t.rows) {
      expect(Math.abs(num(rate(row)) - num(e(row)))).toBeLessThan(0.03);
      expect(Math.abs(num(predicted(row)) - num(measured(row))) / num(measured(row))).toBeLessThan(0.1);
    }
  });
});

