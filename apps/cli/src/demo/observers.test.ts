import { solve } from '@unroll/solvers';
import { lorenz63, measurements, observer } from '@unroll/systems';
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
/** "611 / 2000" → 611. */
const before = (c: Cell): number => Number(String(c).split('/')[0]);

describe('case study 5: chaotic flows vs their stable observers (demo size)', () => {
  let result: CaseStudyResult;
  const messages: string[] = [];
  const T = 2000;

  beforeAll(async () => {
    const t0 = performance.now();
    result = await observers.run({ full: false, seed: 0, progress: (m) => messages.push(m) });
    console.log(`observers, demo size: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  });

  it('identifies itself and reports progress', () => {
    expect(observers.number).toBe(5);
    expect(observers.id).toBe('observers');
    expect(messages.length).toBeGreaterThanOrEqual(7);
    expect(result.tables).toHaveLength(3);
  });

  it('reproduces every flow @unroll/systems has and lists the seven it lacks', () => {
    const [ours, , lacking] = result.tables;
    const systems = ours.rows.map((r) => String(r[0]));
    expect(systems.some((s) => s.startsWith('Lorenz-63'))).toBe(true);
    expect(systems.filter((s) => s.startsWith('Rössler'))).toHaveLength(2);
    expect(systems.some((s) => s.startsWith('Lorenz-96'))).toBe(true);
    expect(lacking.rows.map((r) => r[0])).toEqual(['ABC', 'Chua’s Circuit', 'Kawczynski-Strizhak', 'Nosé–Hoover Thermostat', 'SprottB', 'Thomas', 'Vallis El Niño']);
    // The paper's own numbers sit next to ours for the flows it has.
    const lorenz = ours.rows.find((r) => String(r[0]).startsWith('Lorenz-63'));
    expect(lorenz?.slice(2)).toEqual([expect.any(Number), 1.02, expect.any(Number), -6.28, expect.any(String), '30000 / 30000', expect.any(Number), 3]);
  });

  it('chaotic systems, stable observers: LLE signs and DEER steps', () => {
    const ours = result.tables[0];
    const lleSys = col(ours, 'LLE system'), lleObs = col(ours, 'LLE observer');
    const stepsSys = col(ours, 'DEER steps system'), stepsObs = col(ours, 'DEER steps observer');
    for (const r of ours.rows) {
      expect(num(lleObs(r))).toBeLessThan(0);
      expect(num(stepsObs(r))).toBeLessThanOrEqual(T);
      expect(before(stepsSys(r))).toBeLessThanOrEqual(T);
      const name = String(r[0]);
      if (!name.startsWith('Rössler')) {
        expect(num(lleSys(r))).toBeGreaterThan(0.5);
        expect(num(stepsObs(r))).toBeLessThanOrEqual(3);
        expect(before(stepsSys(r))).toBeGreaterThan(100 * num(stepsObs(r)));
      }
    }
    // The hand-tuned Rössler gain observer converges in a handful of steps.
    const gain = ours.rows.find((r) => String(r[1]).startsWith('gain'));
    expect(num(gain?.[8] ?? null)).toBeLessThanOrEqual(10);
  });

  it('every solve converged to the tolerance on its recomputed merit; observer solves match their rollouts', () => {
    const checks = result.tables[1];
    const solveName = col(checks, 'solve'), its = col(checks, 'DEER its'), conv = col(checks, 'converged');
    const merit = col(checks, 'L(s)/T'), err = col(checks, 'max |DEER − seq|'), sync = col(checks, '|ŝ_T − s_T|');
    expect(checks.rows).toHaveLength(7);
    for (const r of checks.rows) {
      expect(conv(r)).toBe(true);
      expect(num(its(r))).toBeLessThanOrEqual(T);
      expect(num(merit(r))).toBeLessThanOrEqual(1e-10);
      if (String(solveName(r)).startsWith('observer')) {
        expect(num(err(r))).toBeLessThan(1e-3);
        // The observers lock onto the reference, except Pecora–Carroll's slowly contracting Rössler.
        if (!String(solveName(r)).includes('y substituted')) expect(num(sync(r))).toBeLessThan(1e-5);
      }
    }
  });

  it('independently: DEER on Lorenz-63 (Euler, Δt = 0.01) vs its x-driven observer', () => {
    const system = lorenz63({ integrator: 'euler', dt: 0.01 });
    const s0 = [-5, -8, 20];
    const reference = solve(system, s0, T, { method: 'sequential' }).states;
    const obs = observer(system, { observed: [0], measurements: measurements(reference, s0, 3, [0]), substitution: true });
    const onSystem = solve(system, s0, T, { method: 'deer', stop: 'merit', tol: 1e-10 });
    const onObserver = solve(obs, [0, 0, 0], T, { method: 'deer', stop: 'merit', tol: 1e-10 });
    expect(onObserver.converged).toBe(true);
    expect(onObserver.iterations).toBeLessThanOrEqual(2);
    expect(onSystem.iterations).toBeGreaterThan(100);
    const lle = largestLyapunovExponent(system, s0, 30_000, { dt: 0.01, burnIn: 1000, seed: 9 }).value;
    const reported = num(result.tables[0].rows[0][2]);
    expect(Math.abs(lle - reported)).toBeLessThan(0.15);
  });

  it('quotes the paper with sources and gives a note wherever it differs', () => {
    expect(result.comparisons.length).toBeGreaterThanOrEqual(8);
    for (const c of result.comparisons) {
      expect(c.source).toMatch(/predictability paper/);
      if (c.verdict === 'differs') expect(c.note?.length ?? 0).toBeGreaterThan(10);
    }
    const lorenzSteps = result.comparisons.find((c) => c.quantity.startsWith('Lorenz: DEER steps'));
    expect(lorenzSteps?.verdict).toBe('agrees');
    expect(lorenzSteps?.paper).toBe('30000 of T = 30000 vs 3');
    expect(result.notes?.some((n) => n.includes('Kawczynski-Strizhak'))).toBe(true);
  });
});
