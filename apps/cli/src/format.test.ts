import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatNumber, renderMarkdownTable, renderTable } from './format.js';
import { parseSweep } from './sweep.js';

describe('formatNumber', () => {
  it('keeps integers, three significant digits otherwise, and names the non-finite', () => {
    expect(formatNumber(1024)).toBe('1024');
    expect(formatNumber(-0.4251)).toBe('-0.425');
    expect(formatNumber(3.3e-16)).toBe('3.3e-16');
    expect(formatNumber(2.5e10)).toBe('2.5e10');
    expect(formatNumber(2.5e7)).toBe('25000000');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatNumber(-Infinity)).toBe('−∞');
  });

  it('is within 5 % of the number it formats (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), (x) => {
        const back = Number(formatNumber(x));
        expect(Math.abs(back - x)).toBeLessThanOrEqual(0.05 * Math.abs(x) + 1e-300);
      }),
    );
  });
});

describe('renderTable', () => {
  it('aligns every column: all lines have their column breaks at the same places (property)', () => {
    const cell = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.string({ unit: fc.constantFrom('a', 'b', 'λ', '×', ' '), maxLength: 8 }), fc.constant(null));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.array(cell, { minLength: n, maxLength: n }), { maxLength: 6 }))), ([n, rows]) => {
        const columns = Array.from({ length: n }, (_, j) => `c${j}`);
        const lines = renderTable(columns, rows, '').split('\n');
        expect(lines).toHaveLength(rows.length + 2);
        // The rule line's gaps mark the column boundaries; no other line may put text in a gap.
        const rule = lines[1] ?? '';
        const gaps = Array.from(rule).flatMap((ch, i) => (ch === ' ' ? [i] : []));
        for (const line of [lines[0] ?? '', ...lines.slice(2)]) for (const g of gaps) expect(Array.from(line)[g] ?? ' ').toBe(' ');
      }),
    );
  });

  it('right-aligns numbers and formatted durations, left-aligns words; Markdown escapes pipes', () => {
    const text = renderTable(['method', 'time', 'iterations'], [['deer', '12 ms', 5], ['picard', '1.2 s', 437]], '');
    expect(text.split('\n')[2]).toBe('deer    12 ms           5');
    expect(renderMarkdownTable(['a|b'], [['x|y']])).toBe('| a\\|b |\n|---|\n| x\\|y |');
  });
});

describe('parseSweep', () => {
  it('ranges include both ends; lists keep their order', () => {
    expect(parseSweep('g=0.5:2:0.5')).toEqual({ name: 'g', values: [0.5, 1, 1.5, 2] });
    expect(parseSweep('r=3,2.5,4')).toEqual({ name: 'r', values: [3, 2.5, 4] });
    expect(() => parseSweep('g=0:1000:1')).toThrow(/at most 200/);
    expect(() => parseSweep('g')).toThrow(/name=start:stop:step/);
  });

  it('a range a:b:h has floor((b − a)/h) + 1 values, all in [a, b] (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 8 }), (a, span, h) => {
        const { values } = parseSweep(`p=${a}:${a + span}:${h}`);
        expect(values).toHaveLength(Math.floor(span / h) + 1);
        for (const v of values) expect(v >= a && v <= a + span).toBe(true);
      }),
    );
  });
});
