import { describe, expect, it } from 'vitest';
import { mulberry32 } from './index.js';

describe('mulberry32', () => {
  it('mulberry32(seed) repeats for a seed, differs across seeds, and stays in [0, 2^32)', () => {
    const a = mulberry32(7), b = mulberry32(7), c = mulberry32(8);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
  });

  it('mulberry32 is uniform enough: mean ½ and every bit fair to within 5 standard errors over 10^5 draws', () => {
    const next = mulberry32(123);
    const n = 100_000;
    let sum = 0;
    const ones = new Array<number>(32).fill(0);
    for (let k = 0; k < n; k++) {
      const x = next();
      sum += x / 2 ** 32;
      for (let bit = 0; bit < 32; bit++) ones[bit] += (x >>> bit) & 1;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    for (const count of ones) expect(Math.abs(count / n - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / n));
  });
});
