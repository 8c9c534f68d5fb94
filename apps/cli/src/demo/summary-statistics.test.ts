import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mean, median } from './summary-statistics.js';

describe('median and mean', () => {
  it('the median has as many values at or below it as at or above it, and lies between the middle two (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }), (v) => {
        const m = median(v);
        expect(v.filter((x) => x <= m).length).toBeGreaterThanOrEqual(Math.ceil(v.length / 2));
        expect(v.filter((x) => x >= m).length).toBeGreaterThanOrEqual(Math.ceil(v.length / 2));
        expect(median([...v].reverse())).toBe(m);
      }),
    );
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('the mean times the count is the sum (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 40 }), (v) => {
        expect(mean(v) * v.length).toBeCloseTo(v.reduce((a, b) => a + b, 0), 9);
      }),
    );
  });

  it('NaN and empty lists give NaN, never a number', () => {
    for (const f of [median, mean]) {
      expect(f([])).toBeNaN();
      expect(f([1, Number.NaN, 3])).toBeNaN();
      expect(f([Number.NaN])).toBeNaN();
    }
    expect(median([Number.POSITIVE_INFINITY, 1, 2])).toBe(2);
  });
});
