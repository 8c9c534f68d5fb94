import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderFigure } from './line-chart.js';
import { markedPoints, seriesStyle } from './series-style.js';
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

describe('seriesStyle and markedPoints', () => {
  it('the first curves differ in colour, dash and marker shape alike', () => {
    const styles = [0, 1, 2, 3, 4].map(seriesStyle);
    for (const key of ['color', 'dash', 'marker'] as const) expect(new Set(styles.map((s) => s[key])).size).toBe(5);
  });

  it('a short curve is marked at every point; long coincident curves at about ten points each, not the same ones', () => {
    expect(markedPoints(7, 3)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const first = markedPoints(300, 0), second = markedPoints(300, 1);
    for (const marks of [first, second]) {
      expect(marks.length).toBeGreaterThanOrEqual(9);
      expect(marks.length).toBeLessThanOrEqual(11);
      expect(marks.every((k) => k >= 0 && k < 300)).toBe(true);
    }
    expect(first.filter((k) => second.includes(k))).toEqual([]);
  });

  it('xFromZero puts a 0 tick on an axis whose data start above 0', () => {
    const labels = (svg: string) => Array.from(svg.matchAll(/text-anchor="middle" font-size="11" fill="#444">([^<]+)</g), (m) => m[1]);
    const series = [{ name: 'a', x: [3, 4, 5, 6, 7, 8], y: [1, 2, 3, 4, 5, 6] }];
    expect(labels(renderFigure([{ title: 't', xLabel: 'x', yLabel: 'y', series }]))).not.toContain('0');
    expect(labels(renderFigure([{ title: 't', xLabel: 'x', yLabel: 'y', xFromZero: true, series }]))).toContain('0');
  });

  it('logX puts decades on the x axis, spaces them evenly, and leaves out x ≤ 0', () => {
    const labels = (svg: string) => Array.from(svg.matchAll(/text-anchor="middle" font-size="11" fill="#444">([^<]+)</g), (m) => m[1]);
    const svg = renderFigure([{ title: 't', xLabel: 'T', yLabel: 'its', logX: true, series: [{ name: 'a', x: [0, 10, 100, 1000, 10_000], y: [1, 2, 3, 4, 5] }] }]);
    expect(labels(svg)).toEqual(['10', '100', '1000', '1e4']);
    const xs = Array.from(svg.matchAll(/<line x1="([\d.]+)" x2="\1" y1="62"/g), (m) => Number(m[1]));
    expect(xs).toHaveLength(4);
    expect(xs[1] - xs[0]).toBeCloseTo(xs[3] - xs[2], 0);
    // The point at x = 0 is a gap: the path starts at x = 10 and has four points.
    const d = /<path d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(d.match(/[ML]/g)).toHaveLength(4);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});
