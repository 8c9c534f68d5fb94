import { solve } from '@unroll/solvers';
import { createRng, meanFieldRnn } from '@unroll/systems';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseStudyResult } from './case-study.js';
import { cellWhere, columnIndex, findTable } from './table-lookup.js';
import { runThresholdScale, THRESHOLD_FULL, thresholdScale, type ThresholdSize } from './threshold-scale.js';

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
    const D = 100,
      T = 32;
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

describe('case study 8 past chaoticTmax: the windowed sweep and quasi-DEER (a small size)', () => {
  // D = 40 keeps it fast; g = 3 is chaotic there (λ > 0 on both seeds), g = 0.5 predictable.
  const size: ThresholdSize = {
    D: 40,
    seeds: 2,
    gs: [0.5, 3],
    lleGs: [0.5, 3],
    Ts: [10, 32, 64],
    chaoticTmax: 32,
    longLle: -0.1,
    lleSteps: 300,
    window: { steps: 8, seeds: 1, Ts: [32, 64, 128] },
    quasiT: 32,
  };
  const inputsFor = (T: number, D: number) => {
    const u = new Float64Array(T * D);
    for (let s = 0; s < T; s++) for (let i = 0; i < D; i++) u[s * D + i] = 0.1 * Math.sin(0.05 * s + i);
    return u;
  };
  let result: CaseStudyResult;
  beforeAll(() => {
    result = runThresholdScale(size, { full: true, seed: 0, progress: () => undefined });
  }, 120_000);

  it('dense DEER stops at chaoticTmax for g = 3 and runs on for g = 0.5; the window carries both to T = 128', () => {
    const dense = findTable(result, 'DEER iterations over seeds');
    const Tcol = columnIndex(dense, 'T');
    const gcol = columnIndex(dense, 'g');
    expect(dense.rows.filter((r) => r[gcol] === 3).map((r) => r[Tcol])).toEqual([10, 32]);
    expect(dense.rows.filter((r) => r[gcol] === 0.5).map((r) => r[Tcol])).toEqual([10, 32, 64]);
    const w = findTable(result, 'DEER with a 8-step window');
    expect(w.rows.map((r) => [r[columnIndex(w, 'g')], r[columnIndex(w, 'T')]])).toEqual([
      [0.5, 32],
      [0.5, 64],
      [0.5, 128],
      [3, 32],
      [3, 64],
      [3, 128],
    ]);
    for (const row of w.rows) expect(row[columnIndex(w, 'all converged')]).toBe(true);
    // Dense beside windowed only where dense ran on every seed.
    expect(cellWhere(w, { g: 3, T: 64 }, 'dense median its (2 seeds)')).toBeNull();
    expect(cellWhere(w, { g: 3, T: 32 }, 'dense median its (2 seeds)')).toBe(cellWhere(dense, { g: 3, T: 32 }, 'median its'));
  });

  it('a recount of the windowed solve agrees, and on the predictable g the window takes at least T / steps iterations while dense DEER stays flat', () => {
    const w = findTable(result, 'DEER with a 8-step window');
    const D = 40,
      T = 128;
    const rng = createRng(7);
    const init = Float64Array.from({ length: T * D }, () => rng.uniform());
    const r = solve(meanFieldRnn({ dim: D, g: 3, seed: 1, inputs: inputsFor(T, D) }), new Array<number>(D).fill(0.5), T, {
      method: 'deer',
      stop: 'merit',
      tol: 1e-10,
      init,
      window: 8,
    });
    expect(r.iterations).toBe(Number(cellWhere(w, { g: 3, T }, 'median its')));
    // Each iteration advances the window by at most its 8 steps.
    for (const t of [32, 64, 128]) expect(Number(cellWhere(w, { g: 0.5, T: t }, 'min its'))).toBeGreaterThanOrEqual(t / 8);
    const dense = findTable(result, 'DEER iterations over seeds');
    expect(Number(cellWhere(dense, { g: 0.5, T: 64 }, 'max its'))).toBeLessThan(64 / 8);
    expect(
      result.notes?.some((n) =>
        n.startsWith(
          'How far each g went: g = 0.5: dense DEER to T = 64 on all 2 seeds, windowed to T = 128 on seed 0; g = 3.0: dense DEER to T = 32 on all 2 seeds',
        ),
      ),
    ).toBe(true);
    expect(result.figures?.[0]?.panels.map((p) => p.series.length)).toEqual([3, 2, 3, 3]);
  });

  it('quasi-DEER takes exactly the iterations of a separate Jacobi solve (the zero diagonal)', () => {
    const q = findTable(result, 'Quasi-DEER and Jacobi beside dense DEER');
    const D = 40,
      T = 32;
    const rng = createRng(7);
    const init = Float64Array.from({ length: 128 * D }, () => rng.uniform()).slice(0, T * D);
    const j = solve(meanFieldRnn({ dim: D, g: 3, seed: 1, inputs: inputsFor(T, D) }), new Array<number>(D).fill(0.5), T, {
      method: 'jacobi',
      stop: 'merit',
      tol: 1e-10,
      init,
    });
    expect(cellWhere(q, { method: 'quasi-deer' }, 'iterations')).toBe(j.iterations);
    // Dense DEER's row is seed 0's run of the dense sweep: within that sweep's min and max, and fewer iterations.
    const dense = findTable(result, 'DEER iterations over seeds');
    const d = Number(cellWhere(q, { method: 'deer' }, 'iterations'));
    expect(d).toBeGreaterThanOrEqual(Number(cellWhere(dense, { g: 3, T }, 'min its')));
    expect(d).toBeLessThanOrEqual(Number(cellWhere(dense, { g: 3, T }, 'max its')));
    expect(d).toBeLessThan(j.iterations);
  });

  it('the --full size runs every g densely to T = 1000 on all seeds and windows to T = 10⁴', () => {
    expect(THRESHOLD_FULL.seeds).toBeGreaterThanOrEqual(5);
    expect(THRESHOLD_FULL.chaoticTmax).toBeGreaterThanOrEqual(1000);
    expect(THRESHOLD_FULL.Ts).toContain(THRESHOLD_FULL.chaoticTmax);
    expect(THRESHOLD_FULL.window?.Ts.at(-1)).toBe(10_000);
  });
});
