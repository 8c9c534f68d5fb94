import { describe, expect, it } from 'vitest';
import { Progress } from './progress.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, columns: 60, chunks, write: (s: string) => chunks.push(s) };
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

  it('elsewhere: one plain line per finished step, no control characters', () => {
    const out = stream(false);
    const p = new Progress(out, 'demo');
    p.begin('1. word problem');
    p.status('T = 256');
    p.iteration('deer', 3, 0.1, 0.2);
    p.end('1. word problem', 'done');
    p.clear();
    expect(out.chunks).toHaveLength(1);
    expect(out.chunks[0]).toMatch(/^demo: 1\. word problem: done \(\d+\.\d s\)\n$/);
  });

  it('quiet: nothing at all', () => {
    const out = stream(true);
    const p = new Progress(out, 'lle', true);
    p.begin('a');
    p.end('a', 'b');
    p.clear();
    expect(out.chunks).toEqual([]);
  });
});
