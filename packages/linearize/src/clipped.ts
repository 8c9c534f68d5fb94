import { UnrollError, checkOptions, describeValue, type FloatArray, type Structure } from '@unroll/scan';
import { checkStrategy } from './dynamics-checks.js';
import { diagonal } from './diagonal.js';
import { defineStrategy, type Strategy } from './strategy.js';

/** Options of {@link clipped}. */
export interface ClippedOptions {
  /** Lower clip (default −1). */
  readonly lo?: number;
  /** Upper clip (default 1). */
  readonly hi?: number;
  /** A strategy with a diagonal structure (default `diagonal()`, the exact diagonal). */
  readonly base?: Strategy;
}

/**
 * Clip-ELK: each diagonal entry of Ã_t clipped to `[lo, hi]` (default [−1, 1]) — a
 * hyperparameter-free way to keep every iteration a stable linear system (thesis
 * §4.5.2). Applies to diagonal approximations only.
 */
export function clipped(opts?: ClippedOptions): Strategy {
  const { lo = -1, hi = 1, base = diagonal() } = checkOptions('clipped', opts, '{ lo: -1, hi: 1, base: diagonal() }');
  for (const [name, v] of [['lo', lo], ['hi', hi]] as const) {
    const value: unknown = v;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new UnrollError('INVALID_ARGUMENT', `clipped: ${name} must be a finite number, got ${describeValue(value)}.`);
    }
  }
  if (!(lo <= hi)) {
    throw new UnrollError('INVALID_ARGUMENT', `clipped: need lo ≤ hi, got [${String(lo)}, ${String(hi)}]; swap them.`);
  }
  checkStrategy('clipped', 'base', base);
  return defineStrategy({
    name: `clipped(${base.name})`,
    structure: (D) => base.structure(D),
    prepare(dyn) {
      const D = dyn.dim;
      const structure = base.structure(D);
      if (!storesTheDiagonal(structure, D)) {
        throw new UnrollError(
          'INVALID_ARGUMENT',
          `clipped: the base strategy '${base.name}' gives the structure '${structure.name}', whose stored numbers are not the entries of a diagonal Ã_t; clipping bounds the eigenvalues of a diagonal Ã_t (thesis §4.5.2) — use a diagonal base such as diagonal() or hutchinson({ probes }), or scaled(k, base) to damp another structure.`,
        );
      }
      const inner = base.prepare(dyn);
      const innerBlock = inner.fillBlock?.bind(inner);
      // NaN stays NaN (both comparisons false): the solver's resets see it.
      const clip = (out: FloatArray, oo: number, count: number) => {
        for (let i = 0; i < count; i++) {
          const a = out[oo + i];
          out[oo + i] = a < lo ? lo : a > hi ? hi : a;
        }
      };
      return {
        source: `${inner.source}, clipped to [${lo}, ${hi}]`,
        cost: inner.cost,
        fill(t, prev, po, out, oo) {
          inner.fill(t, prev, po, out, oo);
          clip(out, oo, D);
        },
        ...(innerBlock === undefined
          ? {}
          : {
              fillBlock(t0: number, n: number, prev: FloatArray, po: number, f: FloatArray, fo: number, out: FloatArray, oo: number) {
                innerBlock(t0, n, prev, po, f, fo, out, oo);
                clip(out, oo, n * D);
              },
            }),
      };
    },
  });
}

/**
 * Whether a structure's D stored numbers are the diagonal of a diagonal matrix — so that
 * clipping them clips Ã_t's eigenvalues. Read off what the structure does, not its name:
 * applied to any x, the packing (2, 3, …, D + 1) must give (2x_1, 3x_2, …).
 */
function storesTheDiagonal(structure: Structure, D: number): boolean {
  if (structure.width !== D) return false;
  const A = new Float64Array(D), x = new Float64Array(D), out = new Float64Array(D);
  for (let i = 0; i < D; i++) {
    A[i] = i + 2;
    x[i] = 1 + 1 / (i + 1);
  }
  structure.apply(A, 0, x, 0, out, 0);
  for (let i = 0; i < D; i++) if (out[i] !== A[i] * x[i]) return false;
  return true;
}
