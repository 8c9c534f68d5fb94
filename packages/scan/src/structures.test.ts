import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fill, matmul, matvec, maxRelErr, randomMatrices, referenceRecurrence, toDense, uniform } from '../test/helpers.js';
import {
  UnrollError,
  affineMonoid,
  blockDiagonal,
  checkStructureLaws,
  defineStructure,
  dense,
  diagonal,
  identity,
  linearRecurrence,
  scan,
  zero,
  type Structure,
} from './index.js';

/** Every built-in structure at a few dimensions. */
function builtins(D: number): Structure[] {
  const list = [dense(D), diagonal(D), identity(D), zero(D), blockDiagonal(D, 1), blockDiagonal(D, D)];
  if (D % 2 === 0) list.push(blockDiagonal(D, 2));
  return list;
}

const dims = fc.integer({ min: 1, max: 6 });
const seeds = fc.integer({ min: 1, max: 2 ** 30 });

/** A 2×2 rotation-scaling [[a, −b], [b, a]] stored as (a, b): the README's custom structure. */
const rotation = defineStructure({
  name: 'rotation',
  dim: 2,
  width: 2,
  compose: (A, ao, B, bo, out, oo) => {
    const a = A[ao], b = A[ao + 1], c = B[bo], d = B[bo + 1];
    out[oo] = c * a - d * b;
    out[oo + 1] = c * b + d * a;
  },
  apply: (A, ao, x, xo, out, oo) => {
    out[oo] = A[ao] * x[xo] - A[ao + 1] * x[xo + 1];
    out[oo + 1] = A[ao + 1] * x[xo] + A[ao] * x[xo + 1];
  },
  identity: (out, oo) => {
    out[oo] = 1;
    out[oo + 1] = 0;
  },
});

