import { solve } from '@unroll/solvers';
import { lorenz63, measurements, observer, vallisElNino } from '@unroll/systems';
import { largestLyapunovExponent } from '@unroll/theory';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseStudyResult, CaseTable, Cell } from './case-study.js';
import { observers } from './observers.js';

function col(table: CaseTable, name: string): (row: readonly Cell[]) => Cell {
  const k = table.columns.indexOf(name);
  if (k < 0) throw new Error(`no column ${name} in ${table.columns.join(', ')}`);
  return (row) => row[k];
}
const num = (c: Cell): number => {
  if (typeof c !== 'number') throw new Error(`expected a number, got ${String(c)}`);
  return c;
};
/** "611 / 1000" → 611. */
const before = (c: Cell): number => Number(String(c).split('/')[0]);
const PAPER = ['ABC', 'Chua’s Circuit', 'Kawczynski-Strizhak', 'Lorenz', 'Nosé–Hoover Thermostat', 'Rössler', 'SprottB', 'Thomas', 'Vallis El Niño'];
const C = [-0.72030073, -0.26062233, 1.68156851];

describe('case study 5: the nine flows of Table 1 vs their stable observers (demo size)', () => {
  let result: CaseStudyResult;
  const messages: string[] = [];
  const T = 1000;

  beforeAll(async () => {
    const t0 = performance.now();
    result = await observers.run({ full: false, seed: 0, progress: (m) => messages.push(m) });
    console.log(`observers, demo size: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  });

  it('identifies itself and reports progress per flow', () => {
    expect(observers.number).toBe(5);
    expect(observers.id).toBe('observers');
    expect(messages.length).toBe(27);
    expect(result.tables).toHaveLength(3);
  });

  it('has all nine rows of Table 1, the paper\'s numbers beside ours', () => {
    const ours = result.tables[0];
    expect(ours.rows.map((r) => PAPER.find((p) => String(r[0]).startsWith(p)))).toEqual(PAPER);
    const lorenz = ours.rows.find((r) => String(r[0]).startsWith('Lorenz'));
    expect(lorenz?.[1]).toBe('y');
    expect(lorenz?.slice(2)).toEqual([expect.any(Number), 1.02, expect.any(Number), -6.28, expect.any(String), expect.any(String), '30000 / 30000', expect.any(Number), expect.any(Number), expect.any(String), 3]);
  });

  it('with the authors\' designs every observer is stable and its LLE is the paper\'s (within 20 % or 0.05)', () => {
    const ours = result.tables[0];
    const lleObs = col(ours, 'LLE observer');
    for (const r of ours.rows) {
      const paper = num(r[5]);
      expect(num(lleObs(r))).toBeLessThan(0);
      expect(Math.abs(num(lleObs(r)) - paper)).toBeLessThanOrEqual(Math.max(0.05, 0.2 * Math.abs(paper)));
    }
  });

  it('without resets the chaotic systems need many more DEER steps than with them; the observers a handful either way', () => {
    const ours = result.tables[0];
    const noReset = col(ours, 'DEER steps system, no resets'), withReset = col(ours, 'with resets');
    const obsSteps = col(ours, 'DEER steps observer');
    for (const r of ours.rows) {
      expect(num(obsSteps(r))).toBeLessThanOrEqual(10);
      expect(before(noReset(r))).toBeGreaterThanOrEqual(before(withReset(r)));
    }
    for (const name of ['Lorenz', 'Vallis El Niño']) {
      const r = ours.rows.find((q) => String(q[0]).startsWith(name)) ?? [];
      expect(before(noReset(r))).toBeGreaterThan(0.8 * T);
      expect(before(withReset(r))).toBeLessThan(0.5 * before(noReset(r)));
    }
  });

  it('every solve converged to the tolerance on its recomputed merit; observer solves match their rollouts', () => {
    const checks = result.tables[1];
    const solveName = col(checks, 'solve'), its = col(checks, 'DEER its'), conv = col(checks, 'converged');
    const merit = col(checks, 'L(s)/T'), err = col(checks, 'max |DEER − seq|');
    expect(checks.rows).toHaveLength(36);
    for (const r of checks.rows) {
      expect(conv(r)).toBe(true);
      expect(num(its(r))).toBeLessThanOrEqual(T);
      expect(num(merit(r))).toBeLessThanOrEqual(1e-10);
      if (String(solveName(r)).startsWith('observer')) expect(num(err(r))).toBeLessThan(1e-3);
    }
  });

  it('independently: without resets a NaN front advances one row per iteration (Vallis El Niño, Euler, T = 1000)', () => {
    const system = vallisElNino({ integrator: 'euler', dt: 0.01 });
    const s0 = [-6.99286331487343, 0.023254276622294345, -0.1658177563067799];
    const options = { method: 'deer', stop: 'merit', tol: 1e-10, init: 'random', seed: 0, reset: false } as const;
    const frontAfter = (k: number) => {
      const states = solve(system, s0, T, { ...options, maxIterations: k }).states;
      const i = states.findIndex((v) => !Number.isFinite(v));
      return i < 0 ? T : Math.floor(i / 3) + 1;
    };
    const [f20, f60] = [frontAfter(20), frontAfter(60)];
    expect(f20).toBeLessThan(T / 2);
    expect(f60 - f20).toBeGreaterThanOrEqual(35);
    expect(f60 - f20).toBeLessThanOrEqual(45);
    const full = solve(system, s0, T, options);
    expect(full.converged).toBe(true);
    expect(Math.abs(full.iterations - (T - f20 + 20))).toBeLessThanOrEqual(5);
    const reported = result.tables[0].rows.find((r) => String(r[0]).startsWith('Vallis'));
    expect(before(reported?.[6] ?? null)).toBe(full.iterations);
  });

  it('independently: the Lorenz row from a hand-built observer (LLE and DEER steps)', () => {
    const system = lorenz63({ integrator: 'euler', dt: 0.01 });
    const s0 = [-9.7869288, -15.03852, 20.533978];
    const H = 30_000;
    const reference = solve(system, s0, H, { method: 'sequential' }).states;
    const layout = { output: [C], substitute: [1] };
    const obs = observer(system, { ...layout, measurements: measurements(reference, s0, 3, layout), gain: C.map((c) => [0.01 * c]) });
    const lle = largestLyapunovExponent(obs, [0, 0, 0], H, { dt: 0.01, burnIn: 1000, seed: 3 }).value;
    const row = result.tables[0].rows.find((r) => String(r[0]).startsWith('Lorenz')) ?? [];
    // The observer's exponent does not depend on where it starts (it forgets it).
    expect(Math.abs(lle - num(row[4]))).toBeLessThan(0.3);
    expect(lle).toBeLessThan(-5.5);
    const steps = solve(obs, [0, 0, 0], T, { method: 'deer', stop: 'merit', tol: 1e-10, init: 'random', seed: 5, reset: false });
    expect(steps.converged).toBe(true);
    expect(steps.iterations).toBeLessThanOrEqual(3);
  });

  it('quotes the paper with sources, gives a note wherever it differs, and says why the systems take ≈ T steps', () => {
    expect(result.comparisons).toHaveLength(9 * 4 + 2);
    for (const c of result.comparisons) {
      expect(c.source).toMatch(/predictability paper|unifying-framework paper/);
      if (c.verdict === 'differs') expect(c.note?.length ?? 0).toBeGreaterThan(10);
    }
    const lorenzObs = result.comparisons.find((c) => c.quantity === 'Lorenz: DEER steps on the observer');
    expect(lorenzObs?.verdict).toBe('agrees');
    expect(result.notes?.some((n) => n.includes('NaN front'))).toBe(true);
    expect(result.notes?.some((n) => /period 6 on the section/.test(n))).toBe(true);
  });

  it('names float64 rounding where a flow without overflow carries it past √tol within the paper\'s T (ABC), and nowhere else', () => {
    const ours = result.tables[0];
    const stepsNote = (name: string) => result.comparisons.find((c) => c.quantity === `${name}: DEER steps on the system, no resets (the paper's setup)`)?.note ?? '';
    const rounding = /beyond float64's 2\^53/;
    for (const r of ours.rows) {
      const name = PAPER.find((p) => String(r[0]).startsWith(p)) ?? '';
      const lle = num(r[2]);
      const note = stepsNote(name);
      // Rounding u = 2^-53 stretched by e^{λ t Δt} (λ per unit time, Δt = 0.01) reaches √1e-10 at this row.
      const stall = Math.round((53 * Math.log(2) - 0.5 * Math.log(1e10)) / (lle * 0.01));
      const beyond = lle > 0 && stall < 30_000 && note.startsWith('No overflow');
      expect(rounding.test(note)).toBe(beyond);
      if (beyond) {
        expect(note).toContain(`past row ≈ ${stall},`);
        expect(note).toContain(`e^{${(lle * 300).toFixed(1)}}`);
        expect(note).toContain('apps/cli/scripts/abc-rounding.mjs');
      }
    }
    expect(rounding.test(stepsNote('ABC'))).toBe(true);
    expect(rounding.test(stepsNote('Chua’s Circuit'))).toBe(false);
    expect(rounding.test(stepsNote('Thomas'))).toBe(false);
  });

  it("Jacobi on every observer: the count predicted from λΔt is within 15% of the measured one", () => {
    const t = result.tables[2];
    expect(t.rows).toHaveLength(9);
    const k = (name: string) => t.columns.indexOf(name);
    for (const row of t.rows) {
      const predicted = Number(row[k('predicted its')]), measured = Number(row[k('measured its')]);
      expect(Math.abs(predicted - measured) / measured).toBeLessThan(0.15);
    }
  });
});

