import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseStudyResult } from './case-study.js';
import { cellWhere, columnIndex, findTable } from './table-lookup.js';
import { twoWellLangevin } from './two-well.js';

describe('case study 9: two-well Langevin (demo size)', () => {
  let result: CaseStudyResult;
  beforeAll(async () => {
    result = await twoWellLangevin.run({ full: false, seed: 0, progress: () => undefined });
  }, 180_000);

  it('every DEER solve converged to the sequential rollout, within T iterations', () => {
    const t = findTable(result, 'Every solve');
    expect(t.rows).toHaveLength(5 * 7);
    for (const row of t.rows) {
      expect(row[columnIndex(t, 'converged')]).toBe(true);
      expect(Number(row[columnIndex(t, 'DEER its')])).toBeLessThanOrEqual(Number(row[columnIndex(t, 'T')]));
      // Stop 'merit' at L/T ≤ 1e-10 leaves residuals ≈ 1e-5 per step; contracting dynamics do not amplify them.
      expect(Number(row[columnIndex(t, 'max |DEER − seq|')])).toBeLessThan(1e-2);
    }
  });

  it('iterations grow sublinearly: T × 1000 costs at most 20× the iterations', () => {
    const t = findTable(result, 'DEER iterations over seeds');
    const at = (T: number) => Number(cellWhere(t, { T }, 'median its'));
    expect(at(10_000) / at(10)).toBeLessThan(20);
    expect(at(10_000)).toBeGreaterThan(at(10));
    const sublinear = result.comparisons.find((c) => c.quantity.startsWith('DEER iterations vs T'));
    expect(sublinear?.verdict).toBe('agrees');
  });

  it("Jacobi's measured count is never below the count predicted from the mean λ (the worst stretch sets the rate)", () => {
    const t = findTable(result, 'Jacobi');
    for (const row of t.rows) expect(Number(row[columnIndex(t, 'measured its')])).toBeGreaterThanOrEqual(Number(row[columnIndex(t, 'predicted from λ')]));
    expect(result.figures?.[0]?.panels).toHaveLength(3);
  });
});
