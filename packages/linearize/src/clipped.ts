import { UnrollError, checkOptions, describeValue } from '@unroll/scan';
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
      if (structure.name !== 'diagonal' || structure.width !== D) {
        throw new UnrollError('INVALID_ARGUMENT', `clipped: the base strategy '${base.name}' must give a diagonal structure, not '${structure.name}'.`);
      }
      const inner = base.prepare(dyn);
      return {
        source: `${inner.source}, clipped to [${lo}, ${hi}]`,
        cost: inner.cost,
        fill(t, prev, po, out, oo) {
          inner.fill(t, prev, po, out, oo);
          for (let i = 0; i < D; i++) {
            const a = out[oo + i];
            out[oo + i] = a < lo ? lo : a > hi ? hi : a;
          }
        },
      };
    },
  });
}
