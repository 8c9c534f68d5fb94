import { solve } from '@unroll/solvers';
import { createRng, gaussianMixture, langevin } from '@unroll/systems';
import { describe, expect, it } from 'vitest';
import type { CaseStudyResult } from './case-study.js';
import { findTable, columnIndex, cellWhere } from './table-lookup.js';
import { langevinMixture } from './langevin.js';

const progress: string[] = [];
let result: CaseStudyResult;

/** The study's mixture for seed 0, rebuilt here from the documented recipe. */
function studyPotential(D: number) {
  const rng = createRng(17 + D);
  const wishart = () => {
    const Z = Array.from({ length: D + 1 }, () => Array.from({ length: D }, () => rng.normal()));
    return Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => Z.reduce((acc, z) => acc + z[i] * z[j], 0)));
  };
  return gaussianMixture({ means: [new Array<number>(D).fill(1), new Array<number>(D).fill(0)], covariances: [wishart(), wishart()] });
}

describe('langevin case study (demo size)', () => {
  it('runs', async () => {
    const start = performance.now();
    result = await langevinMixture.run({ full: false, seed: 0, progress: (m) => progress.push(m) });
    console.log(`langevin demo: ${((performance.now() - start) / 1000).toFixed(2)} s`);
    expect(langevinMixture.number).toBe(3);
    expect(langevinMixture.id).toBe('langevin');
    expect(progress.length).toBeGreaterThan(0);
  });

  it('every solve converged and matches the sequential rollout', () => {
    const t = findTable(result, 'Iterations');
    expect(t.rows.length).toBe(2 * 4);
    for (const r of t.rows) {
      expect(r[columnIndex(t, 'converged')]).toBe(true);
      expect(r[columnIndex(t, 'max |s − s_seq|')]).toBeLessThan(1e-5);
    }
  });

  it('at the small step Picard and quasi-DEER are fast and Jacobi needs T', () => {
    const t = findTable(result, 'Iterations');
    const T = 512;
    const it = (method: string, eps: number) => cellWhere(t, { T, ε: eps, method }, 'iterations') as number;
    expect(it('Jacobi', 1e-5)).toBeGreaterThanOrEqual(0.9 * T);
    expect(it('Jacobi', 1e-3)).toBeGreaterThanOrEqual(0.9 * T);
    expect(it('Picard', 1e-5)).toBeLessThanOrEqual(0.05 * T);
    expect(it('quasi-DEER', 1e-5)).toBeLessThanOrEqual(it('Picard', 1e-5));
    expect(it('quasi-DEER', 1e-3)).toBeLessThanOrEqual(it('Picard', 1e-3));
    // The contrast: a larger step slows Picard down, not DEER.
    expect(it('Picard', 1e-3)).toBeGreaterThanOrEqual(3 * it('Picard', 1e-5));
    expect(it('DEER', 1e-3)).toBeLessThanOrEqual(10);
  });

  it('the reported counts are what an independent solve gives', () => {
    const t = findTable(result, 'Iterations');
    const D = 8, T = 512;
    const potential = studyPotential(D);
    for (const eps of [1e-5, 1e-3]) {
      const dyn = langevin({ potential, stepSize: eps, seed: 0 });
      const s0 = new Float64Array(D);
      const reference = solve(dyn, s0, T, { method: 'sequential' }).states;
      for (const [label, method] of [
        ['quasi-DEER', 'quasi-deer'],
        ['Picard', 'picard'],
      ] as const) {
        const r = solve(dyn, s0, T, { method, stop: 'merit', tol: 1e-16 });
        expect(cellWhere(t, { T, ε: eps, method: label }, 'iterations')).toBe(r.iterations);
        let err = 0;
        for (let i = 0; i < reference.length; i++) err = Math.max(err, Math.abs(r.states[i] - reference[i]));
        expect(cellWhere(t, { T, ε: eps, method: label }, 'max |s − s_seq|')).toBe(err);
      }
    }
  });

  it('Lemma 1: Newton, quasi and Picard errors near 0, Jacobi near 1 at the small step', () => {
    const t = findTable(result, 'Lemma 1');
    const d = (m: string) => cellWhere(t, { ε: 1e-5, method: m }, 'max_t ‖Ã_t − A_t‖₂') as number;
    expect(d('DEER')).toBeLessThan(1e-12);
    expect(d('quasi-DEER')).toBeLessThan(1e-2);
    expect(d('Picard')).toBeLessThan(1e-2);
    expect(Math.abs(d('Jacobi') - 1)).toBeLessThan(1e-2);
  });

  it('the dynamics are predictable but barely contracting', () => {
    const t = findTable(result, 'Largest Lyapunov');
    for (const r of t.rows) {
      const lle = r[columnIndex(t, 'LLE')] as number;
      expect(lle).toBeLessThan(0);
      expect(lle).toBeGreaterThan(-0.1);
    }
  });

  it('quotes the papers with sources; all claims agree at demo size', () => {
    expect(result.comparisons.length).toBeGreaterThanOrEqual(4);
    for (const c of result.comparisons) {
      expect(c.source.length).toBeGreaterThan(5);
      if (c.verdict === 'differs') expect(c.note?.length ?? 0).toBeGreaterThan(20);
    }
    expect(result.comparisons.map((c) => c.verdict)).toEqual(result.comparisons.map(() => 'agrees'));
  });
});
