import { describe, expect, it } from 'vitest';
import { runCampaign, type ClassName } from './campaign.js';
import { formatReport } from './report.js';

/**
 * The short seeded campaign, one class per test: every promise holds on every case.
 * A failure prints the class's report (findings with their reproducers). The GPU class
 * skips — with its reason printed — where no WebGPU adapter exists.
 */
async function short(only: ClassName) {
  const result = await runCampaign({ size: 'short', seed: 1, only: [only], shrink: 3 });
  const report = formatReport(result);
  const cls = result.classes.find((c) => c.name === only);
  if (cls === undefined) throw new Error(`the campaign did not run ${only}`);
  if (cls.skipped !== undefined) console.warn(`${only} skipped: ${cls.skipped}`);
  return { cls, report };
}

describe('fuzz campaign (short)', () => {
  it('random solves keep every promise (termination, typed errors, honest convergence)', async () => {
    const { cls, report } = await short('random-solves');
    expect(cls.tried, report).toBe(1000);
    expect(cls.failingCases, report).toBe(0);
  });

  it('malformed calls succeed or are refused with an UnrollError naming the argument', async () => {
    const { cls, report } = await short('malformed-calls');
    expect(cls.tried, report).toBe(1000);
    expect(cls.failingCases, report).toBe(0);
  });

  it('GPU runtimes survive create/solve/destroy cycles and let the process exit', async () => {
    const { cls, report } = await short('gpu-cycles');
    if (cls.skipped !== undefined) return;
    expect(cls.tried, report).toBe(3);
    expect(cls.failingCases, report).toBe(0);
  });

  it('a threaded recurrence loop keeps RSS flat and results right and repeatable', async () => {
    const { cls, report } = await short('thread-memory');
    expect(cls.tried, report).toBe(200);
    expect(cls.failingCases, report).toBe(0);
  });
});
