import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseStudyResult } from './case-study.js';
import { memoryStudy } from './memory.js';
import { parseProbeConfig, parseProbeResult } from './memory-probe-config.js';
import { cellWhere, findTable } from './table-lookup.js';

describe('case study 11: memory, measured in processes of their own (demo size; needs the built CLI)', () => {
  let result: CaseStudyResult;
  beforeAll(async () => {
    result = await memoryStudy.run({ full: false, seed: 0, progress: () => undefined });
  }, 180_000);

  it("DEER's measured peak is at least its T·D² float64 Jacobians, and grows with T; quasi-DEER and the window stay far below", () => {
    const t = findTable(result, 'Peak memory');
    const mb = (method: string, D: number, T: number) => Number(cellWhere(t, { method, D, T }, 'extra peak MB'));
    // T·D²·8 bytes = 125 MiB at D = 64, T = 4000: the dense Jacobians alone.
    expect(mb('DEER', 64, 4000)).toBeGreaterThan(0.9 * ((4000 * 64 * 64 * 8) / 2 ** 20));
    expect(mb('DEER', 64, 4000)).toBeGreaterThan(3 * mb('DEER', 64, 1000));
    expect(mb('quasi-DEER', 64, 4000)).toBeLessThan(mb('DEER', 64, 4000) / 5);
    expect(mb('DEER, window 256', 64, 4000)).toBeLessThan(mb('DEER', 64, 4000) / 5);
    for (const row of t.rows) expect(row[3]).toBe('yes');
  });

  it('every Hutchinson count is within a few iterations of the exact diagonal, and the figure has both panels', () => {
    const t = findTable(result, 'quasi-DEER: exact diagonal');
    const exact = Number(cellWhere(t, { diagonal: 'exact diagonal' }, 'iterations'));
    for (const k of [1, 2, 4, 8]) expect(Math.abs(Number(cellWhere(t, { diagonal: `Hutchinson, k = ${k}` }, 'iterations')) - exact)).toBeLessThanOrEqual(4);
    expect(result.figures?.[0]?.panels).toHaveLength(2);
  });
});

describe('the memory probe protocol', () => {
  it('reads a configuration and refuses a malformed one with what was wrong', () => {
    expect(parseProbeConfig('{"D":4,"T":10,"method":"hutchinson","probes":2}')).toEqual({ D: 4, T: 10, method: 'hutchinson', probes: 2 });
    expect(() => parseProbeConfig('{"D":0,"T":10,"method":"deer"}')).toThrow(/D must be an integer ≥ 1/);
    expect(() => parseProbeConfig('{"D":4,"T":10,"method":"elk"}')).toThrow(/method must be one of/);
    expect(() => parseProbeConfig(undefined)).toThrow(/JSON object/);
    expect(parseProbeResult('noise\n{"setupKb":1,"peakKb":2,"iterations":3,"converged":true,"seconds":0.1}\n').peakKb).toBe(2);
    expect(() => parseProbeResult('{}')).toThrow(/unreadable/);
  });
});
