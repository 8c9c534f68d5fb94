// The GRU's and the mean-field RNN's batched evaluation (a blocked matrix product over
// four rows per pass) against the same cells' per-step functions, bit for bit: any block
// length (passes of four and a remainder), any start t0 (inputs per step), any offsets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DefinedDynamics, DynamicsBlock } from '@unroll/linearize';
import { gru, henonMap, logisticMap, lorenz63, meanFieldRnn, rossler } from './index.js';

function compare(dyn: DefinedDynamics, t0: number, n: number, offset: number, seed: number, scale = 4): void {
  const D = dyn.dim;
  const block = dyn.block as DynamicsBlock;
  let x = seed;
  const rand = () => (((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5) * scale;
  const prev = new Float64Array(offset + n * D);
  for (let i = offset; i < prev.length; i++) prev[i] = rand();
  const f = new Float64Array(n * D), diag = new Float64Array(n * D), jac = new Float64Array(n * D * D);
  for (let k = 0; k < n; k++) {
    dyn.step(t0 + k, prev, offset + k * D, f, k * D);
    dyn.diagonal(t0 + k, prev, offset + k * D, diag, k * D);
    dyn.jacobian(t0 + k, prev, offset + k * D, jac, k * D * D);
  }
  const out = new Float64Array(offset + n * D), d = new Float64Array(offset + n * D), J = new Float64Array(offset + n * D * D);
  block.step(t0, n, prev, offset, out, offset);
  expect(out.subarray(offset)).toEqual(f);
  out.fill(0);
  block.stepDiagonal?.(t0, n, prev, offset, out, offset, d, offset);
  expect(out.subarray(offset)).toEqual(f);
  expect(d.subarray(offset)).toEqual(diag);
  out.fill(0);
  block.stepJacobian?.(t0, n, prev, offset, out, offset, J, offset);
  expect(out.subarray(offset)).toEqual(f);
  expect(J.subarray(offset)).toEqual(jac);
}

describe('batched evaluation (dyn.block)', () => {
  it('gru: f, diagonal and Jacobian of a block equal the per-step functions bit for bit (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 1e6 }), (D, I, n, t0, offset, seed) => {
        // Inputs for the first 20 steps only: later steps have none (the per-step rule too).
        const inputs = I === 0 ? undefined : Array.from({ length: 20 }, (_, t) => Array.from({ length: I }, (_, q) => Math.sin(seed + 3 * t + q)));
        compare(gru({ dim: D, inputDim: I, seed, ...(inputs === undefined ? {} : { inputs }) }), t0, n, offset, seed);
      }),
      { numRuns: 80 },
    );
  });

  it('meanFieldRnn: f, diagonal and Jacobian of a block equal the per-step functions bit for bit (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.double({ min: 0, max: 3, noNaN: true }), fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 1e6 }), fc.boolean(), (D, g, n, t0, offset, seed, withInputs) => {
        const inputs = withInputs ? Array.from({ length: 25 }, (_, t) => Array.from({ length: D }, (_, i) => Math.cos(seed + t - i))) : undefined;
        compare(meanFieldRnn({ dim: D, g, seed, ...(inputs === undefined ? {} : { inputs }) }), t0, n, offset, seed);
      }),
      { numRuns: 80 },
    );
  });

  it.each([
    ['logisticMap', () => logisticMap({ r: 3.7 }), 1],
    ['henonMap', () => henonMap(), 1],
    ['lorenz63 (rk4)', () => lorenz63({ dt: 0.01 }), 20],
    ['lorenz63 (euler)', () => lorenz63({ dt: 0.01, integrator: 'euler' }), 20],
    ['rossler (rk4)', () => rossler({ dt: 0.05 }), 10],
  ] as const)('%s: the maps\' and flows\' tight loops equal the per-step functions bit for bit (fast-check)', (_name, make, scale) => {
    const dyn = make();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 1e6 }), (n, t0, offset, seed) => {
        compare(dyn, t0, n, offset, seed, scale);
      }),
      { numRuns: 40 },
    );
  });

  it('carries NaN through a block like the per-step functions do', () => {
    const dyn = gru({ dim: 4, inputDim: 0, seed: 1 });
    const prev = new Float64Array(4 * 5).fill(0.1);
    prev[2 * 4 + 1] = Number.NaN;
    const out = new Float64Array(20);
    (dyn.block as DynamicsBlock).step(1, 5, prev, 0, out, 0);
    // Row 2 reads the NaN: all of it NaN (the hidden product mixes it in); the others finite.
    expect(Array.from(out.subarray(8, 12)).every(Number.isNaN)).toBe(true);
    expect(Array.from(out.subarray(0, 8)).concat(Array.from(out.subarray(12))).every(Number.isFinite)).toBe(true);
  });
});
