import { affineMonoid, dense, diagonal, identity, linearRecurrence, mulberry32, scan, zero, UnrollError, type FloatArray, type Structure } from '@unroll/scan';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpuRuntime, type GpuRuntime, type ScanKind } from './index.js';

let rt: GpuRuntime;
let windowed: GpuRuntime;
beforeAll(async () => {
  rt = await createGpuRuntime();
  // Tiny bindings, short chunks and a 3-wide grid: every size below needs several
  // windowed segments and 2-D grids, exercising the paths big problems take on real devices.
  windowed = await createGpuRuntime({ maxBindingBytes: 4096, maxWorkgroupsPerDimension: 3, chunk: 4 });
});
afterAll(() => {
  rt.destroy();
  windowed.destroy();
});

const structureOf = (kind: ScanKind, D: number): Structure => (kind === 'diagonal' ? diagonal(D) : kind === 'dense' ? dense(D) : identity(D));

/** Elements whose prefix products stay O(1): |a| ≤ 1 on the diagonal, dense with spectral norm ≤ ~1. */
function randomElements(kind: ScanKind, D: number, T: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  const u = () => next() / 4294967296;
  const W = kind === 'diagonal' ? D : kind === 'dense' ? D * D : 0;
  const e = new Float64Array(T * (W + D));
  for (let t = 0; t < T; t++) {
    const o = t * (W + D);
    for (let k = 0; k < W; k++) e[o + k] = kind === 'diagonal' ? 2 * u() - 1 : (2 * u() - 1) / Math.sqrt(D);
    for (let k = 0; k < D; k++) e[o + W + k] = 2 * u() - 1;
  }
  return e;
}

/** max |gpu − cpu| / (1 + |cpu|): relative where values are large, absolute near zero. */
function worst(gpu: Float32Array, cpu: FloatArray): number {
  let w = 0;
  for (let i = 0; i < cpu.length; i++) w = Math.max(w, Math.abs((gpu[i] ?? NaN) - (cpu[i] ?? NaN)) / (1 + Math.abs(cpu[i] ?? 0)));
  return Number.isNaN(w) ? Infinity : w;
}

// f32 rounding of inputs and of each combine: ~6e-8 per step, summed along short chains
// (the chunked order keeps chains ≈ C + N + …), so 1e-5 leaves room for T·D in the thousands.
const tol = 1e-5;

describe('rt.scan equals the CPU scan of affine elements', () => {
  const sizes = [1, 2, 7, 32, 33, 100, 1025, 5000];
  for (const kind of ['diagonal', 'identity', 'dense'] as const) {
    for (const D of kind === 'dense' ? [1, 3, 8] : [1, 5]) {
      it(`${kind}, D = ${D}, T ∈ {${sizes.join(', ')}}`, async () => {
        for (const T of sizes) {
          const e = randomElements(kind, D, T, 7 * T + D);
          const cpu = scan(e, affineMonoid(structureOf(kind, D)));
          expect(worst(await rt.scan(e, kind, D), cpu), `T = ${T}`).toBeLessThan(kind === 'identity' ? tol * Math.sqrt(T) : tol);
        }
      });
    }
  }

  it('windowed bindings and 2-D grids give the same numbers', async () => {
    for (const [kind, D, T] of [['diagonal', 3, 777], ['identity', 2, 1000], ['dense', 4, 301]] as const) {
      const e = randomElements(kind, D, T, T);
      const cpu = scan(e, affineMonoid(structureOf(kind, D)));
      expect(worst(await windowed.scan(e, kind, D), cpu), kind).toBeLessThan(tol * (kind === 'identity' ? Math.sqrt(T) : 1));
    }
  });

  it('property: any kind, D and T', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<ScanKind>('diagonal', 'identity', 'dense'), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 400 }), fc.integer(), async (kind, D, T, seed) => {
        const e = randomElements(kind, D, T, seed);
        const cpu = scan(e, affineMonoid(structureOf(kind, D)));
        expect(worst(await rt.scan(e, kind, D), cpu)).toBeLessThan(kind === 'identity' ? tol * Math.sqrt(T) : tol);
      }),
      { numRuns: 25 },
    );
  });
});

describe('rt.linearRecurrence equals the CPU recurrence', () => {
  it('diagonal, identity, zero, dense; one and several sequences; windowed', async () => {
    for (const runtime of [rt, windowed]) {
      for (const [structure, S, T] of [
        [diagonal(4), 1, 1],
        [diagonal(4), 3, 1000],
        [identity(3), 2, 513],
        [zero(2), 2, 10],
        [dense(5), 1, 2000],
        [dense(2), 4, 99],
      ] as const) {
        const D = structure.dim;
        const W = structure.width;
        const next = mulberry32(S * T + D);
        const u = () => next() / 4294967296;
        const A = Float64Array.from({ length: S * T * W }, () => (2 * u() - 1) / (structure.name === 'dense' ? Math.sqrt(D) : 1));
        const b = Float64Array.from({ length: S * T * D }, () => 2 * u() - 1);
        const s0 = Float64Array.from({ length: S * D }, () => 2 * u() - 1);
        const gpu = await runtime.linearRecurrence(structure, A, b, s0);
        for (let q = 0; q < S; q++) {
          const cpu = linearRecurrence(structure, A.slice(q * T * W, (q + 1) * T * W), b.slice(q * T * D, (q + 1) * T * D), s0.slice(q * D, (q + 1) * D));
          expect(worst(gpu.slice(q * T * D, (q + 1) * T * D), cpu), `${structure.name} S=${S} T=${T} q=${q}`).toBeLessThan(tol * (structure.name === 'identity' ? Math.sqrt(T) : 1));
        }
      }
    }
  });

  it('refuses what it cannot do, with typed errors', async () => {
    await expect(rt.scan(new Float64Array(5), 'diagonal', 2)).rejects.toMatchObject({ code: 'LENGTH_MISMATCH' });
    await expect(rt.scan(new Float64Array(17 * 17 + 17), 'dense', 17)).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(rt.scan(new Float64Array(4), 'blocks' as ScanKind, 2)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(rt.linearRecurrence(diagonal(2), new Float64Array(4), new Float64Array(4), [0, 0, 0])).rejects.toMatchObject({ code: 'DIMENSION_MISMATCH' });
    await expect(rt.linearRecurrence(diagonal(2), new Float64Array(3), new Float64Array(4), [0, 0])).rejects.toMatchObject({ code: 'LENGTH_MISMATCH' });
    await expect(rt.linearRecurrence(diagonal(2), new Float64Array(4), new Float64Array(4), [0, NaN])).rejects.toBeInstanceOf(UnrollError);
    expect(rt.liveBuffers).toBe(0);
  });
});
