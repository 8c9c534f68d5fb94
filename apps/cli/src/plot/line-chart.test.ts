import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderFigure } from './line-chart.js';
import { linearTicks, logTicks } from './ticks.js';

describe('ticks', () => {
  it('linear ticks are round, inside the range, and 1-2-5 spaced (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (lo, width) => {
        const ticks = linearTicks(lo, lo + width);
        expect(ticks.length).toBeGreaterThanOrEqual(2);
        expect(ticks.length).toBeLessThanOrEqual(11);
        expect(ticks).toEqual([...ticks].sort((a, b) => a - b));
        const step = (ticks[1] ?? 0) - (ticks[0] ?? 0);
        const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
        expect([1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true);
        for (const t of ticks) expect(t >= lo - 1e-6 * step && t <= lo + width + 1e-6 * step).toBe(true);
      }),
    );
  });

  it('log ticks are decades covering the range', () => {
    expect(logTicks(1e-9, 1)).toEqual([1e-9, 1e-7, 1e-5, 1e-3, 1e-1]); // ten decades, thinned to every other
    expect(logTicks(1e-3, 1e2)).toEqual([1e-3, 1e-2, 1e-1, 1, 10, 100]);
  });
});

describe('renderFigure', () => {
  it('draws each series as one path, leaves gaps for values a log axis cannot show, never prints NaN', () => {
    const svg = renderFigure([
      { title: 'merit', xLabel: 'iteration', yLabel: 'merit', logY: true, series: [{ name: 'deer', x: [1, 2, 3, 4], y: [1, 1e-3, 0, 1e-12] }, { name: 'picard', x: [1, 2], y: [Number.NaN, 0.5] }] },
    ]);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).not.toMatch(/NaN|Infinity/);
    // deer: a segment 1 → 1e-3, then a fresh move after the 0.
    const d = /<path d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(d.match(/M/g)).toHaveLength(2);
    expect(svg).toContain('>deer<');
  });

  it('escapes text, so a system label cannot break the document', () => {
    const svg = renderFigure([{ title: 'a < b & "c"', xLabel: 'x', yLabel: 'y', series: [] }]);
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
  });
});
