import { describe, expect, it } from 'vitest';
import { heartbeatSecondsFrom, Progress } from './progress.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, columns: 60, chunks, write: (s: string) => chunks.push(s) };
}

/** A clock the test moves by hand, in milliseconds. */
function clock() {
  let ms = 0;
  return { now: () => ms, advance: (by: number) => (ms += by) };
}

describe('Progress', () => {
  it('on a terminal: one line rewritten in place, cleared at the end of each step, never a newline', () => {
    const out = stream(true);
    const p = new Progress(out, 'compare');
    p.begin('deer');
    p.iteration('deer', 1, 0.5, 1e-3);
    p.end('deer', '5 iterations');
    p.clear();
    const text = out.chunks.join('');
    expect(text).not.toContain('\n');
    expect(out.chunks[0]).toBe('\r\x1b[2Kcompare: deer …');
    expect(out.chunks.at(-1)).toBe('\r\x1b[2K');
    // Lines are cut to the terminal's width, so they never wrap (a wrapped line cannot be rewritten).
    p.begin('x'.repeat(200));
    expect(Array.from(out.chunks.at(-1) ?? '').length).toBeLessThanOrEqual('\r\x1b[2K'.length + 59);
  });

  it('a solve shows its iteration against its bound, the time taken and the rate', () => {
    const out = { isTTY: true, columns: 200, chunks: [] as string[], write(s: string) { this.chunks.push(s); } };
    const c = clock();
    const p = new Progress(out, 'compare', { now: c.now });
    p.begin('picard', 2000);
    c.advance(2000);
    p.iteration('picard', 37, 0.5, 1e-3);
    expect(out.chunks.at(-1)).toBe('\r\x1b[2Kcompare: picard: iteration 37 / ≤ 2000 · 2.0 s · 18.5 it/s · max change 0.5 · merit 0.001');
    p.begin('status only'); // a step without a bound shows none
    c.advance(100);
    p.iteration('x', 3, 1, 1);
    expect(out.chunks.at(-1)).toMatch(/iteration 3 · 0\.1 s · 30 it\/s · max change/);
  });

  it('elsewhere: one plain line per finished step, plus one every heartbeat while a step runs; no control characters', () => {
    const out = stream(false);
    const c = clock();
    const p = new Progress(out, 'demo', { heartbeatSeconds: 5, now: c.now });
    p.begin('1. word problem');
    c.advance(1000);
    p.status('T = 256'); // 1 s in: too soon
    p.iteration('deer', 3, 0.1, 0.2);
    expect(out.chunks).toEqual([]);
    c.advance(4500);
    p.iteration('deer', 40, 0.1, 0.2); // 5.5 s in: a heartbeat
    c.advance(1000);
    p.iteration('deer', 41, 0.1, 0.2); // 1 s after it: quiet again
    c.advance(5000);
    p.status('T = 1024'); // the next one
    p.end('1. word problem', 'done');
    p.clear();
    expect(out.chunks).toEqual([
      'demo: deer: iteration 40 · 5.5 s · 7.27 it/s · max change 0.1 · merit 0.2\n',
      'demo: T = 1024 · 11.5 s\n',
      'demo: 1. word problem: done (11.5 s)\n',
    ]);
    expect(out.chunks.join('')).not.toContain('\r');
    expect(out.chunks.join('')).not.toContain('\x1b');
  });

  it('quiet: nothing at all', () => {
    const out = stream(true);
    const p = new Progress(out, 'lle', { quiet: true });
    p.begin('a');
    p.end('a', 'b');
    p.clear();
    expect(out.chunks).toEqual([]);
  });

  it('heartbeatSecondsFrom(env) reads UNROLL_PROGRESS_SECONDS, defaults to 5, refuses what is not a number ≥ 0', () => {
    expect(heartbeatSecondsFrom({})).toBe(5);
    expect(heartbeatSecondsFrom({ UNROLL_PROGRESS_SECONDS: '0.5' })).toBe(0.5);
    expect(heartbeatSecondsFrom({ UNROLL_PROGRESS_SECONDS: '0' })).toBe(0);
    expect(() => heartbeatSecondsFrom({ UNROLL_PROGRESS_SECONDS: 'often' })).toThrow(/UNROLL_PROGRESS_SECONDS must be a number of seconds ≥ 0, got "often"/);
    expect(() => heartbeatSecondsFrom({ UNROLL_PROGRESS_SECONDS: '-1' })).toThrow(/≥ 0/);
  });
});
