import { createRng } from '@unroll/systems';
import { picardInverseNorm } from '@unroll/theory';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseStudyResult } from './case-study.js';
import { rates } from './rates.js';
import { cellWhere, findTable } from './table-lookup.js';

/**
 * Jacobi on s_t = α s_{t−1} + b from zeros, counted by hand: iterate i is exact on steps ≤ i
 * and b·Σ_{k<i} α^k beyond, so its max-abs change is |α|^{i−1}·max(|b|, |α s_0 + b|); the
 * solve stops at the first change below tol (never past T).
 */
function jacobiByHand(alpha: number, b: number, s0: number, T: number, tol: number): number {
  const first = Math.max(Math.abs(b), Math.abs(alpha * s0 + b));
  for (let i = 1; i <= T; i++) if (Math.abs(alpha) ** (i - 1) * first < tol) return i;
  return T;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 === 1 ? (s[s.length >> 1] ?? NaN) : ((s[s.length / 2 - 1] ?? NaN) + (s[s.length / 2] ?? NaN)) / 2;
};

describe('case study 10: predicted vs measured rates (demo size)', () => {
  let result: CaseStudyResult;
  beforeAll(async () => {
    result = await rates.run({ full: false, seed: 0, progress: () => undefined });
  }, 180_000);

  it("Jacobi's counts equal the hand count of the closed form, its rate is α, and γ is α (Jacobi) and ‖J̃_P⁻¹‖(1 − α) (Picard)", () => {
    const t = findTable(result, 'Rates and iterations');
    const rng = createRng(31);
    const starts = Array.from({ length: 5 }, () => rng.normal());
    for (const row of t.rows) {
      const alpha = Number(row[0]);
      expect(cellWhere(t, { α: alpha }, 'Jacobi its')).toBe(median(starts.map((s0) => jacobiByHand(alpha, 1, s0, 1000, 1e-8))));
      expect(Number(cellWhere(t, { α: alpha }, 'Jacobi γ'))).toBeCloseTo(alpha, 9);
      if (alpha < 0.99) expect(Number(cellWhere(t, { α: alpha }, 'Jacobi measured rate'))).toBeCloseTo(alpha, 6);
      expect(Number(cellWhere(t, { α: alpha }, 'Picard γ'))).toBeCloseTo(picardInverseNorm(1000) * (1 - alpha), 4);
      expect(Number(cellWhere(t, { α: alpha }, 'Picard its'))).toBeLessThanOrEqual(1000);
    }
  });

  it('reproduces the orderings of App. C.4 and draws its figure', () => {
    for (const c of result.comparisons) expect(c.verdict, c.quantity).toBe('agrees');
    const figure = result.figures?.[0];
    expect(figure?.file).toBe('rates.svg');
    expect(figure?.panels.map((p) => p.series.length)).toEqual([4, 4, 3]);
  });
});
