import { UnrollError, describeValue, diagonal as diagonalStructure, type FloatArray, type Structure } from '@unroll/scan';
import { checkStrategy } from './dynamics-checks.js';
import { defineStrategy, type Strategy } from './strategy.js';

/**
 * Scale-ELK: Ã_t = (1 − k_t)·(the base strategy's Ã_t), k ∈ [0, 1] (thesis §4.5.1).
 * k = 0 is the base method (DEER for `full()`); k = 1 is Jacobi. Choosing k so the
 * spectral norms of the Ã_t stay below 1 keeps every iteration a stable linear system;
 * `k` may be a function of t for a per-step choice. The base's structure must be able
 * to represent k·A (a `scale` method: dense, diagonal, block-diagonal, zero do); an
 * identity base (damped Picard) becomes the diagonal `(1 − k_t)·I`.
 */
export function scaled(k: number | ((t: number) => number), base: Strategy): Strategy {
  const kGiven: unknown = k;
  if (typeof kGiven === 'number') checkK(kGiven, 'k');
  else if (typeof kGiven !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `scaled(k, base): k must be a number in [0, 1] or a function t ↦ k_t, got ${describeValue(kGiven)}.`);
  }
  checkStrategy('scaled(k, base)', 'base', base);
  const kAt = (t: number): number => (typeof k === 'number' ? k : checkK(k(t), `k(${t})`));
  const name = `scaled(${typeof k === 'number' ? String(k) : 'k_t'}, ${base.name})`;
  // (1 − k)·I is not an identity matrix: it needs the diagonal structure. Read off the
  // record, not the name: a family that stores nothing per matrix and cannot scale is the
  // identity (the zero family, the only other one storing nothing, scales to itself).
  const widened = (structure: Structure): boolean => structure.scale === undefined && structure.width === 0;
  return defineStrategy({
    name,
    structure(D) {
      const structure = base.structure(D);
      return widened(structure) ? diagonalStructure(D) : structure;
    },
    prepare(dyn) {
      const D = dyn.dim;
      const structure = base.structure(D);
      if (widened(structure)) {
        const baseBlock = base.prepare(dyn).fillBlock;
        const fillConstant = (t: number, out: FloatArray, oo: number) => {
          const value = 1 - kAt(t);
          for (let i = 0; i < D; i++) out[oo + i] = value;
        };
        return {
          source: '(1 − k)·identity',
          cost: { storedPerStep: D, calls: base.prepare(dyn).cost.calls },
          fill(t, _prev, _po, out, oo) {
            fillConstant(t, out, oo);
          },
          ...(baseBlock === undefined
            ? {}
            : {
                fillBlock(t0: number, n: number, prev: FloatArray, po: number, f: FloatArray, fo: number, out: FloatArray, oo: number) {
                  baseBlock(t0, n, prev, po, f, fo, out, oo);
                  for (let k = 0; k < n; k++) fillConstant(t0 + k, out, oo + k * D);
                },
              }),
        };
      }
      const scale = structure.scale?.bind(structure);
      if (scale === undefined) {
        throw new UnrollError(
          'INVALID_ARGUMENT',
          `${name}: its structure '${structure.name}' cannot hold (1 − k)·A (no scale method); give it a scale method, or use a dense or diagonal base such as full() or diagonal().`,
        );
      }
      const inner = base.prepare(dyn);
      const innerBlock = inner.fillBlock?.bind(inner);
      const W = structure.width;
      return {
        source: `(1 − k)·${inner.source}`,
        cost: inner.cost,
        fill(t, prev, po, out, oo) {
          inner.fill(t, prev, po, out, oo);
          scale(out, oo, 1 - kAt(t), out, oo);
        },
        ...(innerBlock === undefined
          ? {}
          : {
              fillBlock(t0: number, n: number, prev: FloatArray, po: number, f: FloatArray, fo: number, out: FloatArray, oo: number) {
                innerBlock(t0, n, prev, po, f, fo, out, oo);
                for (let k = 0; k < n; k++) scale(out, oo + k * W, 1 - kAt(t0 + k), out, oo + k * W);
              },
            }),
      };
    },
  });
}

function checkK(k: unknown, what: string): number {
  if (typeof k !== 'number' || !(k >= 0 && k <= 1)) {
    throw new UnrollError('INVALID_ARGUMENT', `scaled: ${what} = ${describeValue(k)} is outside [0, 1] (0 keeps the base's Ã_t, 1 gives Jacobi).`);
  }
  return k;
}
