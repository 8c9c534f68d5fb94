import { dense, diagonal, linearRecurrence, type Structure } from '@unroll/scan';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkStarts, splitRows } from './chunk-plan.js';

describe('splitRows', () => {
  it('covers the window with min(P, n) contiguous chunks whose lengths differ by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 9 }), (ws, n, P) => {
        const chunks = splitRows(ws, ws + n, P);
        expect(chunks.length).toBe(Math.min(P, n));
        expect(chunks[0].t0).toBe(ws);
        expect(chunks[chunks.length - 1].t1).toBe(ws + n);
        for (let k = 1; k < chunks.length; k++) expect(chunks[k].t0).toBe(chunks[k - 1].t1);
        const lengths = chunks.map((c) => c.t1 - c.t0);
        expect(Math.min(...lengths)).toBeGreaterThanOrEqual(1);
        expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('chunkStarts', () => {
  // The chunks' summaries scanned over P elements give the states the whole recurrence
  // reaches at the chunk borders (the reference: linearRecurrence over all T rows).
  for (const [name, make] of [
    ['diagonal', (D: number) => diagonal(D)],
    ['dense', (D: number) => dense(D)],
  ] as const) {
    it(`${name}: each chunk's start is the recurrence's state before it`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (D, T, P, seed) => {
          const s: Structure = make(D);
          let x = seed | 1;
          const rand = () => ((x = (x * 1103515245 + 12345) | 0), (x >>> 8) / 2 ** 24 - 0.5);
          const A = Float64Array.from({ length: T * s.width }, rand);
          const b = Float64Array.from({ length: T * D }, rand);
          const start = Float64Array.from({ length: D }, rand);
          const all = linearRecurrence(s, A, b, start);
          const chunks = splitRows(0, T, P);
          const kernel = s.kernel?.();
          if (kernel === undefined) throw new Error('built-ins ship a kernel');
          const summaries = chunks.slice(0, -1).map(({ t0, t1 }) => {
            const m = new Float64Array(s.width + D);
            kernel.aggregate(A, b, t0, t1, m, 0, m, s.width);
            return m;
          });
          const starts = chunkStarts(s, start, summaries);
          expect(starts.length).toBe(chunks.length);
          chunks.forEach(({ t0 }, k) => {
            const want = t0 === 0 ? start : all.subarray((t0 - 1) * D, t0 * D);
            for (let i = 0; i < D; i++) expect(starts[k][i]).toBeCloseTo(want[i], 10);
          });
        }),
      );
    });
  }
});
