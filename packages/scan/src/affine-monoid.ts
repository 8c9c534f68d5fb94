import { allocating } from './float-array.js';
import type { Monoid } from './monoid.js';
import type { Structure } from './structure.js';
import { assertStructure } from './validate.js';

/**
 * The monoid of affine maps `x ↦ A x + b` with A in `structure`, each packed as
 * `[A (structure.width numbers), b (D numbers)]`. Composing "first (A₁, b₁), then
 * (A₂, b₂)" gives `(A₂A₁, A₂b₁ + b₂)`, so the inclusive scan of the elements `(A_t, b_t)`
 * holds at step t the map from `s_0` to `s_t` of the recurrence `s_t = A_t s_{t−1} + b_t`
 * (unifying-framework paper §2; JAX's `associative_scan` formulation).
 *
 * Each monoid owns a little scratch (allocated here, once), so one monoid must not be
 * combined from two threads at once.
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` unless `structure` is a Structure;
 * `MEMORY_BUDGET` when one matrix of it cannot be allocated (dense with a huge D).
 */
export function affineMonoid(structure: Structure): Monoid {
  assertStructure('affineMonoid', structure);
  const D = structure.dim;
  const W = structure.width;
  const { vec, mat } = allocating(`affineMonoid(${structure.name}(${D}))`, 8 * (D + W), () => ({ vec: new Float64Array(D), mat: new Float64Array(W) }));
  return {
    width: W + D,
    combine(a, ao, b, bo, out, oo) {
      // b part first: it reads A₂ and b₁, which writing `out` could overwrite.
      structure.apply(b, bo, a, ao + W, vec, 0);
      for (let i = 0; i < D; i++) out[oo + W + i] = vec[i] + b[bo + W + i];
      if (W === 0) return;
      // compose() may not write over its inputs: go through scratch when out is one.
      if ((out === a && oo === ao) || (out === b && oo === bo)) {
        structure.compose(a, ao, b, bo, mat, 0);
        for (let i = 0; i < W; i++) out[oo + i] = mat[i];
      } else {
        structure.compose(a, ao, b, bo, out, oo);
      }
    },
  };
}
