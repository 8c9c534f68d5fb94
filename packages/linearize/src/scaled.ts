import { UnrollError } from '@unroll/scan';
import { defineStrategy, type Strategy } from './strategy.js';

/**
 * Scale-ELK: Ã_t = (1 − k_t)·(the base strategy's Ã_t), k ∈ [0, 1] (thesis §4.5.1).
 * k = 0 is the base method (DEER for `full()`); k = 1 is Jacobi. Choosing k so the
 * spectral norms of the Ã_t stay below 1 keeps every iteration a stable linear system;
 * `k` may be a function of t for a per-step choice. The base's structure must be able
 * to represent k·A (a `scale` method: dense, diagonal, block-diagonal, zero do).
 */
export function scaled(k: number | ((t: number) => number), base: Strategy): Strategy {
  if (typeof k === 'number') checkK(k, 'k');
  else if (typeof k !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', 'scaled(k, base): k must be a number in [0, 1] or a function t ↦ k_t.');
  }
  return defineStrategy({
    name: `scaled(${typeof k === 'number' ? String(k) : 'k_t'}, ${base.name})`,
    structure: (D) => base.structure(D),
    prepare(dyn) {
      const structure = base.structure(dyn.dim);
      const scale = structure.scale?.bind(structure);
      if (scale === undefined) {
        throw new UnrollError(
          'INVALID_ARGUMENT',
          `scaled(k, ${base.name}): its structure '${structure.name}' cannot hold (1 − k)·A (no scale method); use a dense or diagonal base such as full() or diagonal().`,
        );
      }
      const inner = base.prepare(dyn);
      return {
        source: `(1 − k)·${inner.source}`,
        cost: inner.cost,
        fill(t, prev, po, out, oo) {
          inner.fill(t, prev, po, out, oo);
          const kt = typeof k === 'number' ? k : checkK(k(t), `k(${t})`);
          scale(out, oo, 1 - kt, out, oo);
        },
      };
    },
  });
}

function checkK(k: number, what: string): number {
  if (!(k >= 0 && k <= 1)) {
    throw new UnrollError('INVALID_ARGUMENT', `scaled: ${what} = ${String(k)} is outside [0, 1] (0 keeps the base's Ã_t, 1 gives Jacobi).`);
  }
  return k;
}
