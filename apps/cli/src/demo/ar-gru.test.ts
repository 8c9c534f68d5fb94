import { createRng } from '@unroll/systems';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { arGru } from './ar-gru.js';
import { gaussianNll, packParameters, sineTrace, teacherForcedLoss, unpackParameters } from './ar-gru-training.js';
import type { CaseStudyResult } from './case-study.js';
import { findTable } from './table-lookup.js';

/** A random θ for hidden size H (cell and readout), scaled so the GRU is neither saturated nor trivial. */
function randomTheta(H: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const n = 3 * H + 3 * H * H + 6 * H + 2 * H + 2;
  return Float64Array.from({ length: n }, () => 0.4 * rng.normal());
}

describe('training the autoregressive GRU: loss and exact gradient', () => {
  it('gaussianNll is −log of the normal density', () => {
    fc.assert(
      fc.property(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), (x, mu, ls) => {
        const sigma = Math.exp(ls);
        const density = Math.exp(-((x - mu) ** 2) / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
        expect(gaussianNll(x, mu, ls)).toBeCloseTo(-Math.log(density), 9);
      }),
    );
  });

  it('packParameters and unpackParameters are inverse', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1e6 }), (H, seed) => {
        const theta = randomTheta(H, seed);
        const { weights, readout } = unpackParameters(theta, H);
        expect(Array.from(packParameters(weights, readout))).toEqual(Array.from(theta));
      }),
      { numRuns: 30 },
    );
  });

  it('the loss with the DEER forward pass equals the sequential one, and its gradient equals central differences of the sequential loss (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 3, max: 25 }), (H, seed, T) => {
        const theta = randomTheta(H, seed);
        const trace = sineTrace(createRng(seed + 1), { period: 12, amplitude: 2, noise: 0.3 }, T);
        const deer = teacherForcedLoss(theta, H, trace, 'deer');
        const seq = teacherForcedLoss(theta, H, trace, 'sequential');
        expect(deer.converged).toBe(true);
        expect(Math.abs(deer.loss - seq.loss)).toBeLessThan(1e-9 * (1 + Math.abs(seq.loss)));
        // Every parameter, differenced through the sequential rollout (independent of the adjoint recurrence).
        const h = 1e-6;
        for (let p = 0; p < theta.length; p++) {
          const plus = Float64Array.from(theta), minus = Float64Array.from(theta);
          plus[p] = (plus[p] ?? 0) + h;
          minus[p] = (minus[p] ?? 0) - h;
          const fd = (teacherForcedLoss(plus, H, trace, 'sequential').loss - teacherForcedLoss(minus, H, trace, 'sequential').loss) / (2 * h);
          expect(Math.abs((deer.gradient[p] ?? Number.NaN) - fd)).toBeLessThan(2e-6 * (1 + Math.abs(fd)));
        }
      }),
      { numRuns: 10 },
    );
  });
});

describe('case study 12: ELK on a trained autoregressive GRU (demo size)', () => {
  let result: CaseStudyResult;
  const messages: string[] = [];
  beforeAll(async () => {
    result = await arGru.run({ full: false, seed: 0, progress: (m) => messages.push(m) });
  }, 300_000);

  it('trains: the loss falls towards the noise floor', () => {
    const losses = findTable(result, 'Training').rows.map((r) => Number(r[1]));
    expect(losses.length).toBeGreaterThan(5);
    const first = losses[0] ?? Number.NaN, last = losses[losses.length - 1] ?? Number.NaN;
    const floor = 0.5 + 0.5 * Math.log(2 * Math.PI);
    expect(last).toBeLessThan(first - 1);
    expect(last).toBeGreaterThan(floor - 0.2);
    expect(messages.some((m) => m.startsWith('training: Adam step'))).toBe(true);
  });

  it('every parallel method reaches the sequential trace on both models, and resets are counted', () => {
    for (const name of ['Table 4', 'The untrained']) {
      const table = findTable(result, name);
      expect(table.rows.map((r) => r[0])).toEqual(['sequential', 'DEER', 'quasi-DEER', 'ELK', 'quasi-ELK']);
      for (const r of table.rows.slice(1)) {
        expect(r[6], `${name}: ${String(r[0])}`).toBe(true);
        expect(Number(r[7])).toBeLessThan(1e-6);
        expect(Number(r[3])).toBeGreaterThan(0);
      }
    }
    // The trained model sits at the edge of stability: DEER's iterates overflow and reset, ELK's do not.
    const trained = findTable(result, 'Table 4').rows;
    expect(Number(trained[1]?.[4])).toBeGreaterThan(0);
    expect(Number(trained[3]?.[4])).toBe(0);
  });

  it("the figures' MAD curves have one point per iteration of the table's runs and end at the sequential trace", () => {
    const elkFigure = result.figures?.find((f) => f.file === 'ar-gru-elk.svg');
    expect(elkFigure?.panels).toHaveLength(4);
    const trainedRows = findTable(result, 'Table 4').rows;
    const panel = elkFigure?.panels[1];
    for (const [k, series] of (panel?.series ?? []).entries()) {
      expect(series.y.length).toBe(Number(trainedRows[k + 1]?.[3]));
      expect(series.y[series.y.length - 1]).toBeLessThan(1e-6);
    }
    expect(result.figures?.map((f) => f.file)).toEqual(['ar-gru-training.svg', 'ar-gru-elk.svg']);
  });

  it('compares with the thesis on every row it claims, with a note wherever it differs', () => {
    expect(result.comparisons.length).toBeGreaterThanOrEqual(6);
    for (const c of result.comparisons) {
      expect(c.source).toMatch(/thesis|unifying-framework/);
      if (c.verdict === 'differs') expect(c.note, c.quantity).toBeTruthy();
    }
    const sweep = findTable(result, 'Iterations over λ');
    expect(sweep.rows.length).toBe(5);
  });
});
