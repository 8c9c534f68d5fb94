import type { DefinedDynamics } from '@unroll/linearize';
import { parametrizedFlow, type FlowStepParams } from './parametrized-flow.js';

/** Parameters of {@link sprottB}: only the step (the flow has none of its own). */
export type SprottBParams = FlowStepParams;

/**
 * Sprott's case B (1994): `ẋ = yz, ẏ = x − y, ż = 1 − xy`, chaotic (the predictability
 * paper's Table 1). Default: RK4 with dt = 0.01.
 */
export function sprottB(params?: SprottBParams): DefinedDynamics & {
  /** The parameters, frozen, with every default filled in: passing them back rebuilds the same system. */
  readonly params: Required<SprottBParams>;
} {
  return parametrizedFlow('sprottB', 3, params, {}, () => ({
    f(s, o, out, oo) {
      const x = s[o], y = s[o + 1], z = s[o + 2];
      out[oo] = y * z;
      out[oo + 1] = x - y;
      out[oo + 2] = 1 - x * y;
    },
    jacobian(s, o, out, oo) {
      const x = s[o], y = s[o + 1], z = s[o + 2];
      out.set([0, z, y, 1, -1, 0, -y, -x, 0], oo);
    },
  }));
}