describe('structures', () => {
  it('compose is associative: (C·B)·A = C·(B·A)', () => {
    fc.assert(
      fc.property(dims, seeds, (D, seed) => {
        const rand = uniform(seed);
        for (const s of [...builtins(D), rotation].filter((x) => x.dim === D)) {
          const [A, B, C] = [0, 1, 2].map(() => randomMatrices(s, 1, rand, 1.5));
          const ba = new Float64Array(s.width), cb = new Float64Array(s.width);
          const left = new Float64Array(s.width), right = new Float64Array(s.width);
          s.compose(A, 0, B, 0, ba, 0);
          s.compose(B, 0, C, 0, cb, 0);
          s.compose(A, 0, cb, 0, left, 0);
          s.compose(ba, 0, C, 0, right, 0);
          expect(maxRelErr(left, right)).toBeLessThan(1e-12);
        }
      }),
    );
  });

  it('compose(A, B) is the dense product B·A, and apply(compose(A, B), x) = B·(A·x)', () => {
    fc.assert(
      fc.property(dims, seeds, (D, seed) => {
        const rand = uniform(seed);
        for (const s of [...builtins(D), rotation].filter((x) => x.dim === D)) {
          const A = randomMatrices(s, 1, rand, 1.5);
          const B = randomMatrices(s, 1, rand, 1.5);
          const x = fill(D, rand);
          const ba = new Float64Array(s.width);
          s.compose(A, 0, B, 0, ba, 0);
          const viaCompose = new Float64Array(D);
          s.apply(ba, 0, x, 0, viaCompose, 0);
          const ax = new Float64Array(D), bax = new Float64Array(D);
          s.apply(A, 0, x, 0, ax, 0);
          s.apply(B, 0, ax, 0, bax, 0);
          expect(maxRelErr(viaCompose, bax)).toBeLessThan(1e-12);
          expect(maxRelErr(toDense(s, ba, 0).flat(), matmul(toDense(s, B, 0), toDense(s, A, 0)).flat())).toBeLessThan(1e-12);
        }
      }),
    );
  });

  it('identity() is a two-sided unit, except on zero(D), which has none and says so', () => {
    fc.assert(
      fc.property(dims, seeds, (D, seed) => {
        const rand = uniform(seed);
        for (const s of [...builtins(D), rotation].filter((x) => x.dim === D)) {
          if (s.name === 'zero') {
            expect(() => { s.identity(new Float64Array(0), 0); }).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }) as Error);
            continue;
          }
          const I = new Float64Array(s.width);
          s.identity(I, 0);
          const A = randomMatrices(s, 1, rand, 1.5);
          const ai = new Float64Array(s.width), ia = new Float64Array(s.width);
          s.compose(A, 0, I, 0, ai, 0);
          s.compose(I, 0, A, 0, ia, 0);
          expect(maxRelErr(ai, A)).toBe(0);
          expect(maxRelErr(ia, A)).toBe(0);
          const x = fill(D, rand);
          const ix = new Float64Array(D);
          s.apply(I, 0, x, 0, ix, 0);
          expect(Array.from(ix)).toEqual(Array.from(x));
        }
      }),
    );
  });

  it('applyTranspose(A, x) is the dense Aᵀ·x', () => {
    fc.assert(
      fc.property(dims, seeds, (D, seed) => {
        const rand = uniform(seed);
        for (const s of builtins(D)) {
          const A = randomMatrices(s, 1, rand, 1.5);
          const x = fill(D, rand);
          const got = new Float64Array(D);
          s.applyTranspose?.(A, 0, x, 0, got, 0);
          const At = toDense(s, A, 0);
          const transposed = At[0].map((_, j) => At.map((row) => row[j]));
          expect(maxRelErr(got, matvec(transposed, x))).toBeLessThan(1e-12);
        }
      }),
    );
  });

  it('affineMonoid(s) composes (A₂, b₂)∘(A₁, b₁) = (A₂A₁, A₂b₁ + b₂), also in place', () => {
    fc.assert(
      fc.property(dims, seeds, (D, seed) => {
        const rand = uniform(seed);
        for (const s of builtins(D)) {
          const m = affineMonoid(s);
          const e1 = fill(m.width, rand), e2 = fill(m.width, rand);
          if (s.width > 0) {
            e1.set(randomMatrices(s, 1, rand, 1.5));
            e2.set(randomMatrices(s, 1, rand, 1.5));
          }
          const out = new Float64Array(m.width);
          m.combine(e1, 0, e2, 0, out, 0);
          const A1 = toDense(s, e1, 0), A2 = toDense(s, e2, 0);
          const b1 = Array.from(e1.slice(s.width)), b2 = Array.from(e2.slice(s.width));
          const expectedB = matvec(A2, b1).map((v, i) => v + b2[i]);
          expect(maxRelErr(out.slice(s.width), expectedB)).toBeLessThan(1e-12);
          if (s.name !== 'zero') expect(maxRelErr(toDense(s, out, 0).flat(), matmul(A2, A1).flat())).toBeLessThan(1e-12);
          // In place, over either operand.
          const inB = e2.slice();
          m.combine(e1, 0, inB, 0, inB, 0);
          expect(maxRelErr(inB, out)).toBe(0);
          const inA = e1.slice();
          m.combine(inA, 0, e2, 0, inA, 0);
          expect(maxRelErr(inA, out)).toBe(0);
        }
      }),
    );
  });

  it('dense(D) and diagonal(D) agree when the dense matrices are diagonal', () => {
    fc.assert(
      fc.property(dims, fc.integer({ min: 1, max: 60 }), seeds, (D, T, seed) => {
        const rand = uniform(seed);
        const diag = randomMatrices(diagonal(D), T, rand, 1.05);
        const full = new Float64Array(T * D * D);
        for (let t = 0; t < T; t++) for (let i = 0; i < D; i++) full[t * D * D + i * D + i] = diag[t * D + i]!;
        const b = fill(T * D, rand);
        const s0 = Array.from(fill(D, rand));
        const viaDiag = linearRecurrence(diagonal(D), diag, b, s0);
        const viaDense = linearRecurrence(dense(D), full, b, s0);
        expect(maxRelErr(viaDiag, viaDense)).toBe(0);
        const viaBlocks = linearRecurrence(blockDiagonal(D, 1), diag, b, s0);
        expect(maxRelErr(viaBlocks, viaDiag)).toBe(0);
      }),
    );
  });

  it('blockDiagonal(D, D) is dense(D)', () => {
    const rand = uniform(5);
    const D = 4, T = 33;
    const A = randomMatrices(dense(D), T, rand);
    const b = fill(T * D, rand);
    expect(maxRelErr(linearRecurrence(blockDiagonal(D, D), A, b, [1, 2, 3, 4]), linearRecurrence(dense(D), A, b, [1, 2, 3, 4]))).toBe(0);
  });

  it('a custom structure from defineStructure runs through linearRecurrence and every scan algorithm', () => {
    const rand = uniform(17);
    const T = 41;
    const A = randomMatrices(rotation, T, rand);
    const b = fill(T * 2, rand);
    const ref = referenceRecurrence(rotation, A, b, [1, -1]);
    for (const algorithm of ['sequential', 'blelloch', 'chunked'] as const) {
      expect(maxRelErr(linearRecurrence(rotation, A, b, [1, -1], { algorithm }), ref)).toBeLessThan(1e-12);
    }
    const elements = new Float64Array(T * 4);
    expect(scan(elements, affineMonoid(rotation)).length).toBe(T * 4);
  });

  it('checkStructureLaws accepts every built-in structure and the custom rotation', () => {
    for (const D of [1, 2, 3, 4, 6]) {
      for (const s of builtins(D)) expect(checkStructureLaws(s, { seed: D }).failures).toEqual([]);
    }
    expect(checkStructureLaws(rotation).ok).toBe(true);
  });

  it('checkStructureLaws rejects a structure whose compose leaves it (upper-bidiagonal, fill-in truncated)', () => {
    // Stores [diagonal (D), superdiagonal (D − 1)]. The product of two such matrices has a
    // second superdiagonal, which this compose silently drops: not closed.
    const D = 4;
    const bidiagonal = defineStructure({
      name: 'upper-bidiagonal',
      dim: D,
      width: 2 * D - 1,
      compose: (A, ao, B, bo, out, oo) => {
        for (let i = 0; i < D; i++) out[oo + i] = B[bo + i] * A[ao + i];
        for (let i = 0; i < D - 1; i++) out[oo + D + i] = B[bo + i] * A[ao + D + i] + B[bo + D + i] * A[ao + i + 1];
      },
      apply: (A, ao, x, xo, out, oo) => {
        for (let i = 0; i < D; i++) out[oo + i] = A[ao + i] * x[xo + i] + (i < D - 1 ? A[ao + D + i] * x[xo + i + 1] : 0);
      },
      identity: (out, oo) => {
        for (let i = 0; i < 2 * D - 1; i++) out[oo + i] = i < D ? 1 : 0;
      },
    });
    const report = checkStructureLaws(bidiagonal);
    expect(report.ok).toBe(false);
    expect(report.failures.join('\n')).toMatch(/closure: apply\(compose\(A, B\), x\) = B·\(A·x\) fails/);
    // Its identity and linearity are fine, and the report does not claim otherwise.
    expect(report.failures.join('\n')).not.toMatch(/identity|linearity/);
  });

  it('checkStructureLaws catches a wrong applyTranspose and a wrong scale', () => {
    const d = diagonal(3);
    const badTranspose = defineStructure({ ...d, name: 'bad-transpose', applyTranspose: (_a, _ao, x, xo, out, oo) => { for (let i = 0; i < 3; i++) out[oo + i] = x[xo + i]!; } });
    expect(checkStructureLaws(badTranspose).failures.join()).toMatch(/transpose/);
    const badScale = defineStructure({ ...d, name: 'bad-scale', scale: (a, ao, _k, out, oo) => { for (let i = 0; i < 3; i++) out[oo + i] = a[ao + i]!; } });
    expect(checkStructureLaws(badScale).failures.join()).toMatch(/scale/);
    expect(() => checkStructureLaws(d, { trials: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
  });

  it('defineStructure names the field that is wrong', () => {
    const base = { name: 'x', dim: 2, width: 2, compose: () => undefined, apply: () => undefined, identity: () => undefined };
    expect(() => defineStructure({ ...base, dim: 0 })).toThrow(/dim must be a positive integer/);
    expect(() => defineStructure({ ...base, width: 1.5 })).toThrow(/width must be a non-negative integer/);
    expect(() => defineStructure({ ...base, name: '' })).toThrow(UnrollError);
    expect(() => defineStructure({ ...base, apply: undefined as never })).toThrow(/apply\(…\) is required/);
  });

  it('factories reject bad dimensions and block sizes', () => {
    expect(() => dense(0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
    expect(() => diagonal(2.5)).toThrow(/positive integer/);
    expect(() => blockDiagonal(6, 4)).toThrow(/divides D/);
  });
});
