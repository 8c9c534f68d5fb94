import { meanFieldRnn } from '@unroll/systems';
import { expect, it } from 'vitest';
import { largestLyapunovExponent } from './index.js';

it('mean-field RNN: the LLE rises with g and crosses zero, nearer g = 1 as D grows (crossings recorded)', () => {
  const T = 1000;
  const grid = Array.from({ length: 11 }, (_, k) => 0.5 + 0.25 * k); // 0.5 … 3.0
  const crossing: Record<string, number> = {};
  const curves: Record<number, number[]> = {};
  for (const D of [16, 100]) {
    // Mild sinusoidal inputs, as in the predictability paper (App. J.2).
    const inputs = Array.from({ length: T }, (_, t) => Array.from({ length: D }, (_, i) => 0.1 * Math.sin(0.05 * t + i)));
    curves[D] = grid.map((g) => {
      const seeds = [1, 2, 3].map((seed) => largestLyapunovExponent(meanFieldRnn({ dim: D, g, seed, inputs }), new Array<number>(D).fill(0.5), T, { burnIn: 200 }).value);
      return seeds.reduce((a, b) => a + b, 0) / seeds.length;
    });
    crossing[`D=${D}`] = grid[curves[D].findIndex((v) => v > 0)] ?? Infinity;
  }
  // Predictable at small g, chaotic at large g, monotone for the large network.
  for (const D of [16, 100]) {
    expect(curves[D][0]).toBeLessThan(-0.4);
    expect(curves[D][grid.length - 1]).toBeGreaterThan(0);
  }
  for (let k = 1; k < grid.length; k++) expect(curves[100][k]).toBeGreaterThan(curves[100][k - 1] - 0.01);
  expect(crossing['D=100']).toBeLessThan(crossing['D=16']);
  // Seed-mean LLE first > 0 on the grid 0.5, 0.75, …, 3 (T = 1000, 3 seeds).
  expect(crossing).toMatchInlineSnapshot(`
    {
      "D=100": 1.5,
      "D=16": 2.5,
    }
  `);
});
