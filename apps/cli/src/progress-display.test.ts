import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { builtBin, spawnCli } from './spawn-cli.js';

/** util-linux `script`, which runs a command on a pseudo-terminal (a terminal without a person). */
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

const picard = ['compare', '--system', 'gru', '-p', 'dim=4', '-T', '3000', '--methods', 'picard', '--max-iterations', '300', '--no-advise'];

describe('progress (spawned)', () => {
  it('off a terminal: a plain line every UNROLL_PROGRESS_SECONDS while a solve runs, with the bound, the time and the rate', () => {
    const r = spawnCli(picard, { env: { UNROLL_PROGRESS_SECONDS: '0' } });
    expect(r.code).toBe(0);
    expect(r.err).not.toContain('\r');
    expect(r.err).not.toContain('\x1b');
    const beats = r.err.split('\n').filter((l) => l.startsWith('compare: picard: iteration'));
    expect(beats.length).toBeGreaterThan(100);
    for (const line of beats) expect(line).toMatch(/^compare: picard: iteration \d+ \/ ≤ 300 · \d+\.\d s( · \S+ it\/s)? · max change \S+ · merit \S+$/);
    expect(r.err).toMatch(/^compare: picard: 300 iterations \(not converged\) \(\d+\.\d s\)$/m);
  });

  it('off a terminal, by default (every 5 s): a short run prints only its finished steps', () => {
    const r = spawnCli(picard);
    expect(r.code).toBe(0);
    expect(r.err.split('\n').filter((l) => l !== '')).toEqual([
      expect.stringMatching(/^compare: sequential: /),
      expect.stringMatching(/^compare: Lyapunov exponent: /),
      expect.stringMatching(/^compare: picard: 300 iterations/),
    ]);
  });

  it('UNROLL_PROGRESS_SECONDS that is not a number ≥ 0 is a usage error', () => {
    const r = spawnCli(picard, { env: { UNROLL_PROGRESS_SECONDS: 'often' } });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^unroll: UNROLL_PROGRESS_SECONDS must be a number of seconds ≥ 0, got "often"/);
  });

  it.runIf(hasScript)('on a terminal: one live line rewritten in place shows "iteration n / ≤ 300", the time and the rate, cleared before the table', () => {
    const command = [process.execPath, builtBin, ...picard].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
    expect(r.status).toBe(0);
    const live = r.stdout.split('\r\x1b[2K').filter((s) => s.startsWith('compare: picard: iteration'));
    expect(live.length).toBeGreaterThan(0);
    // The terminal's width cuts the line (script's terminal is 80 columns): what matters comes first.
    for (const text of live) expect(text).toMatch(/^compare: picard: iteration \d+ \/ ≤ 300 · \d+\.\d s · \S+ it\/s/);
    // The live line is cleared before the table: after the last clear come the results alone.
    const results = r.stdout.slice(r.stdout.lastIndexOf('\r\x1b[2K') + '\r\x1b[2K'.length);
    expect(results).toMatch(/picard\s+cpu\s+300\s+no/);
    expect(results).not.toContain('compare: ');
  });
});
