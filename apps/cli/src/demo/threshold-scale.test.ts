import { solve } from '@unroll/solvers';
import { createRng, meanFieldRnn } from '@unroll/systems';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseStudyResult } from './case-study.js';
import { cellWhere, columnIndex, findTable } from './table-lookup.js';
import { thresholdScale } from './threshold-scale.js';

describe('case study 8: the predictability threshold at D = 100 (demo size)', () => {
  let result: CaseStudyResult;
  beforeAll(async () => {
    result = await thresholdScale.run({ full: false, seed: 0, progress: () => undefined });
  }, 180_000);

  it('λ rises with g (mean over seeds) and crosses 0 between g = 1 and 1.6', () => {
    const t = findTable(result, 'LLE per step vs g');
    const means = t.rows.map((r) => Number(r[columnIndex(t, 'mean λ')]));
    for (let k = 1; k < means.length; k++) expect(means[k]).toBeGreaterThan(means[k - 1] ?? Infinity);
    expect(Number(cellWhere(t, { g: 1 }, 'mean λ'))).toBeLessThan(0);
    expect(Number(cellWhere(t, { g: 2 }, 'mean λ'))).toBeGreaterThan(0);
  });

  it('DEER is flat in T for g = 0.5 and a constant fraction of T for g = 2; a recount of one solve agrees', () => {
    const t = findTable(result, 'DEER iterations over seeds');
    const its = (g: number, T: number) => Number(cellWhere(t, { g, T }, 'median its'));
    expect(its(0.5, 100)).toBe(its(0.5, 10));
    expect(its(2, 100) / 100).toBeGreaterThan(0.4);
    for (const row of t.rows) expect(row[columnIndex(t, 'all converged')]).toBe(true);
    // Seed 0 at g = 2, T = 32, solved again here: the table's min ≤ this count ≤ its max.
    const D = 100, T = 32;
    const inputs = new Float64Array(T * D);
    for (let s = 0; s < T; s++) for (let i = 0; i < D; i++) inputs[s * D + i] = 0.1 * Math.sin(0.05 * s + i);
    const rng = createRng(7);
    const init = Float64Array.from({ length: T * D }, () => rng.uniform());
    const r = solve(meanFieldRnn({ dim: D, g: 2, seed: 1, inputs }), new Array<number>(D).fill(0.5), T, { method: 'deer', stop: 'merit', tol: 1e-10, init });
    expect(r.iterations).toBeGreaterThanOrEqual(Number(cellWhere(t, { g: 2, T }, 'min its')));
    expect(r.iterations).toBeLessThanOrEqual(Number(cellWhere(t, { g: 2, T }, 'max its')));
  });

  it("Jacobi's measured rate is e^λ within 0.03 and the count predicted from λ within 15%", () => {
    const t = findTable(result, 'Jacobi');
    expect(t.rows.length).toBeGreaterThanOrEqual(5);
    for (const row of t.rows) {
      const measured = Number(row[columnIndex(t, 'measured its')]);
      if (measured >= 200) continue; // converged only at T: no rate to read
      expect(Math.abs(Number(row[columnIndex(t, 'measured rate')]) - Number(row[columnIndex(t, 'e^λ')]))).toBeLessThan(0.03);
      expect(Math.abs(Number(row[columnIndex(t, 'predicted its')]) - measured) / measured).toBeLessThan(0.15);
    }
    expect(result.figures?.[0]?.panels.map((p) => p.series.length)).toEqual([5, 5, 3]);
  });
});
