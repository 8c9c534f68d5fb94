import { checkInteger, checkOptions, diagonal as diagonalStructure } from '@unroll/scan';
import { resolveDerivatives, scaleCalls } from './derivatives.js';
import { rademacher } from './rademacher.js';
import { defineStrategy, type Strategy } from './strategy.js';

/** Options of {@link hutchinson}. */
export interface HutchinsonOptions {
  /** Rademacher probes averaged per step (default 1); the variance falls as 1/probes. */
  readonly probes?: number;
  /** Seed of the probes (default 0): each solve with the same seed draws the same probes. */
  readonly seed?: number;
}

/**
 * Quasi-DEER with a stochastic diagonal: Ã_t = (1/n) Σ_k v_k ⊙ (J v_k) over n Rademacher
 * probes v_k (Hutchinson's estimator; unifying-framework paper §2). Unbiased —
 * E[v ⊙ Jv]_i = Σ_j J_ij E[v_i v_j] = J_ii — with variance Σ_{j≠i} J_ij² / n per entry.
 * One JVP per probe: the diagonal of a model without closed-form derivatives at the cost
 * of one forward-mode pass, whatever D is.
 */
export function hutchinson(opts?: HutchinsonOptions): Strategy {
  const { probes = 1, seed = 0 } = checkOptions('hutchinson', opts, '{ probes: 4, seed: 0 }');
  checkInteger('hutchinson', 'probes', probes, 1);
  checkInteger('hutchinson', 'seed', seed, Number.MIN_SAFE_INTEGER);
  return defineStrategy({
    name: 'hutchinson',
    structure: (D) => diagonalStructure(D),
    prepare(dyn) {
      const D = dyn.dim;
      const { jvp } = resolveDerivatives(dyn);
      const draw = rademacher(seed);
      const v = new Float64Array(D);
      const w = new Float64Array(D);
      const inv = 1 / probes;
      return {
        source: `Hutchinson diagonal from ${probes} ${jvp.source === 'finite-difference' ? 'finite-difference' : 'closed-form'} JVP${probes === 1 ? '' : 's'}`,
        cost: { storedPerStep: D, calls: scaleCalls(jvp.calls, probes) },
        fill(t, prev, po, out, oo) {
          for (let i = 0; i < D; i++) out[oo + i] = 0;
          for (let k = 0; k < probes; k++) {
            draw(v, 0, D);
            jvp.fn(t, prev, po, v, 0, w, 0);
            for (let i = 0; i < D; i++) out[oo + i] += v[i] * w[i];
          }
          if (probes > 1) for (let i = 0; i < D; i++) out[oo + i] *= inv;
        },
      };
    },
  });
}
