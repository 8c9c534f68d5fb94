// The single-pass chained scan (decoupled look-back with a fallback) on Dawn, held to the
// float64 CPU recurrence of @unroll/scan on random inputs — every look-back mode, sizes
// that are not multiples of the tile, many tiles, batches, non-finite inputs, repeated
// runs of one plan — and to reduce-then-scan inside whole solves.
import { diagonal, identity, linearRecurrence, mulberry32, type FloatArray, type Structure } from '@unroll/scan';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpuRuntime, type GpuRuntime } from './index.js';

const modes = ['bounded', 'eager', 'pure', 'fallback'] as const;
let runtimes: Record<(typeof modes)[number], GpuRuntime>;
let reference: GpuRuntime;
beforeAll(async () => {
  // chunk 4: tiles of 64·4 = 256 steps at D = 1 (fewer at larger D), so a few thousand
  // steps make tens of tiles and the look-back (or the fallback) runs for most of them.
  const entries = await Promise.all(modes.map(async (lookBack) => [lookBack, await createGpuRuntime({ chunk: 4, scan: 'chained', lookBack })] as const));
  runtimes = Object.fromEntries(entries) as typeof runtimes;
  reference = await createGpuRuntime({ chunk: 4, scan: 'reduce-then-scan' });
});
afterAll(() => {
  for (const rt of Object.values(runtimes)) rt.destroy();
  reference.destroy();
});

/** Random A (|a| ≤ 1) and b for S sequences of T steps, and s0. */
function inputs(structure: Structure, S: number, T: number, seed: number): { A: Float64Array; b: Float64Array; s0: Float64Array } {
  const next = mulberry32(seed);
  const u = () => next() / 4294967296;
  const D = structure.dim;
  return {
    A: Float64Array.from({ length: S * T * structure.width }, () => 2 * u() - 1),
    b: Float64Array.from({ length: S * T * D }, () => 2 * u() - 1),
    s0: Float64Array.from({ length: S * D }, () => 2 * u() - 1),
  };
}

/** The CPU float64 states of every sequence, one after the other. */
function cpuStates(structure: Structure, S: number, T: number, A: FloatArray, b: FloatArray, s0: FloatArray): Float64Array {
  const D = structure.dim, W = structure.width;
  const out = new Float64Array(S * T * D);
  for (let q = 0; q < S; q++) out.set(linearRecurrence(structure, A.slice(q * T * W, (q + 1) * T * W), b.slice(q * T * D, (q + 1) * T * D), s0.slice(q * D, (q + 1) * D)), q * T * D);
  return out;
}

/** max |gpu − cpu| / (1 + |cpu|) over finite entries; Infinity where finiteness differs. */
function worst(gpu: Float32Array, cpu: FloatArray): number {
  let w = 0;
  for (let i = 0; i < cpu.length; i++) {
    const g = gpu[i] ?? NaN, c = cpu[i] ?? NaN;
    if (Number.isFinite(g) !== Number.isFinite(c)) return Infinity;
    if (Number.isFinite(c)) w = Math.max(w, Math.abs(g - c) / (1 + Math.abs(c)));
  }
  return w;
}

// f32 rounding along chains of ≈ K + tile rows + tiles combines: as in scan.test.ts.
const tol = 1e-5;

describe('the chained scan equals the float64 CPU recurrence', () => {
  for (const mode of modes) {
    it(`${mode} look-back: diagonal and identity, sizes off the tile, many tiles, batches`, async () => {
      const rt = runtimes[mode];
      for (const [structure, S, T] of [
        [diagonal(1), 1, 1],
        [diagonal(1), 1, 255],
        [diagonal(1), 1, 257],
        [diagonal(1), 1, 5000],
        [diagonal(3), 2, 3001],
        [diagonal(40), 1, 700],
        [identity(2), 3, 1999],
        [identity(1), 1, 4097],
      ] as const) {
        const { A, b, s0 } = inputs(structure, S, T, 31 * T + structure.dim);
        const gpu = await rt.linearRecurrence(structure, A, b, s0);
        const bound = tol * (structure.name === 'identity' ? Math.sqrt(T) : 1);
        expect(worst(gpu, cpuStates(structure, S, T, A, b, s0)), `${structure.name}(${structure.dim}) S=${S} T=${T}`).toBeLessThan(bound);
      }
      expect(rt.liveBuffers).toBe(0);
    });
  }

  it('property: any D, S, T and look-back mode', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...modes), fc.boolean(), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2500 }), fc.integer(), async (mode, diag, D, S, T, seed) => {
        const structure = diag ? diagonal(D) : identity(D);
        const { A, b, s0 } = inputs(structure, S, T, seed);
        const gpu = await runtimes[mode].linearRecurrence(structure, A, b, s0);
        expect(worst(gpu, cpuStates(structure, S, T, A, b, s0))).toBeLessThan(tol * (diag ? 1 : Math.sqrt(T)));
      }),
      { numRuns: 20 },
    );
  });

  it('NaN and ±Infinity propagate as in reduce-then-scan and on the CPU', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...modes), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 3000 }), fc.constantFrom(NaN, Infinity, -Infinity), fc.boolean(), fc.integer(), async (mode, D, T, bad, inA, seed) => {
        const structure = diagonal(D);
        const { A, b, s0 } = inputs(structure, 1, T, seed);
        // |a| in [0.5, 1]: products do not underflow to 0 (0·∞ would be NaN where the CPU's ∞ stays ∞).
        for (let i = 0; i < A.length; i++) A[i] = Math.sign((A[i] ?? 0) || 1) * (0.5 + Math.abs(A[i] ?? 0) / 2);
        const at = (seed >>> 0) % (T * D);
        (inA ? A : b)[at] = bad;
        const gpu = await runtimes[mode].linearRecurrence(structure, A, b, s0);
        const rts = await reference.linearRecurrence(structure, A, b, s0);
        const cpu = cpuStates(structure, 1, T, A, b, s0);
        for (let i = 0; i < cpu.length; i++) {
          expect(Number.isFinite(gpu[i]), `entry ${i} (bad at ${at})`).toBe(Number.isFinite(cpu[i]));
          expect(Number.isFinite(gpu[i]), `entry ${i} vs reduce-then-scan`).toBe(Number.isFinite(rts[i]));
          // A NaN input stays NaN; an infinity may meet its opposite inside a composed
          // element (either scan's) and become NaN, so only finiteness is compared there.
          if (Number.isNaN(cpu[i])) expect(gpu[i]).toBeNaN();
        }
        expect(worst(gpu, cpu)).toBeLessThan(1e-4);
      }),
      { numRuns: 20 },
    );
  });
});
